import {
  ActorSystem,
  ask,
  ClusterSharding,
  ClusterSimulation,
  InMemoryJournal,
  SeededRandom,
  SplitBrainResolver,
} from "@runtime";
import { describe, expect, it } from "vitest";
import {
  create,
  getMessages,
  replayTest,
  shardOf,
  signedHalvesShardOf,
  startSharding,
  Thread,
  testTheAggregate,
  thread,
} from "./chat";

describe("chat deck snippets", () => {
  it("results-not-exceptions: a non-member gets an error value, a member a MessagesAdded event", () => {
    const thread = Thread.empty("t1").apply({ type: "ThreadCreated", owner: "alice", at: 1 });
    expect(thread.addMessages("bob", ["hi"], 2)).toEqual({
      ok: false,
      error: "bob is not a member",
    });
    expect(thread.addMessages("alice", ["hi", "yo"], 2)).toEqual({
      ok: true,
      value: {
        type: "MessagesAdded",
        sender: "alice",
        ids: ["t1-1", "t1-2"],
        texts: ["hi", "yo"],
        at: 2,
      },
    });
  });

  it("aggregate-in-code + testing-the-aggregate: create, then add, answers succeeded with the thread id and time", async () => {
    const reply = await testTheAggregate("t42", "alice", 1_000, 2_000);
    expect(reply).toMatchObject({ type: "succeeded", threadId: "t42", at: 2_000, ids: ["t42-1"] });
  });

  it("on-our-runtime + replay-test: a new incarnation with the same persistence id recovers the messages", async () => {
    const journal = new InMemoryJournal();
    const got = await replayTest("t7", "alice", 1_000, 2_000, journal);
    expect(got).toEqual({ type: "messages", texts: ["a", "b"] });
    // Two events stored: the rejected and query commands left no trace.
    expect(await journal.highestSequenceNr("thread-t7")).toBe(2);
  });

  it("replay-test: two systems without a shared journal each get their own, so the restart knows nothing", async () => {
    const opts = { timeout: 3_000 };
    const first = ActorSystem.create(thread("t8"), "first");
    await ask(first.ref, create("alice", 1), opts);
    await first.terminate();
    const second = ActorSystem.create(thread("t8"), "second");
    expect(await ask(second.ref, getMessages("alice"), opts)).toEqual({
      type: "failed",
      reason: "alice is not a member",
    });
    await second.terminate();
  });

  it("shard-of: exactly 12 shard ids; the talk's signed halves give far more (up to 23 × 23 = 529)", () => {
    const random = new SeededRandom(3);
    const uuid = () =>
      Array.from({ length: 32 }, () => Math.floor(random.next() * 16).toString(16)).join("");
    const ids = Array.from({ length: 20_000 }, uuid);
    const ours = new Set(ids.map(shardOf));
    expect([...ours].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i)),
    );
    const theirs = new Set(ids.map(signedHalvesShardOf));
    expect(theirs.size).toBeGreaterThan(400);
    expect(theirs.size).toBeLessThanOrEqual(529);
  });

  it("starting-sharding: a command sent through node 2 reaches the thread wherever it lives", async () => {
    const sim = new ClusterSimulation({
      seed: 5,
      nodes: 3,
      downing: new SplitBrainResolver({
        strategy: { kind: "keep-majority" },
        stableAfterMs: 7_000,
      }),
    });
    const sharding = new ClusterSharding(sim);
    await sharding.advance(20_000);
    const { reply } = startSharding(sharding, "t9", "alice", 5);
    await sharding.advance(5_000);
    await expect(reply).resolves.toMatchObject({ type: "succeeded", threadId: "t9" });
  });
});
