import { describe, expect, it } from "vitest";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import { ClusterSimulation } from "../simulation/simulation";
import { ClusterSharding } from "./cluster-sharding";
import {
  type CounterCommand,
  type CounterReply,
  counterEntity,
  counterPersistenceId,
} from "./counter-entity";
import { type EntityId, ShardingMessageExtractor } from "./extractor";

/**
 * Simulation knobs the labs use to make crashes as real as the design asks: journal writes that
 * take virtual time (so a crash can land between a write and its acknowledgement), and a copy of
 * the extractor per node incarnation (so module state is per process, as in a real cluster).
 */
function cluster(options: { journalWriteLatencyMs?: number } = {}) {
  const sim = new ClusterSimulation({
    seed: 11,
    nodes: 3,
    downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 5_000 }),
  });
  const sharding = new ClusterSharding(sim, options);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 12, passivateIdleAfterMs: null },
  });
  return { sim, sharding, counters };
}

describe("ClusterSharding journalWriteLatencyMs", () => {
  it("a write completes, and is acknowledged, only after the latency", async () => {
    const { sim, sharding, counters } = cluster({ journalWriteLatencyMs: 200 });
    await sharding.advance(15_000);
    const outcome: { at?: number } = {};
    const sent = sim.scheduler.now();
    counters
      .entityRefFor("c1", "node-1")
      .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 5_000)
      .then(() => {
        outcome.at = sim.scheduler.now();
      });
    await sharding.advance(150);
    expect(outcome.at, "acknowledged before the write could complete").toBeUndefined();
    expect(await sharding.journal.highestSequenceNr(counterPersistenceId("c1"))).toBe(0);
    await sharding.advance(1_000);
    expect((outcome.at ?? 0) - sent).toBeGreaterThanOrEqual(200);
    expect(await sharding.journal.highestSequenceNr(counterPersistenceId("c1"))).toBe(1);
  });

  it("a crash between a write and its acknowledgement loses the write, and nobody hears back", async () => {
    const { sim, sharding, counters } = cluster({ journalWriteLatencyMs: 200 });
    await sharding.advance(15_000);
    // Start c1, then find the node that hosts it.
    const first = counters
      .entityRefFor("c1", "node-1")
      .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 5_000);
    await sharding.advance(1_000);
    expect((await first).total).toBe(1);
    const host = sim.addresses.find((a) =>
      counters.region(a)?.hostedShards().includes(counters.shardId("c1")),
    ) as string;
    const sender = sim.addresses.find((a) => a !== host) as string;
    const outcome: { reply?: CounterReply; failed?: boolean } = {};
    counters
      .entityRefFor("c1", sender)
      .ask<CounterReply>((replyTo) => ({ type: "add", n: 5, replyTo }), 5_000)
      .then(
        (reply) => {
          outcome.reply = reply;
        },
        () => {
          outcome.failed = true;
        },
      );
    await sharding.advance(100);
    sim.crash(host);
    await sharding.advance(6_000);
    expect(outcome.reply, "a reply for a write that never completed").toBeUndefined();
    expect(outcome.failed).toBe(true);
    expect(await sharding.journal.highestSequenceNr(counterPersistenceId("c1"))).toBe(1);
  });
});

describe("Entity.extractorOn", () => {
  it("each node incarnation runs its own extractor, and the regions route with it", async () => {
    const sim = new ClusterSimulation({
      seed: 12,
      nodes: 3,
      downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
    });
    const sharding = new ClusterSharding(sim);
    const asked = new Map<string, EntityId[]>();
    const counters = sharding.init<CounterCommand, CounterCommand>({
      typeName: "counter",
      createBehavior: counterEntity,
      extractorOn: (node) => {
        const seen: EntityId[] = [];
        asked.set(node.address, seen);
        const shared = ShardingMessageExtractor.noEnvelope<CounterCommand>(12, () => "c1");
        return {
          ...shared,
          shardId: (id) => {
            seen.push(id);
            return shared.shardId(id);
          },
        };
      },
      settings: { passivateIdleAfterMs: null },
    });
    await sharding.advance(15_000);
    expect([...asked.keys()].sort()).toEqual(["node-1", "node-2", "node-3"]);
    const reply = counters
      .entityRefFor("c1", "node-2")
      .ask<CounterReply>((replyTo) => ({ type: "add", n: 2, replyTo }), 5_000);
    await sharding.advance(1_000);
    expect((await reply).total).toBe(2);
    expect(asked.get("node-2")).toContain("c1");
  });
});
