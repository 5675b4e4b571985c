import {
  type ActorRef,
  ActorSystem,
  AskTimeoutError,
  ask,
  Behaviors,
  InMemoryJournal,
  InMemorySnapshotStore,
  Persistence,
  VirtualScheduler,
} from "@runtime";
import { threadEntity } from "./entity";
import type { ThreadCommand, ThreadId } from "./protocol";

/**
 * The chat service of the talk's picture, squeezed into one process: each thread is an
 * event-sourced actor, all of them write to one journal, and a virtual clock runs everything.
 * `crash()` kills every actor at once, as a node going down would; the journal survives, and
 * each thread comes back on its next command by replaying its events. This file is read-only:
 * the checks use it, and so may you, to try things out.
 *
 * @example
 * const chat = new ChatService();
 * await chat.send("t1", (replyTo) => ({ type: "CreateThread", senderId: "ann", at: 1, replyTo }));
 * await chat.crash();
 * await chat.send("t1", (replyTo) => ({ type: "GetMessages", senderId: "ann", at: 2, replyTo }));
 */
export class ChatService {
  readonly scheduler = new VirtualScheduler();
  readonly snapshots = new InMemorySnapshotStore();
  private system!: ActorSystem<never>;
  private readonly threads = new Map<ThreadId, ActorRef<ThreadCommand>>();
  private incarnation = 0;

  constructor(readonly journal: InMemoryJournal = new InMemoryJournal()) {
    this.start();
  }

  /**
   * Sends a command and runs the clock until everything it caused is done. Resolves with the
   * reply, or `undefined` when none came back: the thread stopped (say, a failed write) or the
   * reply was lost on the way (`loseReply`). Either way the client cannot tell whether the
   * command took effect. After a lost answer from a stopped thread the service restarts.
   */
  async send<R>(
    threadId: ThreadId,
    command: (replyTo: ActorRef<R>) => ThreadCommand,
    options: { loseReply?: boolean } = {},
  ): Promise<R | undefined> {
    const reply = ask<ThreadCommand, R>(this.thread(threadId), command, { timeout: 1_000 });
    await this.scheduler.runUntilIdle();
    try {
      const answer = await reply;
      return options.loseReply ? undefined : answer;
    } catch (e) {
      if (!(e instanceof AskTimeoutError)) throw e;
      await this.crash();
      return undefined;
    }
  }

  /** Kills every thread actor. Nothing in memory survives; the journal does. */
  async crash(): Promise<void> {
    const old = this.system;
    this.threads.clear();
    await Promise.all([old.terminate(), this.scheduler.runUntilIdle()]);
    this.start();
  }

  private start(): void {
    this.system = ActorSystem.create(Behaviors.ignore as never, `chat-${this.incarnation++}`, {
      scheduler: this.scheduler,
    });
    Persistence.register(this.system as ActorSystem<unknown>, {
      journal: this.journal,
      snapshotStore: this.snapshots,
    });
  }

  private thread(threadId: ThreadId): ActorRef<ThreadCommand> {
    let ref = this.threads.get(threadId);
    if (!ref) {
      ref = this.system.systemActorOf(threadEntity(threadId), `thread-${threadId}`);
      this.threads.set(threadId, ref);
    }
    return ref;
  }
}
