import type { MessagesReply, ThreadChange, ThreadCommand, ThreadReply } from "@lab/protocol";
import { ChatService } from "@lab/service";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Change = Without<ThreadChange, "replyTo">;

function change(chat: ChatService, threadId: string, command: Change) {
  return chat.send<ThreadReply>(threadId, (replyTo) => ({ ...command, replyTo }) as ThreadCommand);
}

function read(chat: ChatService, threadId: string, senderId = "ann") {
  return chat.send<MessagesReply>(threadId, (replyTo) => ({
    type: "GetMessages",
    senderId,
    at: 0,
    replyTo,
  }));
}

async function openThread(chat: ChatService, threadId: string, ...members: string[]) {
  await change(chat, threadId, { type: "CreateThread", senderId: "ann", at: 1 });
  await change(chat, threadId, {
    type: "JoinMemberIds",
    senderId: "ann",
    accountIds: members,
    at: 2,
  });
}

describe("2. Kill and recover", () => {
  it("the replay test: kill the thread, start it again, the same messages come back", async () => {
    const chat = new ChatService();
    await openThread(chat, "t1", "bob");
    await change(chat, "t1", {
      type: "AddMessages",
      senderId: "ann",
      messages: [
        { id: "a", text: "first" },
        { id: "b", text: "second" },
      ],
      at: 10,
    });
    await change(chat, "t1", {
      type: "AddMessages",
      senderId: "bob",
      messages: [{ id: "c", text: "third" }],
      at: 20,
    });
    await change(chat, "t1", {
      type: "RemoveMessages",
      senderId: "ann",
      messageIds: ["b"],
      at: 30,
    });
    const before = await read(chat, "t1");
    expect(before?.ok && before.messages.map((m) => m.id)).toEqual(["a", "c"]);
    await chat.crash();
    expect(await read(chat, "t1")).toEqual(before);
  });

  it("who may do what survives a crash too", async () => {
    const chat = new ChatService();
    await openThread(chat, "t1", "bob");
    await openThread(chat, "t2");
    await change(chat, "t2", { type: "DestroyThread", senderId: "ann", at: 3 });
    await chat.crash();
    expect((await read(chat, "t1", "bob"))?.ok, "bob is still a member").toBe(true);
    expect((await read(chat, "t1", "carol"))?.ok, "carol still is not").toBe(false);
    const joined = await change(chat, "t1", {
      type: "JoinMemberIds",
      senderId: "bob",
      accountIds: ["carol"],
      at: 4,
    });
    expect(joined?.ok, "bob is still not an administrator").toBe(false);
    expect((await read(chat, "t2"))?.ok, "t2 is still destroyed").toBe(false);
  });

  it("random histories with crashes in between: after each crash the thread is as it was", async () => {
    const senders = ["ann", "bob", "carol"];
    const step = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant("post" as const),
          by: fc.constantFrom(...senders),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("remove" as const),
          by: fc.constantFrom(...senders),
          pick: fc.nat(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constantFrom("join" as const, "leave" as const),
          who: fc.constantFrom("bob", "carol"),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: "crash" as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const chat = new ChatService();
        await openThread(chat, "t1", "bob");
        let n = 0;
        for (const s of steps) {
          n += 1;
          const at = 100 + n;
          if (s.kind === "post") {
            const messages = [{ id: `m${n}`, text: `text ${n}` }];
            await change(chat, "t1", { type: "AddMessages", senderId: s.by, messages, at });
          } else if (s.kind === "remove") {
            const current = await read(chat, "t1");
            const ids = current?.ok ? current.messages.map((m) => m.id) : [];
            const id = ids.length > 0 ? ids[s.pick % ids.length] : "none";
            await change(chat, "t1", {
              type: "RemoveMessages",
              senderId: s.by,
              messageIds: [id ?? "none"],
              at,
            });
          } else if (s.kind === "join" || s.kind === "leave") {
            const type = s.kind === "join" ? "JoinMemberIds" : "LeaveMemberIds";
            await change(chat, "t1", { type, senderId: "ann", accountIds: [s.who], at });
          } else {
            const before = await read(chat, "t1");
            await chat.crash();
            expect(await read(chat, "t1"), `after crash at step ${n}`).toEqual(before);
          }
        }
        const before = await read(chat, "t1");
        await chat.crash();
        expect(await read(chat, "t1"), "after the final crash").toEqual(before);
      }),
      { seed: 3_003, numRuns: 40, includeErrorInReport: true },
    );
  });
});
