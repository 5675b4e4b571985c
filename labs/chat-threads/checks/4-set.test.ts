import type { MessagesReply, ThreadCommand, ThreadReply } from "@lab/protocol";
import { ChatService } from "@lab/service";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * A Jepsen-style set check. Clients add elements (messages) and record what they were told:
 * `ok` (acknowledged), `fail` (refused: it certainly did not happen) or `info` (no answer: it may
 * or may not have happened). A final read must contain every `ok` element, nothing that was
 * refused or never sent, and nothing twice.
 */
type Outcome = "ok" | "fail" | "info";

interface SetAnomalies {
  /** Acknowledged, but missing from the final read. */
  lost: string[];
  /** In the final read, but refused or never sent. */
  unexpected: string[];
  /** In the final read more than once. */
  duplicated: string[];
}

function checkSet(history: ReadonlyMap<string, Outcome>, read: readonly string[]): SetAnomalies {
  const present = new Set(read);
  return {
    lost: [...history].filter(([id, o]) => o === "ok" && !present.has(id)).map(([id]) => id),
    unexpected: [...present].filter((id) => {
      const outcome = history.get(id);
      return outcome === undefined || outcome === "fail";
    }),
    duplicated: [...present].filter((id) => read.indexOf(id) !== read.lastIndexOf(id)),
  };
}

const CLEAN: SetAnomalies = { lost: [], unexpected: [], duplicated: [] };

type Fault = "none" | "lost reply" | "failed write";

function post(chat: ChatService, threadId: string, senderId: string, id: string, fault: Fault) {
  if (fault === "failed write") chat.journal.failNextAppend(new Error("disk full, just once"));
  return chat.send<ThreadReply>(
    threadId,
    (replyTo): ThreadCommand => ({
      type: "AddMessages",
      senderId,
      messages: [{ id, text: `message ${id}` }],
      at: 10,
      replyTo,
    }),
    { loseReply: fault === "lost reply" },
  );
}

async function readIds(chat: ChatService, threadId: string): Promise<string[]> {
  const reply = await chat.send<MessagesReply>(threadId, (replyTo) => ({
    type: "GetMessages",
    senderId: "ann",
    at: 0,
    replyTo,
  }));
  return reply?.ok ? reply.messages.map((m) => m.id) : [];
}

async function openThreads(chat: ChatService, ...threadIds: string[]) {
  for (const threadId of threadIds) {
    await chat.send<ThreadReply>(threadId, (replyTo) => ({
      type: "CreateThread",
      senderId: "ann",
      at: 1,
      replyTo,
    }));
    await chat.send<ThreadReply>(threadId, (replyTo) => ({
      type: "JoinMemberIds",
      senderId: "ann",
      accountIds: ["bob"],
      at: 2,
      replyTo,
    }));
  }
}

describe("4. Jepsen-style set check", () => {
  it("the set checker itself catches a lost, an unexpected and a duplicated message (a test of the checker, not of your code: it passes from the start)", () => {
    const history = new Map<string, Outcome>([
      ["a", "ok"],
      ["b", "ok"],
      ["c", "fail"],
      ["d", "info"],
    ]);
    expect(checkSet(history, ["a", "b"])).toEqual(CLEAN);
    expect(checkSet(history, ["a", "b", "d"]), "an unanswered add may have happened").toEqual(
      CLEAN,
    );
    expect(checkSet(history, ["a"])).toEqual({ ...CLEAN, lost: ["b"] });
    expect(checkSet(history, ["a", "b", "c", "x"])).toEqual({ ...CLEAN, unexpected: ["c", "x"] });
    expect(checkSet(history, ["a", "b", "a"])).toEqual({ ...CLEAN, duplicated: ["a"] });
  });

  it("a post whose reply was lost is sent again: it is acknowledged and stored once", async () => {
    const chat = new ChatService();
    await openThreads(chat, "t1");
    expect(await post(chat, "t1", "bob", "m1", "lost reply")).toBeUndefined();
    expect(await post(chat, "t1", "bob", "m1", "none")).toEqual({ ok: true, ids: ["m1"] });
    expect(await readIds(chat, "t1")).toEqual(["m1"]);
  });

  it("a removed message stays removed: a late retry of it brings it back neither at once nor after a crash", async () => {
    const chat = new ChatService();
    await openThreads(chat, "t1");
    const remove = (id: string) =>
      chat.send<ThreadReply>("t1", (replyTo) => ({
        type: "RemoveMessages",
        senderId: "bob",
        messageIds: [id],
        at: 20,
        replyTo,
      }));
    for (const id of ["m1", "m2"]) {
      expect(await post(chat, "t1", "bob", id, "lost reply")).toBeUndefined();
      expect((await remove(id))?.ok, `bob removes ${id}`).toBe(true);
    }
    await post(chat, "t1", "bob", "m1", "none"); // the late retry: acknowledged or refused
    expect(await readIds(chat, "t1"), "after a late retry of m1").toEqual([]);
    await chat.crash();
    await post(chat, "t1", "bob", "m2", "none");
    expect(await readIds(chat, "t1"), "after a crash and a late retry of m2").toEqual([]);
    await post(chat, "t1", "bob", "m1", "none");
    expect(await readIds(chat, "t1"), "after a crash and another retry of m1").toEqual([]);
  });

  it("through crashes, failed writes and lost replies, no acknowledged message is lost and nothing unexpected appears", async () => {
    const operation = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant("post" as const),
          threadId: fc.constantFrom("t1", "t2"),
          senderId: fc.constantFrom("ann", "bob", "carol"),
          fault: fc.constantFrom<Fault>("none", "none", "lost reply", "failed write"),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: "crash" as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 30 }), async (operations) => {
        const chat = new ChatService();
        await openThreads(chat, "t1", "t2");
        const histories = new Map([
          ["t1", new Map<string, Outcome>()],
          ["t2", new Map<string, Outcome>()],
        ]);
        let n = 0;
        for (const op of operations) {
          if (op.kind === "crash") {
            await chat.crash();
            continue;
          }
          const id = `m${++n}`;
          // A client tries three times with the same id before giving up.
          let outcome: Outcome = "info";
          for (let attempt = 0; attempt < 3 && outcome === "info"; attempt++) {
            const reply = await post(
              chat,
              op.threadId,
              op.senderId,
              id,
              attempt === 0 ? op.fault : "none",
            );
            if (reply) outcome = reply.ok ? "ok" : "fail";
          }
          histories.get(op.threadId)?.set(id, outcome);
        }
        await chat.crash();
        for (const [threadId, history] of histories) {
          const read = await readIds(chat, threadId);
          expect(
            checkSet(history, read),
            `thread ${threadId}, read ${JSON.stringify(read)}`,
          ).toEqual(CLEAN);
        }
      }),
      { seed: 4_004, numRuns: 40, includeErrorInReport: true },
    );
  });
});
