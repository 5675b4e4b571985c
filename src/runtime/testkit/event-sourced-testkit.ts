import { type Behavior, Behaviors } from "../actor/behavior";
import { ActorRef, recipientOf } from "../actor/ref";
import { ActorSystem } from "../actor/system";
import { inspectState } from "../persistence/event-sourced/protocol";
import type { EventSourcedBehavior } from "../persistence/event-sourced-behavior";
import type { PersistentRepr } from "../persistence/journal";
import { InMemoryJournal } from "../persistence/memory-journal";
import { InMemorySnapshotStore } from "../persistence/memory-snapshot-store";
import { Persistence } from "../persistence/persistence-plugin";
import { VirtualScheduler } from "../sim/virtual-scheduler";
import { StateUnavailable } from "./state-unavailable";

/** What one command did: the events it stored, the state after, and the reply if any. */
export interface CommandResult<E, S, R> {
  readonly events: readonly E[];
  /** The state after the command, or the last known state if the actor stopped. */
  readonly state: S;
  readonly reply: R | undefined;
  /** True when the actor is no longer running after this command. */
  readonly stopped: boolean;
}

/**
 * Runs one event-sourced behaviour on a virtual clock with an in-memory journal, one command at
 * a time, after Akka's `EventSourcedBehaviorTestKit`.
 *
 * @example Commands, recovery, and a failing journal
 * ```ts
 * type Cmd = { type: "deposit"; amount: number; replyTo: ActorRef<number> };
 * type Evt = { type: "deposited"; amount: number };
 * type State = { balance: number };
 * const account = EventSourcedBehavior.create<Cmd, Evt, State>({
 *   persistenceId: "account-42",
 *   emptyState: { balance: 0 },
 *   commandHandler: (_state, cmd) =>
 *     Effect.persist<Evt, State>({ type: "deposited", amount: cmd.amount }).thenReply(
 *       cmd.replyTo,
 *       (s) => s.balance,
 *     ),
 *   eventHandler: (state, evt) => ({ balance: state.balance + evt.amount }),
 * });
 * const kit = await EventSourcedBehaviorTestKit.create(account);
 * const r = await kit.runCommand<number>((replyTo) => ({ type: "deposit", amount: 100, replyTo }));
 * r.events; // [{ type: "deposited", amount: 100 }]
 * r.state.balance; // 100
 * r.reply; // 100
 * await kit.restart(); // a new incarnation recovers { balance: 100 } from the journal
 * kit.journal.failNextAppend(); // failure injection: the next write fails…
 * const failed = await kit.runCommand<number>((replyTo) => ({ type: "deposit", amount: 5, replyTo }));
 * failed.stopped; // …true: without onPersistFailure, the actor stops
 * ```
 */
export class EventSourcedBehaviorTestKit<C, E, S> {
  readonly scheduler = new VirtualScheduler();
  readonly journal: InMemoryJournal;
  readonly snapshotStore = new InMemorySnapshotStore();
  readonly system: ActorSystem<never>;
  private ref!: ActorRef<C>;
  private incarnation = 0;
  private lastState: S | undefined;
  private persistenceId = "";

  private constructor(
    private readonly behavior: Behavior<C>,
    seed: number,
    immediateWrites: boolean,
  ) {
    this.journal = new InMemoryJournal({ immediateWrites });
    this.system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "testkit", {
      scheduler: this.scheduler,
      seed,
    });
    Persistence.register(this.system as ActorSystem<unknown>, {
      journal: this.journal,
      snapshotStore: this.snapshotStore,
    });
  }

  /**
   * Starts `behavior` (recovering from an empty journal): an `EventSourcedBehavior`, or one
   * wrapped in `Behaviors.setup` (or `supervise`) so that its handlers can use the
   * `ActorContext`. `seed` seeds the system's random streams (a test kit is a test: its runs
   * repeat); `immediateWrites: false` makes the journal acknowledge each write later, as a real
   * store does, so commands sent meanwhile are stashed (see `InMemoryJournal`). Both kinds of
   * journal give the same results.
   */
  static async create<C, E, S>(
    behavior: EventSourcedBehavior<C, E, S> | Behavior<C>,
    options: { seed?: number; immediateWrites?: boolean } = {},
  ): Promise<EventSourcedBehaviorTestKit<C, E, S>> {
    const kit = new EventSourcedBehaviorTestKit<C, E, S>(
      behavior,
      options.seed ?? 1,
      options.immediateWrites ?? true,
    );
    await kit.spawn();
    return kit;
  }

  /**
   * Sends a command and runs until everything it caused has happened. Given a function that
   * builds the command around a `replyTo`, it expects a reply: it throws "Missing expected
   * reply" when none came and the actor is still running (as Akka's test kit does).
   */
  async runCommand<R = never>(
    command: C | ((replyTo: ActorRef<R>) => C),
  ): Promise<CommandResult<E, S, R>> {
    const before = await this.journal.highestSequenceNr(this.persistenceId);
    const replies: R[] = [];
    const replyTo = new ActorRef<R>("testkit/reply", { enqueue: (m) => replies.push(m as R) });
    const message =
      typeof command === "function" ? (command as (r: ActorRef<R>) => C)(replyTo) : command;
    this.ref.tell(message);
    await this.scheduler.runUntilIdle();
    const after = await this.journal.highestSequenceNr(this.persistenceId);
    const stored: PersistentRepr[] =
      after > before ? await this.journal.read(this.persistenceId, before + 1, after) : [];
    let state = this.lastState;
    let stopped = false;
    try {
      state = await this.getState();
    } catch (error) {
      if (!(error instanceof StateUnavailable)) throw error;
      stopped = true;
    }
    if (typeof command === "function" && replies.length === 0 && !stopped) {
      throw new Error(
        `Missing expected reply for ${commandName(message)} sent to ${this.ref.path}`,
      );
    }
    return {
      events: stored.map((r) => r.event as E),
      state: state as S,
      reply: replies[0],
      stopped,
    };
  }

  /** The actor's current state (throws if it has stopped). */
  async getState(): Promise<S> {
    let result: { state: S } | undefined;
    inspectState<S>(this.ref, (state, _sequenceNr, persistenceId) => {
      result = { state };
      this.lastState = state;
      this.persistenceId = persistenceId;
    });
    await this.scheduler.runUntilIdle();
    if (!result) throw new StateUnavailable(this.ref.path);
    return result.state;
  }

  /**
   * Deletes every stored event and snapshot and starts a new incarnation from the empty state
   * (Akka's `clear()`), so one kit can run several scenarios.
   */
  async clear(): Promise<void> {
    this.journal.clear();
    this.snapshotStore.clear();
    await this.spawn();
  }

  /** Stops the actor and starts a new incarnation that recovers from the journal. */
  async restart(): Promise<S> {
    await this.spawn();
    return this.getState();
  }

  /** Every event stored so far, oldest first. */
  async persistedEvents(): Promise<E[]> {
    const highest = await this.journal.highestSequenceNr(this.persistenceId);
    return (await this.journal.read(this.persistenceId, 1, highest)).map((r) => r.event as E);
  }

  /** The actor's reference (for sending commands that are not request/response). */
  get actor(): ActorRef<C> {
    return this.ref;
  }

  private async spawn(): Promise<void> {
    if (this.ref) {
      // The old incarnation stops before the new one starts: one writer at a time.
      (recipientOf(this.ref) as unknown as { stopSelf(): void }).stopSelf();
      await this.scheduler.runUntilIdle();
    }
    this.ref = this.system.systemActorOf(this.behavior, `entity-${this.incarnation++}`);
    await this.scheduler.runUntilIdle();
    // Learns the persistence id from the actor itself: a behaviour wrapped in setup shows it
    // only once it runs.
    await this.getState().catch(() => undefined);
  }
}

function commandName(message: unknown): string {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === "string" ? `command "${type}"` : "the command";
}
