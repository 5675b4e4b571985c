import { threadEntity } from "@lab/entity";
import type {
  MessagesReply,
  ThreadChange,
  ThreadCommand,
  ThreadEvent,
  ThreadReply,
} from "@lab/protocol";
import { apply, decide, emptyThread } from "@lab/thread";
import { EventSourcedBehaviorTestKit } from "@runtime";
import { describe, expect, it } from "vitest";

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Change = Without<ThreadChange, "replyTo">;

/** A fresh thread `t1` on the runtime's test kit. */
function openThread() {
  return EventSourcedBehaviorTestKit.create(threadEntity("t1"));
}
type Kit = Awaited<ReturnType<typeof openThread>>;

async function change(kit: Kit, command: Change) {
  return kit.runCommand<ThreadReply>((replyTo) => ({ ...command, replyTo }) as ThreadCommand);
}

async function read(kit: Kit, senderId: string): Promise<MessagesReply | undefined> {
  const { reply } = await kit.runCommand<MessagesReply>((replyTo) => ({
    type: "GetMessages",
    senderId,
    at: 0,
    replyTo,
  }));
  return reply;
}

async function refused(kit: Kit, command: Change, why: string) {
  const before = (await kit.persistedEvents()).length;
  const { reply, events } = await change(kit, command);
  expect(reply?.ok, why).toBe(false);
  expect(events, `${why}: a refused command stores no event`).toEqual([]);
  expect((await kit.persistedEvents()).length).toBe(before);
  if (reply?.ok === false) expect(reply.error.trim().length, "say why").toBeGreaterThan(5);
}

/** The ids an event is about: accounts, message ids, or the ids of the messages it adds. */
function idsIn(event: ThreadEvent): readonly string[] {
  if ("accountIds" in event) return event.accountIds;
  if (event.type === "MessagesRemoved") return event.messageIds;
  if (event.type === "MessagesAdded") return event.messages.map((m) => m.id);
  return [];
}

/**
 * A command stored what it should: events of one type, by its sender, at its time, about these
 * ids. A thread may record them in one event or in several; the instructions ask for neither.
 */
function expectRecorded(
  events: readonly ThreadEvent[],
  expected: { type: ThreadEvent["type"]; senderId: string; at: number; ids: readonly string[] },
) {
  const { type, senderId, at, ids } = expected;
  expect(events.length, `${type}: events stored`).toBeGreaterThan(0);
  for (const e of events)
    expect({ type: e.type, senderId: e.senderId, at: e.at }, type).toEqual({ type, senderId, at });
  expect(events.flatMap(idsIn), `${type}: the ids it records`).toEqual(ids);
}

/** ann creates t1 and makes bob (and carol) members. */
async function thread(...members: string[]) {
  const kit = await openThread();
  await change(kit, { type: "CreateThread", senderId: "ann", at: 1 });
  if (members.length > 0)
    await change(kit, { type: "JoinMemberIds", senderId: "ann", accountIds: members, at: 2 });
  return kit;
}

describe("1. The Thread aggregate", () => {
  it("CreateThread → ThreadCreated; the creator is the first administrator and member (the starter already does this)", async () => {
    const kit = await openThread();
    const created = await change(kit, { type: "CreateThread", senderId: "ann", at: 1 });
    expect(created.events).toEqual([
      { type: "ThreadCreated", threadId: "t1", senderId: "ann", at: 1 },
    ]);
    expect(created.reply).toEqual({ ok: true, ids: ["t1"] });
    expect(await read(kit, "ann")).toEqual({ ok: true, messages: [] });
    const joined = await change(kit, {
      type: "JoinMemberIds",
      senderId: "ann",
      accountIds: ["bob"],
      at: 2,
    });
    expectRecorded(joined.events, {
      type: "MemberIdsJoined",
      senderId: "ann",
      at: 2,
      ids: ["bob"],
    });
  });

  it("a thread is created once, and nothing else works before it exists (the starter already gets both right)", async () => {
    const kit = await openThread();
    await refused(
      kit,
      { type: "AddMessages", senderId: "ann", messages: [{ id: "m1", text: "hi" }], at: 1 },
      "posting to a thread that does not exist",
    );
    await change(kit, { type: "CreateThread", senderId: "ann", at: 2 });
    await refused(kit, { type: "CreateThread", senderId: "bob", at: 3 }, "creating it again");
  });

  it("only administrators add members and administrators", async () => {
    const kit = await thread("bob");
    await refused(
      kit,
      { type: "JoinMemberIds", senderId: "bob", accountIds: ["carol"], at: 3 },
      "a member who is not an administrator adds a member",
    );
    await refused(
      kit,
      { type: "JoinAdministratorIds", senderId: "dan", accountIds: ["dan"], at: 3 },
      "an outsider makes himself administrator",
    );
    const promoted = await change(kit, {
      type: "JoinAdministratorIds",
      senderId: "ann",
      accountIds: ["bob"],
      at: 4,
    });
    expectRecorded(promoted.events, {
      type: "AdministratorIdsJoined",
      senderId: "ann",
      at: 4,
      ids: ["bob"],
    });
    const added = await change(kit, {
      type: "JoinMemberIds",
      senderId: "bob",
      accountIds: ["carol"],
      at: 5,
    });
    expectRecorded(added.events, {
      type: "MemberIdsJoined",
      senderId: "bob",
      at: 5,
      ids: ["carol"],
    });
  });

  it("only members post; MessagesAdded carries who, what and when", async () => {
    const kit = await thread("bob");
    await refused(
      kit,
      {
        type: "AddMessages",
        senderId: "carol",
        messages: [{ id: "m1", text: "let me in" }],
        at: 3,
      },
      "an outsider posts",
    );
    expect((await read(kit, "carol"))?.ok, "an outsider reads the messages").toBe(false);
    const posted = await change(kit, {
      type: "AddMessages",
      senderId: "bob",
      messages: [
        { id: "m1", text: "hello" },
        { id: "m2", text: "anyone here?" },
      ],
      at: 4,
    });
    expect(posted.reply).toEqual({ ok: true, ids: ["m1", "m2"] });
    const m1 = { id: "m1", senderId: "bob", text: "hello", at: 4 };
    const m2 = { id: "m2", senderId: "bob", text: "anyone here?", at: 4 };
    expectRecorded(posted.events, {
      type: "MessagesAdded",
      senderId: "bob",
      at: 4,
      ids: ["m1", "m2"],
    });
    expect(
      posted.events.flatMap((e) => (e.type === "MessagesAdded" ? e.messages : [])),
      "MessagesAdded records each message with its id, sender, text and time",
    ).toEqual([m1, m2]);
    expect(await read(kit, "ann")).toEqual({ ok: true, messages: [m1, m2] });
  });

  it("a message is removed by its author or an administrator, and by nobody else", async () => {
    const kit = await thread("bob", "carol");
    for (const [id, senderId] of [
      ["m1", "bob"],
      ["m2", "carol"],
      ["m3", "bob"],
    ] as const)
      await change(kit, { type: "AddMessages", senderId, messages: [{ id, text: id }], at: 3 });
    await refused(
      kit,
      { type: "RemoveMessages", senderId: "carol", messageIds: ["m1"], at: 4 },
      "carol removes bob's message",
    );
    await refused(
      kit,
      { type: "RemoveMessages", senderId: "ann", messageIds: ["m9"], at: 4 },
      "removing a message that does not exist",
    );
    const own = await change(kit, {
      type: "RemoveMessages",
      senderId: "bob",
      messageIds: ["m1"],
      at: 5,
    });
    expectRecorded(own.events, {
      type: "MessagesRemoved",
      senderId: "bob",
      at: 5,
      ids: ["m1"],
    });
    const byAdmin = await change(kit, {
      type: "RemoveMessages",
      senderId: "ann",
      messageIds: ["m2"],
      at: 6,
    });
    expect(byAdmin.reply).toEqual({ ok: true, ids: ["m2"] });
    const left = await read(kit, "bob");
    expect(left?.ok && left.messages.map((m) => m.id)).toEqual(["m3"]);
  });

  it("members and administrators leave; a thread keeps at least one administrator", async () => {
    const kit = await thread("bob");
    const left = await change(kit, {
      type: "LeaveMemberIds",
      senderId: "bob",
      accountIds: ["bob"],
      at: 3,
    });
    expectRecorded(left.events, { type: "MemberIdsLeft", senderId: "bob", at: 3, ids: ["bob"] });
    await refused(
      kit,
      {
        type: "AddMessages",
        senderId: "bob",
        messages: [{ id: "m1", text: "still here?" }],
        at: 4,
      },
      "bob posts after leaving",
    );
    await refused(
      kit,
      { type: "LeaveAdministratorIds", senderId: "ann", accountIds: ["ann"], at: 5 },
      "the last administrator leaves",
    );
    await change(kit, {
      type: "JoinAdministratorIds",
      senderId: "ann",
      accountIds: ["bob"],
      at: 6,
    });
    const stepDown = await change(kit, {
      type: "LeaveAdministratorIds",
      senderId: "ann",
      accountIds: ["ann"],
      at: 7,
    });
    expectRecorded(stepDown.events, {
      type: "AdministratorIdsLeft",
      senderId: "ann",
      at: 7,
      ids: ["ann"],
    });
    await refused(
      kit,
      { type: "DestroyThread", senderId: "ann", at: 8 },
      "ann destroys the thread after stepping down",
    );
  });

  it("only administrators destroy; a destroyed thread refuses everything", async () => {
    const kit = await thread("bob");
    await refused(kit, { type: "DestroyThread", senderId: "bob", at: 3 }, "a member destroys");
    const destroyed = await change(kit, { type: "DestroyThread", senderId: "ann", at: 4 });
    expect(destroyed.events).toEqual([{ type: "ThreadDestroyed", senderId: "ann", at: 4 }]);
    await refused(
      kit,
      { type: "AddMessages", senderId: "ann", messages: [{ id: "m1", text: "hello?" }], at: 5 },
      "posting to a destroyed thread",
    );
    await refused(kit, { type: "CreateThread", senderId: "ann", at: 6 }, "creating it again");
    expect((await read(kit, "ann"))?.ok, "reading a destroyed thread").toBe(false);
  });

  it("decide and apply never change the thread they are given", () => {
    const freeze = <T>(value: T): T => {
      if (value && typeof value === "object") {
        for (const v of Object.values(value)) freeze(v);
        Object.freeze(value);
      }
      return value;
    };
    const history: ThreadEvent[] = [
      { type: "ThreadCreated", threadId: "t1", senderId: "ann", at: 1 },
      { type: "MemberIdsJoined", accountIds: ["bob"], senderId: "ann", at: 2 },
      {
        type: "MessagesAdded",
        messages: [{ id: "m1", senderId: "bob", text: "hi", at: 3 }],
        senderId: "bob",
        at: 3,
      },
    ];
    let state = freeze(emptyThread("t1"));
    for (const event of history) state = freeze(apply(state, event));
    const before = JSON.stringify(state);
    const replyTo = undefined as never;
    decide(state, {
      type: "AddMessages",
      senderId: "bob",
      messages: [{ id: "m2", text: "again" }],
      at: 4,
      replyTo,
    });
    decide(state, { type: "RemoveMessages", senderId: "bob", messageIds: ["m1"], at: 5, replyTo });
    expect(JSON.stringify(state)).toBe(before);
  });
});
