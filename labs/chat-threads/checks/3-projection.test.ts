import { startThreadList, ThreadList } from "@lab/projection";
import {
  THREAD_TAG,
  type ThreadChange,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadReply,
} from "@lab/protocol";
import { ChatService } from "@lab/service";
import {
  currentEventsByTag,
  type EventEnvelope,
  InMemoryOffsetStore,
  type OffsetStore,
} from "@runtime";
import { describe, expect, it } from "vitest";

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Change = Without<ThreadChange, "replyTo">;

function change(chat: ChatService, threadId: string, command: Change) {
  return chat.send<ThreadReply>(threadId, (replyTo) => ({ ...command, replyTo }) as ThreadCommand);
}

const post = (senderId: string, ...ids: string[]): Change => ({
  type: "AddMessages",
  senderId,
  messages: ids.map((id) => ({ id, text: `text of ${id}` })),
  at: 5,
});

/** Three threads: t1 busy, t2 quiet, t3 destroyed. */
async function busyChat(): Promise<ChatService> {
  const chat = new ChatService();
  for (const [threadId, creator] of [
    ["t1", "ann"],
    ["t2", "bob"],
    ["t3", "ann"],
  ] as const)
    await change(chat, threadId, { type: "CreateThread", senderId: creator, at: 1 });
  await change(chat, "t1", {
    type: "JoinMemberIds",
    senderId: "ann",
    accountIds: ["bob", "carol", "dan"],
    at: 2,
  });
  await change(chat, "t1", { type: "LeaveMemberIds", senderId: "dan", accountIds: ["dan"], at: 3 });
  await change(chat, "t1", post("ann", "a1", "a2"));
  await change(chat, "t2", post("bob", "b1"));
  await change(chat, "t1", post("carol", "a3"));
  await change(chat, "t1", { type: "RemoveMessages", senderId: "ann", messageIds: ["a2"], at: 6 });
  await change(chat, "t3", { type: "DestroyThread", senderId: "ann", at: 7 });
  return chat;
}

const EXPECTED = [
  { threadId: "t1", memberCount: 3, messageCount: 2 },
  { threadId: "t2", memberCount: 1, messageCount: 1 },
];

/**
 * The list's rows by thread id, compared by what the instructions ask for: a row may carry more.
 */
function expectRows(list: ThreadList, expected: readonly object[], why?: string) {
  const rows = [...list.summaries()].sort((a, b) => a.threadId.localeCompare(b.threadId));
  expect(rows, why).toMatchObject(expected);
}

/** Every event in the journal as a query would deliver it, tagged or not. */
function envelopes(chat: ChatService): EventEnvelope<ThreadEvent>[] {
  return chat.journal.eventsAfter(0).map((e, i) => ({
    offset: i + 1,
    persistenceId: e.persistenceId,
    sequenceNr: e.sequenceNr,
    timestamp: e.timestamp,
    event: e.event as ThreadEvent,
  }));
}

/** An offset store whose save of one chosen offset fails once: the process died right there. */
class CrashOnce implements OffsetStore {
  private readonly store = new InMemoryOffsetStore();
  constructor(private crashAt: number) {}
  load(projectionId: string): Promise<number> {
    return this.store.load(projectionId);
  }
  save(projectionId: string, offset: number): Promise<void> {
    if (offset !== this.crashAt) return this.store.save(projectionId, offset);
    this.crashAt = -1;
    return Promise.reject(new Error(`crash after handling offset ${offset}`));
  }
}

/** Waits at most a second (real time) for `promise`, so a stuck projection fails fast. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited 1 s for ${what}`)), 1_000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function lastTaggedOffset(chat: ChatService): Promise<number> {
  return (await currentEventsByTag(chat.journal, THREAD_TAG)).at(-1)?.offset ?? 0;
}

describe("3. A read model that survives redelivery", () => {
  it("every thread event carries THREAD_TAG, so the query side can find it", async () => {
    const chat = await busyChat();
    const tagged = await currentEventsByTag(chat.journal, THREAD_TAG);
    expect(tagged.length).toBe(chat.journal.eventsAfter(0).length);
  });

  it("the list shows live threads with their member and message counts", async () => {
    const chat = await busyChat();
    const list = new ThreadList();
    for (const envelope of envelopes(chat)) list.handle(envelope);
    expectRows(list, EXPECTED);
  });

  it("an event delivered twice is counted once", async () => {
    const chat = await busyChat();
    const list = new ThreadList();
    for (const envelope of envelopes(chat)) {
      list.handle(envelope);
      list.handle(envelope);
    }
    expectRows(list, EXPECTED);
  });

  it("events delivered again from any earlier point, as when offsets are saved in batches, change nothing: removed messages and members who left stay gone", async () => {
    const chat = await busyChat();
    const all = envelopes(chat);
    for (let from = 0; from < all.length; from++) {
      const list = new ThreadList();
      for (const envelope of all) list.handle(envelope);
      for (const envelope of all.slice(from)) list.handle(envelope);
      expectRows(list, EXPECTED, `everything from event ${from + 1} on delivered again`);
    }
  });

  it("the projection crashes after handling an event but before saving its offset, at every event in turn; after a restart the counts are still right", async () => {
    const chat = await busyChat();
    const tagged = (await currentEventsByTag(chat.journal, THREAD_TAG)).map((e) => e.offset);
    const last = tagged.at(-1) ?? 0;
    expect(last, "no tagged events to project").toBeGreaterThan(0);
    for (const crashAt of tagged) {
      const offsets = new CrashOnce(crashAt);
      const list = new ThreadList();
      const first = startThreadList(chat.journal, offsets, list);
      await expect(
        within(first.done, `the projection to stop at offset ${crashAt}`),
      ).rejects.toThrow("crash after handling");
      const second = startThreadList(chat.journal, offsets, list); // redelivers `crashAt`
      await within(second.reached(last), `the restarted projection to reach offset ${last}`);
      await second.stop();
      expectRows(list, EXPECTED, `crash at offset ${crashAt}`);
    }
  });

  it("while it runs, new posts show up in the list", async () => {
    const chat = await busyChat();
    const list = new ThreadList();
    const projection = startThreadList(chat.journal, new InMemoryOffsetStore(), list);
    await within(projection.reached(await lastTaggedOffset(chat)), "the projection to catch up");
    await change(chat, "t2", post("bob", "b2", "b3"));
    await change(chat, "t2", {
      type: "JoinMemberIds",
      senderId: "bob",
      accountIds: ["eve"],
      at: 8,
    });
    await within(projection.reached(await lastTaggedOffset(chat)), "the new events");
    await projection.stop();
    expectRows(list, [EXPECTED[0] as object, { threadId: "t2", memberCount: 2, messageCount: 3 }]);
  });
});
