import {
  type ActorRef,
  ActorSystem,
  ask,
  Behaviors,
  currentEventsByTag,
  Effect,
  EventSourcedBehavior,
  eventsByTag,
  InMemoryJournal,
  InMemoryReadModel,
  Persistence,
  type ProjectionHandle,
  runProjection,
  VirtualScheduler,
} from "@runtime";
import { BadCommand, commandType, type DemoModel } from "../model";
import {
  applyEvent,
  decide,
  describeEvent,
  emptyThread,
  MEMBERS,
  type Member,
  THREADS,
  type Thread,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadId,
} from "./thread";

/**
 * Talk 3's loop, live: commands go to a thread aggregate (an event-sourced actor per thread),
 * its events go to the journal tagged "chat", and a projection keeps a read model up to date
 * from `eventsByTag`. The two sides meet only in the journal.
 */

export type ChatCommand =
  | (ThreadCommand & { readonly thread: ThreadId })
  | { readonly type: "restart" }
  | { readonly type: "reset" };

/** The read model: what a thread list and a profile page would query. */
export interface ChatReadModel {
  readonly threads: Readonly<
    Record<string, { readonly members: number; readonly messages: number; readonly last: string }>
  >;
  readonly messagesBy: Readonly<Record<string, number>>;
}

export interface ChatView {
  /** The journal as the query sees it: global offset, entity, sequence number, event. */
  readonly events: ReadonlyArray<{
    readonly offset: number;
    readonly persistenceId: string;
    readonly sequenceNr: number;
    readonly text: string;
  }>;
  /** Each aggregate's state, as its actor holds it. */
  readonly threads: Readonly<Record<ThreadId, Thread>>;
  readonly readModel: ChatReadModel;
  /** How far the projection has read. */
  readonly projectionOffset: number;
  /** Restarts so far, and what the last one recovered. */
  readonly restarts: number;
  readonly recovered: Readonly<Record<string, number>>;
  readonly outcome: { readonly ok: boolean; readonly text: string } | null;
}

type Reply =
  | { readonly ok: true; readonly thread: Thread }
  | { readonly ok: false; readonly error: string; readonly thread: Thread };
type Envelope = ThreadCommand & { readonly replyTo: ActorRef<Reply> };

const DEMO = "chat-thread";
const TAG = "chat";
const STEP_MS = 20_000;
const MAX_EVENTS = 500;

const pid = (thread: ThreadId) => `thread-${thread}`;

function threadBehavior(id: ThreadId) {
  return EventSourcedBehavior.create<Envelope, ThreadEvent, Thread>({
    persistenceId: pid(id),
    emptyState: emptyThread(id),
    commandHandler: (thread, cmd) => {
      const result = decide(thread, cmd);
      if (!result.ok)
        return Effect.none<ThreadEvent, Thread>().thenReply(
          cmd.replyTo,
          (t): Reply => ({
            ok: false,
            error: result.error,
            thread: t,
          }),
        );
      return Effect.persist<ThreadEvent, Thread>(result.events).thenReply(
        cmd.replyTo,
        (t): Reply => ({ ok: true, thread: t }),
      );
    },
    eventHandler: (thread, event) => applyEvent(thread, event),
  }).withTagger(() => [TAG]);
}

const emptyReadModel: ChatReadModel = { threads: {}, messagesBy: {} };

/** The projection's update for one event: a pure function of the read model. */
export function project(
  persistenceId: string,
  event: ThreadEvent,
): (model: ChatReadModel) => ChatReadModel {
  const name = persistenceId.replace(/^thread-/, "#");
  return (model) => {
    const row = model.threads[name] ?? { members: 0, messages: 0, last: "" };
    switch (event.type) {
      case "ThreadCreated":
        return { ...model, threads: { ...model.threads, [name]: row } };
      case "MemberIdsJoined":
      case "MemberIdsLeft": {
        const delta = (event.type === "MemberIdsJoined" ? 1 : -1) * event.memberIds.length;
        return {
          ...model,
          threads: { ...model.threads, [name]: { ...row, members: row.members + delta } },
        };
      }
      case "MessagesAdded":
        return {
          threads: {
            ...model.threads,
            [name]: {
              ...row,
              messages: row.messages + event.texts.length,
              last: `${event.sender}: ${event.texts.at(-1) ?? ""}`,
            },
          },
          messagesBy: {
            ...model.messagesBy,
            [event.sender]: (model.messagesBy[event.sender] ?? 0) + event.texts.length,
          },
        };
    }
  };
}

export class ChatThreadModel implements DemoModel<ChatView> {
  private scheduler = new VirtualScheduler();
  private journal = new InMemoryJournal();
  private readModel = new InMemoryReadModel<ChatReadModel>(emptyReadModel);
  private projection!: ProjectionHandle;
  private system!: ActorSystem<never>;
  private refs = {} as Record<ThreadId, ActorRef<Envelope>>;
  private threads = Object.fromEntries(THREADS.map((t) => [t, emptyThread(t)])) as Record<
    ThreadId,
    Thread
  >;
  private events: ChatView["events"] = [];
  private restarts = 0;
  private recovered: Record<string, number> = {};
  private outcome: ChatView["outcome"] = null;
  private ready: Promise<void>;

  constructor() {
    this.projection = this.project();
    this.ready = this.spawn();
  }

  view(): ChatView {
    return {
      events: this.events,
      threads: this.threads,
      readModel: this.readModel.model,
      projectionOffset: this.projection.offset,
      restarts: this.restarts,
      recovered: this.recovered,
      outcome: this.outcome,
    };
  }

  async apply(command: unknown): Promise<ChatView> {
    await this.ready;
    const cmd = commandType(DEMO, command, ["join", "leave", "post", "restart", "reset"]);
    switch (cmd.type) {
      case "restart":
        await this.system.terminate();
        this.restarts++;
        await this.spawn();
        this.outcome = {
          ok: true,
          text: `Both aggregates stopped and recovered from the journal: ${THREADS.map((t) => `#${t} replayed ${this.recovered[t] ?? 0} events`).join(", ")}.`,
        };
        break;
      case "reset":
        await this.projection.stop();
        await this.system.terminate();
        this.scheduler = new VirtualScheduler();
        this.journal = new InMemoryJournal();
        this.readModel = new InMemoryReadModel<ChatReadModel>(emptyReadModel);
        this.events = [];
        this.restarts = 0;
        this.outcome = null;
        this.projection = this.project();
        await this.spawn();
        break;
      default:
        await this.send(this.threadCommand(cmd));
    }
    return this.view();
  }

  private threadCommand(cmd: Record<string, unknown>): ThreadCommand & { thread: ThreadId } {
    const thread = cmd.thread as ThreadId;
    const sender = cmd.sender as Member;
    if (!THREADS.includes(thread))
      throw new BadCommand(DEMO, cmd, `thread must be one of ${THREADS.join(", ")}`);
    if (!MEMBERS.includes(sender))
      throw new BadCommand(DEMO, cmd, `sender must be one of ${MEMBERS.join(", ")}`);
    if (cmd.type === "post") {
      if (typeof cmd.text !== "string") throw new BadCommand(DEMO, cmd, "text must be a string");
      return { type: "post", thread, sender, text: cmd.text.slice(0, 1_000) };
    }
    return { type: cmd.type as "join" | "leave", thread, sender };
  }

  private async send(cmd: ThreadCommand & { thread: ThreadId }): Promise<void> {
    if (this.events.length >= MAX_EVENTS) {
      this.outcome = { ok: false, text: `The demo keeps at most ${MAX_EVENTS} events: reset it.` };
      return;
    }
    await this.scheduler.advanceBy(STEP_MS);
    const { thread, ...command } = cmd;
    const answer = ask<Envelope, Reply>(this.refs[thread], (replyTo) => ({ ...command, replyTo }), {
      timeout: 5_000,
    });
    await this.scheduler.runUntilIdle();
    const reply = await answer;
    this.threads = { ...this.threads, [thread]: reply.thread };
    const what =
      cmd.type === "post"
        ? `${cmd.sender} posts to #${thread}`
        : `${cmd.sender} ${cmd.type}s #${thread}`;
    this.outcome = reply.ok
      ? { ok: true, text: `${what}: stored.` }
      : { ok: false, text: `${what}: rejected, ${reply.error}. Nothing stored.` };
    // The read side catches up from the journal, not from the aggregate.
    const all = await currentEventsByTag(this.journal, TAG);
    const latest = all.at(-1)?.offset ?? 0;
    await this.projection.reached(latest);
    this.events = all.map((e) => ({
      offset: e.offset,
      persistenceId: e.persistenceId,
      sequenceNr: e.sequenceNr,
      text: describeEvent(e.event as ThreadEvent),
    }));
  }

  private project(): ProjectionHandle {
    return runProjection({
      projectionId: "thread-list",
      mode: "exactly-once",
      source: (after) => eventsByTag(this.journal, TAG, after),
      offsetStore: this.readModel,
      handler: (envelope) => project(envelope.persistenceId, envelope.event as ThreadEvent),
    });
  }

  /** Starts (or restarts) the aggregates; each recovers from its journal. */
  private async spawn(): Promise<void> {
    this.system = ActorSystem.create(Behaviors.ignore, `chat-${this.restarts}`, {
      scheduler: this.scheduler,
    });
    Persistence.register(this.system as ActorSystem<unknown>, { journal: this.journal });
    const recovered: Record<string, number> = {};
    for (const thread of THREADS) {
      const behavior = threadBehavior(thread).receiveSignal((_state, signal) => {
        if (signal.type === "RecoveryCompleted") {
          recovered[thread] = signal.sequenceNr;
          this.threads = { ...this.threads, [thread]: signal.state };
        }
      });
      this.refs[thread] = this.system.systemActorOf(behavior, pid(thread));
    }
    await this.scheduler.runUntilIdle();
    this.recovered = recovered;
  }
}
