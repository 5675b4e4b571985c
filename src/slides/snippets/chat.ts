/**
 * The chat deck's code, as it runs on the workshop runtime. Each `#region` is one slide's code
 * block (snippets.test.ts checks the deck shows exactly this); chat.test.ts runs each one.
 * Lines between `#hide` and `#show` are left off the slide.
 */
import {
  type ActorRef,
  ActorSystem,
  ask,
  type Behavior,
  Behaviors,
  type ClusterSharding,
  Effect,
  EventSourcedBehavior,
  type InMemoryJournal,
} from "@runtime";

export type AccountId = string;

export type ThreadEvent =
  | { type: "ThreadCreated"; owner: AccountId; at: number }
  | { type: "MessagesAdded"; sender: AccountId; ids: string[]; texts: string[]; at: number };

export type ThreadReply =
  | { type: "succeeded"; threadId: string; ids: string[]; at: number }
  | { type: "failed"; reason: string }
  | { type: "messages"; texts: string[] };

export type ThreadCommand =
  | { type: "create"; sender: AccountId; at: number; replyTo: ActorRef<ThreadReply> }
  | {
      type: "add";
      sender: AccountId;
      texts: string[];
      at: number;
      replyTo: ActorRef<ThreadReply>;
    }
  | { type: "get"; sender: AccountId; replyTo: ActorRef<ThreadReply> };

// #region results-not-exceptions
type Result<T> = { ok: true; value: T } | { ok: false; error: string };

class Thread {
  // #hide
  private constructor(
    readonly id: string,
    readonly created: boolean,
    readonly memberIds: ReadonlySet<AccountId>,
    readonly texts: readonly string[],
  ) {}
  static empty(id: string): Thread {
    return new Thread(id, false, new Set(), []);
  }
  get nextSeq(): number {
    return this.texts.length + 1;
  }
  create(owner: AccountId, at: number): Result<ThreadEvent> {
    if (this.created) return { ok: false, error: "the thread already exists" };
    return { ok: true, value: { type: "ThreadCreated", owner, at } };
  }
  apply(event: ThreadEvent): Thread {
    if (event.type === "ThreadCreated")
      return new Thread(this.id, true, new Set([event.owner]), []);
    return new Thread(this.id, true, this.memberIds, [...this.texts, ...event.texts]);
  }
  decide(cmd: Exclude<ThreadCommand, { type: "get" }>): Result<ThreadEvent> {
    return cmd.type === "create"
      ? this.create(cmd.sender, cmd.at)
      : this.addMessages(cmd.sender, cmd.texts, cmd.at);
  }
  messagesFor(reader: AccountId): Result<readonly string[]> {
    if (!this.memberIds.has(reader)) return { ok: false, error: `${reader} is not a member` };
    return { ok: true, value: this.texts };
  }
  // #show
  addMessages(sender: AccountId, texts: string[], at: number): Result<ThreadEvent> {
    if (!this.created) return { ok: false, error: "no such thread" };
    if (!this.memberIds.has(sender)) return { ok: false, error: `${sender} is not a member` };
    const ids = texts.map((_, i) => `${this.id}-${this.nextSeq + i}`);
    return { ok: true, value: { type: "MessagesAdded", sender, ids, texts, at } };
  }
  // … create, join, leave, remove, destroy: the same shape
}

// #endregion results-not-exceptions

export { Thread };

const idsOf = (event: ThreadEvent) => (event.type === "MessagesAdded" ? event.ids : []);

// #region aggregate-in-code
const threadAggregate = (thread: Thread): Behavior<ThreadCommand> =>
  Behaviors.receiveMessage((cmd) => {
    if (cmd.type === "get") return Behaviors.same; // queries: see the lab
    const result = thread.decide(cmd); // the domain says yes or no
    if (!result.ok) {
      cmd.replyTo.tell({ type: "failed", reason: result.error });
      return Behaviors.same; // a refused command changes nothing
    }
    const ids = idsOf(result.value);
    cmd.replyTo.tell({ type: "succeeded", threadId: thread.id, ids, at: cmd.at });
    return threadAggregate(thread.apply(result.value)); // the new state is the next behaviour
  });

// #endregion aggregate-in-code

export { threadAggregate };

export const create =
  (sender: AccountId, at: number) =>
  (replyTo: ActorRef<ThreadReply>): ThreadCommand => ({ type: "create", sender, at, replyTo });
export const addMessages =
  (sender: AccountId, texts: string[], at: number) =>
  (replyTo: ActorRef<ThreadReply>): ThreadCommand => ({ type: "add", sender, texts, at, replyTo });
export const getMessages =
  (sender: AccountId) =>
  (replyTo: ActorRef<ThreadReply>): ThreadCommand => ({ type: "get", sender, replyTo });

/** The aggregate test, as the slide shows it; returns the reply the slide expects. */
export async function testTheAggregate(threadId: string, alice: AccountId, t0: number, t1: number) {
  // #region testing-the-aggregate
  const opts = { timeout: 3_000 };
  const system = ActorSystem.create(threadAggregate(Thread.empty(threadId)), "thread");
  await ask(system.ref, create(alice, t0), opts);
  const reply = await ask(system.ref, addMessages(alice, ["hi"], t1), opts);
  // expect(reply).toMatchObject({ type: "succeeded", threadId, at: t1 });
  // #endregion testing-the-aggregate
  await system.terminate();
  return reply;
}

const succeeded = (cmd: { at: number }, t: Thread, event: ThreadEvent): ThreadReply => ({
  type: "succeeded",
  threadId: t.id,
  ids: idsOf(event),
  at: cmd.at,
});
const failed = (error: string): ThreadReply => ({ type: "failed", reason: error });
/** A query: members read the messages, nothing is stored. */
const read = (thread: Thread, reader: AccountId): ThreadReply => {
  const result = thread.messagesFor(reader);
  return result.ok ? { type: "messages", texts: [...result.value] } : failed(result.error);
};

// #region on-our-runtime
const thread = (threadId: string) =>
  EventSourcedBehavior.create<ThreadCommand, ThreadEvent, Thread>({
    persistenceId: `thread-${threadId}`,
    emptyState: Thread.empty(threadId),
    commandHandler: (thread, cmd) => {
      if (cmd.type === "get") return Effect.reply(cmd.replyTo, read(thread, cmd.sender));
      const result = thread.decide(cmd); // the domain says yes or no
      return result.ok
        ? Effect.persist(result.value).thenReply(cmd.replyTo, (t) =>
            succeeded(cmd, t, result.value),
          )
        : Effect.reply(cmd.replyTo, failed(result.error)); // = Effect.none().thenReply(…)
    },
    eventHandler: (thread, evt) => thread.apply(evt), // recovery replays events, not commands
  });

// #endregion on-our-runtime

export { thread };

/** The replay test, as the slide shows it; returns what the second incarnation answered. */
export async function replayTest(
  id: string,
  alice: AccountId,
  t0: number,
  t1: number,
  journal: InMemoryJournal,
) {
  const opts = { timeout: 3_000 };
  // #region replay-test
  // `journal` stands in for the database that outlives both incarnations
  const first = ActorSystem.create(thread(id).withJournal(journal), "first");
  await ask(first.ref, create(alice, t0), opts);
  await ask(first.ref, addMessages(alice, ["a", "b"], t1), opts);
  await first.terminate(); // kill it: in-memory state is gone, the journal is not
  const second = ActorSystem.create(thread(id).withJournal(journal), "second");
  const got = await ask(second.ref, getMessages(alice), opts); // same persistence id
  // expect(got).toEqual({ type: "messages", texts: ["a", "b"] });
  // #endregion replay-test
  await second.terminate();
  return got;
}

// #region shard-of
// A non-negative number first, then % 12: exactly 12 shard ids, "0" … "11"
const shardOf = (threadId: string) =>
  (Number.parseInt(threadId.replaceAll("-", "").slice(-8), 16) % 12).toString();
// #endregion shard-of

/**
 * The talk's way, for the test that backs the slide's "529": each signed 64-bit half of the UUID
 * modulo 12. A signed remainder keeps the sign, so each half gives one of 23 values, −11 … 11.
 */
export const signedHalvesShardOf = (threadId: string): string => {
  const hex = threadId.replaceAll("-", "");
  const half = (h: string) => BigInt.asIntN(64, BigInt(`0x${h}`)) % 12n;
  return `${half(hex.slice(0, 16))}:${half(hex.slice(16))}`;
};

export { shardOf };

/** Starts thread sharding on a simulated cluster and sends one command, as the slide shows. */
export function startSharding(
  sharding: ClusterSharding,
  threadId: string,
  alice: AccountId,
  at: number,
) {
  // #region starting-sharding
  const threads = sharding.init<ThreadCommand>({
    typeName: "thread",
    createBehavior: (threadId) => thread(threadId),
  });

  const ref = threads.entityRefFor(threadId, "node-2"); // from any node
  const reply = ref.ask<ThreadReply>(create(alice, at), 5_000);
  // #endregion starting-sharding
  return { threads, reply };
}
