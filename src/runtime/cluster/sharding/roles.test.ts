import { describe, expect, it } from "vitest";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import { ClusterSimulation } from "../simulation/simulation";
import { checkSingleIncarnation } from "./checkers";
import { ClusterSharding } from "./cluster-sharding";
import { coordinatorPersistenceId } from "./coordinator";
import type { CoordinatorEvent } from "./coordinator-state";
import { type CounterCommand, type CounterReply, counterEntity } from "./counter-entity";
import { shardingSettings } from "./settings";

function cluster(seed: number) {
  const sim = new ClusterSimulation({
    seed,
    nodes: 5,
    roles: {
      "node-1": ["frontend"],
      "node-2": ["backend"],
      "node-3": ["backend"],
      "node-4": ["backend"],
    },
    downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 7_000 }),
  });
  const sharding = new ClusterSharding(sim);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 9, passivateIdleAfterMs: null, role: "backend" },
  });
  return { sim, sharding, counters };
}

function add(counters: ReturnType<typeof cluster>["counters"], entityId: string, from: string) {
  const outcome: { reply?: CounterReply } = {};
  counters
    .entityRefFor(entityId, from)
    .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 10_000)
    .then(
      (reply) => {
        outcome.reply = reply;
      },
      () => {},
    );
  return outcome;
}

const hostsOf = (records: ClusterSharding["trace"]["records"]) =>
  new Set(records.flatMap((r) => (r.type === "entityStarted" ? [r.node.address] : [])));

describe("sharding with a role (Akka's akka.cluster.sharding.role)", () => {
  it("ClusterShardingSettings.role: entities and the coordinator run only on nodes with the role; the others are proxies that still route", async () => {
    const { sharding, counters } = cluster(8);
    await sharding.advance(20_000);
    const outcomes = Array.from({ length: 18 }, (_, i) =>
      add(counters, `e${i}`, `node-${(i % 5) + 1}`),
    );
    await sharding.advance(5_000);
    expect(outcomes.map((o) => o.reply?.total)).toEqual(Array(18).fill(1));
    const records = sharding.trace.records;
    expect([...hostsOf(records)].sort()).toEqual(["node-2", "node-3", "node-4"]);
    // The oldest member is node-1, but it lacks the role: the coordinator runs on node-2.
    expect(
      records.flatMap((r) => (r.type === "coordinatorStarted" ? [r.node.address] : [])),
    ).toEqual(["node-2"]);
    // The proxies registered as Akka's do, with ShardRegionProxyRegistered.
    const id = coordinatorPersistenceId("counter");
    const events = (
      await sharding.journal.read(id, 1, await sharding.journal.highestSequenceNr(id))
    ).map((e) => e.event as CoordinatorEvent);
    const proxies = events.flatMap((e) =>
      e.type === "ShardRegionProxyRegistered" ? [e.proxy.address] : [],
    );
    expect(proxies.sort()).toEqual(["node-1", "node-5"]);
    expect(
      events.some((e) => e.type === "ShardHomeAllocated" && e.region.address === "node-1"),
    ).toBe(false);
  });

  it("the coordinator fails over to the next oldest node with the role, never to a proxy", async () => {
    const { sim, sharding, counters } = cluster(9);
    await sharding.advance(20_000);
    for (let i = 0; i < 9; i++) add(counters, `e${i}`, "node-1");
    await sharding.advance(5_000);
    sim.crash("node-2");
    await sharding.advance(90_000);
    const again = Array.from({ length: 9 }, (_, i) => add(counters, `e${i}`, "node-5"));
    await sharding.advance(10_000);
    expect(again.map((o) => o.reply?.total)).toEqual(Array(9).fill(2));
    const records = sharding.trace.records;
    expect(
      records.flatMap((r) => (r.type === "coordinatorStarted" ? [r.node.address] : [])),
    ).toEqual(["node-2", "node-3"]);
    expect([...hostsOf(records)].every((a) => ["node-2", "node-3", "node-4"].includes(a))).toBe(
      true,
    );
    expect(checkSingleIncarnation(records)).toEqual([]);
  });

  it("a rebalance waits for the proxies' BeginHandOffAck too (Akka hands off to regions and proxies), and they give it at once", async () => {
    const { sim, sharding, counters } = cluster(10);
    await sharding.advance(20_000);
    for (let i = 0; i < 18; i++) add(counters, `e${i}`, "node-1");
    await sharding.advance(5_000);
    sim.crash("node-4");
    await sharding.advance(60_000);
    sim.restart("node-4");
    await sharding.advance(40_000);
    const records = sharding.trace.records;
    const started = records.filter((r) => r.type === "shardHandOffStarted");
    expect(started.length).toBeGreaterThan(0);
    for (const h of started) {
      if (h.type !== "shardHandOffStarted") continue;
      const done = records.find(
        (r) => r.type === "shardDeallocated" && r.shard === h.shard && r.at >= h.at,
      );
      // Well within the 60 s hand-off timeout: no proxy held it up.
      expect((done?.at ?? Infinity) - h.at).toBeLessThan(5_000);
    }
    const again = Array.from({ length: 18 }, (_, i) => add(counters, `e${i}`, "node-5"));
    await sharding.advance(10_000);
    expect(again.map((o) => o.reply?.total)).toEqual(Array(18).fill(2));
    expect(checkSingleIncarnation(records)).toEqual([]);
  });

  it("ShardingSettings.role must name a role", () => {
    expect(() => shardingSettings({ role: "" })).toThrow(/ShardingSettings\.role/);
  });
});
