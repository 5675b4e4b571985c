import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChatThreadModel, type ChatView } from "./model";
import { MEMBERS, THREADS } from "./thread";

async function run(commands: unknown[]): Promise<ChatView> {
  const model = new ChatThreadModel();
  for (const command of commands) await model.apply(command);
  return model.view();
}

const join = (sender: string, thread = "general") => ({ type: "join", thread, sender });
const post = (sender: string, text: string, thread = "general") => ({
  type: "post",
  thread,
  sender,
  text,
});

describe("chat thread model", () => {
  it("a first join creates the thread: two events in one atomic write", async () => {
    const view = await run([join("alice")]);
    expect(view.events.map((e) => [e.offset, e.persistenceId, e.sequenceNr, e.text])).toEqual([
      [1, "thread-general", 1, "ThreadCreated #general by alice"],
      [2, "thread-general", 2, "MemberIdsJoined [alice]"],
    ]);
    expect(view.threads.general).toMatchObject({ created: true, members: ["alice"] });
    expect(view.readModel.threads).toEqual({ "#general": { members: 1, messages: 0, last: "" } });
    expect(view.projectionOffset).toBe(2);
  });

  it("posts reach the aggregate and, through the projection, the read model", async () => {
    const view = await run([
      join("alice"),
      join("bob"),
      post("alice", "hi bob"),
      post("bob", "hello"),
      join("carol", "random"),
      post("carol", "anyone?", "random"),
    ]);
    expect(view.threads.general.messages.map((m) => `${m.sender}: ${m.text}`)).toEqual([
      "alice: hi bob",
      "bob: hello",
    ]);
    expect(view.readModel).toEqual({
      threads: {
        "#general": { members: 2, messages: 2, last: "bob: hello" },
        "#random": { members: 1, messages: 1, last: "carol: anyone?" },
      },
      messagesBy: { alice: 1, bob: 1, carol: 1 },
    });
    expect(view.outcome).toEqual({ ok: true, text: "carol posts to #random: stored." });
  });

  it("a rejected command stores nothing and says why", async () => {
    const model = new ChatThreadModel();
    expect((await model.apply(post("alice", "hi"))).outcome?.text).toMatch(
      /#general does not exist yet/,
    );
    await model.apply(join("alice"));
    expect((await model.apply(post("bob", "hi"))).outcome?.text).toMatch(
      /bob is not a member of #general/,
    );
    expect((await model.apply(post("alice", "   "))).outcome?.text).toMatch(/empty/);
    const view = await model.apply(join("alice"));
    expect(view.outcome).toMatchObject({ ok: false });
    expect(view.events).toHaveLength(2);
  });

  it("after a restart each aggregate recovers its own events, unchanged", async () => {
    const model = new ChatThreadModel();
    for (const c of [join("alice"), post("alice", "a"), post("alice", "b"), join("bob", "random")])
      await model.apply(c);
    const before = model.view();
    const after = await model.apply({ type: "restart" });
    expect(after.recovered).toEqual({ general: 4, random: 2 });
    expect(after.threads).toEqual(before.threads);
    expect(after.readModel).toEqual(before.readModel);
    // The recovered actor goes on where it stopped.
    const more = await model.apply(post("alice", "c"));
    expect(more.threads.general.messages.map((m) => m.id)).toEqual([
      "general-1",
      "general-2",
      "general-3",
    ]);
  });

  it("refuses a malformed command, naming the field", async () => {
    await expect(run([{ type: "join", thread: "lobby", sender: "alice" }])).rejects.toThrow(
      /thread must be one of general, random/,
    );
    await expect(
      run([{ type: "post", thread: "general", sender: "mallory", text: "x" }]),
    ).rejects.toThrow(/sender must be one of/);
  });

  it("the read model always agrees with the aggregates, and the view is a pure function of the log", async () => {
    const command = fc.oneof(
      fc.record({
        type: fc.constantFrom("join", "leave"),
        thread: fc.constantFrom(...THREADS),
        sender: fc.constantFrom(...MEMBERS),
      }),
      fc.record({
        type: fc.constant("post"),
        thread: fc.constantFrom(...THREADS),
        sender: fc.constantFrom(...MEMBERS),
        text: fc.constantFrom("hi", "", "ok", "x".repeat(141)),
      }),
      fc.constant({ type: "restart" }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 14 }), async (log) => {
        const a = await run(log);
        expect(await run(log)).toEqual(a);
        for (const thread of THREADS) {
          const state = a.threads[thread];
          const row = a.readModel.threads[`#${thread}`];
          if (!state.created) {
            expect(row).toBeUndefined();
            continue;
          }
          expect(row).toMatchObject({
            members: state.members.length,
            messages: state.messages.length,
          });
        }
        expect(a.projectionOffset).toBe(a.events.at(-1)?.offset ?? 0);
      }),
      { numRuns: 30 },
    );
  });
});
