import { describe, expect, it } from "vitest";
import { AutoDowning, NoDowning } from "../downing/auto-down";
import { LATE_DETECTION_MARGIN, SplitBrainResolver } from "../downing/split-brain-resolver";
import type { DowningProvider } from "../membership/downing-provider";
import { nodeKey } from "../membership/member";
import { ClusterSimulation } from "../simulation/simulation";
import {
  checkAcknowledgedWrites,
  checkBalanced,
  checkSingleIncarnation,
  shardCounts,
} from "./checkers";
import { ClusterSharding, type ShardedEntity } from "./cluster-sharding";
import {
  type CounterCommand,
  type CounterReply,
  counterEntity,
  counterPersistenceId,
} from "./counter-entity";
import { shardingEnvelope } from "./extractor";
import { measureFailover } from "./failover";
import type { ShardingSettings } from "./settings";

const keepMajority = () =>
  new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 7_000 });

function cluster(
  seed: number,
  options: { nodes?: number; downing?: DowningProvider; settings?: Partial<ShardingSettings> } = {},
) {
  const sim = new ClusterSimulation({
    seed,
    nodes: options.nodes ?? 3,
    downing: options.downing ?? keepMajority(),
  });
  const sharding = new ClusterSharding(sim);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 12, passivateIdleAfterMs: null, ...options.settings },
  });
  return { sim, sharding, counters };
}

/** Sends one `add` and records the reply (or the failure) when it comes. */
function add(counters: ShardedEntity<CounterCommand>, entityId: string, from: string, n = 1) {
  const outcome: { reply?: CounterReply; error?: unknown } = {};
  counters
    .entityRefFor(entityId, from)
    .ask<CounterReply>((replyTo) => ({ type: "add", n, replyTo }), 10_000)
    .then(
      (reply) => {
        outcome.reply = reply;
      },
      (error: unknown) => {
        outcome.error = error;
      },
    );
  return outcome;
}

function entityHome(records: ClusterSharding["trace"]["records"], entityId: string) {
  let home: string | undefined;
  for (const r of records) {
    if (r.type === "entityStarted" && r.entityId === entityId) home = r.node.address;
    if (r.type === "entityStopped" && r.entityId === entityId) home = undefined;
  }
  return home;
}

describe("ClusterSharding", () => {
  it("routes commands from any node to one entity, which replies after its event is stored", async () => {
    const { sharding, counters } = cluster(1);
    await sharding.advance(20_000);
    const outcomes = Array.from({ length: 30 }, (_, i) =>
      add(counters, `e${i % 10}`, `node-${(i % 3) + 1}`),
    );
    await sharding.advance(5_000);
    const e0 = outcomes.filter((_o, i) => i % 10 === 0).map((o) => o.reply?.total);
    expect(e0.sort()).toEqual([1, 2, 3]);
    const records = sharding.trace.records;
    const starts = records.filter((r) => r.type === "entityStarted");
    expect(starts).toHaveLength(10);
    expect(records.filter((r) => r.type === "coordinatorStarted")).toHaveLength(1);
    const writes = records.filter(
      (r) => r.type === "journalWrite" && r.persistenceId === counterPersistenceId("e0"),
    );
    expect(writes.map((w) => (w.type === "journalWrite" ? w.toSequenceNr : 0))).toEqual([1, 2, 3]);
    expect(checkSingleIncarnation(records)).toEqual([]);
    // The shards spread over all three regions.
    expect([...shardCounts(records, "counter").values()].filter((n) => n > 0)).toHaveLength(3);
  });

  it("tells through the extractor: a ShardingEnvelope names the entity", async () => {
    const { sharding, counters } = cluster(2);
    await sharding.advance(20_000);
    counters.tell("node-2", shardingEnvelope("acc-9", { type: "add", n: 5 }));
    await sharding.advance(2_000);
    expect(await sharding.journal.highestSequenceNr(counterPersistenceId("acc-9"))).toBe(1);
    expect(counters.shardId("acc-9")).toBe(String(Math.abs(javaHash("acc-9")) % 12));
  });

  it("with Akka's defaults, entities of a crashed node answer again after about Akka's documented 45 s; the named late-detection margin adds its extra", async () => {
    // Akka's split-brain-resolver docs, "Expected Failover Time": failure detection 5 s +
    // stable-after 20 s + down-removal-margin 20 s, "around 45 seconds". The simulation adds
    // removal (a gossip round or two), the coordinator's reallocation, recovery and the
    // once-a-second ask.
    const nodes = ["node-1", "node-2", "node-3", "node-4", "node-5"];
    const measure = (margin?: typeof LATE_DETECTION_MARGIN) =>
      measureFailover({
        seed: 5,
        nodes,
        victim: "node-3",
        entities: 60,
        downing: () =>
          new SplitBrainResolver({
            strategy: { kind: "keep-majority" },
            ...(margin ? { downRemovalMargin: margin } : {}),
          }),
      });
    const akka = (await measure()) as number;
    expect(akka).toBeGreaterThanOrEqual(45);
    expect(akka).toBeLessThanOrEqual(55);
    const late = (await measure(LATE_DETECTION_MARGIN)) as number;
    // The extra: down-all-when-unstable, max(4 s, 3/4 × 20 s) = 15 s, plus the shutdown ticks.
    expect(late - akka).toBeGreaterThanOrEqual(15);
    expect(late - akka).toBeLessThanOrEqual(21);
  });

  it("after a crash, the node is downed, its shards move, and entities recover from the journal", async () => {
    const { sim, sharding, counters } = cluster(3);
    await sharding.advance(20_000);
    for (let i = 0; i < 12; i++) add(counters, `e${i}`, "node-1", i + 1);
    await sharding.advance(3_000);
    const victim = "node-2";
    const onVictim = Array.from({ length: 12 }, (_, i) => `e${i}`).filter(
      (id) => entityHome(sharding.trace.records, id) === victim,
    );
    expect(onVictim.length).toBeGreaterThan(0);
    const crashedAt = sim.scheduler.now();
    sim.crash(victim);
    // Keep asking until every entity answers again.
    let answeredAt: number | undefined;
    const outcomes = new Map<string, ReturnType<typeof add>>();
    for (let t = 0; t < 120 && answeredAt === undefined; t++) {
      for (const id of onVictim) {
        const o = outcomes.get(id);
        if (o?.reply === undefined && (o === undefined || o.error !== undefined))
          outcomes.set(id, add(counters, id, "node-1", 100));
      }
      await sharding.advance(1_000);
      if (onVictim.every((id) => outcomes.get(id)?.reply !== undefined))
        answeredAt = sim.scheduler.now();
    }
    expect(answeredAt).toBeDefined();
    const failoverS = ((answeredAt as number) - crashedAt) / 1000;
    // Detection (~10 s) + stable-after (7 s) + removal + margin (7 s), well under two minutes.
    expect(failoverS).toBeGreaterThan(14);
    expect(failoverS).toBeLessThan(60);
    for (const id of onVictim) {
      const index = Number(id.slice(1));
      // The first add (i + 1) survived the crash: the new incarnation recovered it.
      expect(outcomes.get(id)?.reply?.total).toBe(index + 1 + 100);
    }
    const records = sharding.trace.records;
    expect(checkSingleIncarnation(records)).toEqual([]);
    const stops = records.filter((r) => r.type === "entityStopped" && r.node.address === victim);
    expect(stops.every((r) => r.type === "entityStopped" && r.reason === "node-stopped")).toBe(
      true,
    );
    expect(stops.every((r) => r.at === crashedAt)).toBe(true);
  });

  it("with no downing, a crashed node's entities stay unreachable: no failover", async () => {
    const { sim, sharding, counters } = cluster(3, { downing: new NoDowning() });
    await sharding.advance(20_000);
    for (let i = 0; i < 12; i++) add(counters, `e${i}`, "node-1");
    await sharding.advance(3_000);
    const onVictim = Array.from({ length: 12 }, (_, i) => `e${i}`).filter(
      (id) => entityHome(sharding.trace.records, id) === "node-2",
    );
    expect(onVictim.length).toBeGreaterThan(0);
    sim.crash("node-2");
    await sharding.advance(5_000);
    const late = onVictim.map((id) => add(counters, id, "node-1"));
    await sharding.advance(180_000);
    expect(late.every((o) => o.reply === undefined)).toBe(true);
    const moved = sharding.trace.records.filter(
      (r) =>
        r.type === "entityStarted" && onVictim.includes(r.entityId) && r.node.address !== "node-2",
    );
    expect(moved).toEqual([]);
  });

  it("rebalances onto a node that joins, stopping entities before their shard moves", async () => {
    const { sim, sharding, counters } = cluster(4, { nodes: 3 });
    sim.crash("node-3");
    await sharding.advance(40_000);
    for (let i = 0; i < 24; i++) add(counters, `e${i}`, "node-1");
    await sharding.advance(5_000);
    expect(
      sharding.trace.records.some((r) => r.type === "entityStarted" && r.node.address === "node-3"),
    ).toBe(false);
    sim.restart("node-3");
    await sharding.advance(120_000);
    const outcomes = Array.from({ length: 24 }, (_, i) => add(counters, `e${i}`, "node-2"));
    await sharding.advance(5_000);
    expect(outcomes.map((o) => o.reply?.total)).toEqual(Array(24).fill(2));
    const records = sharding.trace.records;
    expect(checkBalanced(records, "counter")).toBeUndefined();
    const node3 = sim.node("node-3");
    const counts = shardCounts(records, "counter");
    expect(counts.get(nodeKey(node3?.self ?? { address: "", uid: 0 }))).toBe(4);
    // Each hand-off stopped the shard's entities before the shard got a new home.
    const handOffs = records.filter((r) => r.type === "shardHandOffStarted");
    expect(handOffs.length).toBe(4);
    for (const h of handOffs) {
      if (h.type !== "shardHandOffStarted") continue;
      const stopped = records.find(
        (r) => r.type === "shardStopped" && r.shard === h.shard && r.at >= h.at,
      );
      const next = records.find(
        (r) => r.type === "shardAllocated" && r.shard === h.shard && r.at > h.at,
      );
      expect(stopped).toBeDefined();
      expect(next).toBeDefined();
      expect((stopped?.at ?? Infinity) <= (next?.at ?? 0)).toBe(true);
    }
    expect(checkSingleIncarnation(records)).toEqual([]);
  });

  it("passivates idle entities and restarts them on the next message with their state", async () => {
    const { sharding, counters } = cluster(5, { settings: { passivateIdleAfterMs: 30_000 } });
    await sharding.advance(20_000);
    add(counters, "idle", "node-1", 7);
    await sharding.advance(60_000);
    const stop = sharding.trace.records.find(
      (r) => r.type === "entityStopped" && r.entityId === "idle",
    );
    expect(stop?.type === "entityStopped" && stop.reason).toBe("passivated");
    const again = add(counters, "idle", "node-3", 1);
    await sharding.advance(2_000);
    expect(again.reply?.total).toBe(8);
    expect(
      sharding.trace.records.filter((r) => r.type === "entityStarted" && r.entityId === "idle"),
    ).toHaveLength(2);
  });

  it("remember-entities restarts remembered entities when their shard starts elsewhere, without a message", async () => {
    const { sim, sharding, counters } = cluster(6, { settings: { rememberEntities: true } });
    await sharding.advance(20_000);
    for (let i = 0; i < 12; i++) add(counters, `e${i}`, "node-1");
    await sharding.advance(3_000);
    const onVictim = Array.from({ length: 12 }, (_, i) => `e${i}`).filter(
      (id) => entityHome(sharding.trace.records, id) === "node-3",
    );
    expect(onVictim.length).toBeGreaterThan(0);
    sim.crash("node-3");
    await sharding.advance(90_000);
    for (const id of onVictim) expect(entityHome(sharding.trace.records, id)).toMatch(/node-[12]/);
    expect(checkSingleIncarnation(sharding.trace.records)).toEqual([]);
  });

  it("a graceful leave hands the leaving node's shards off; the coordinator moves with hand-over", async () => {
    const { sim, sharding, counters } = cluster(7);
    await sharding.advance(20_000);
    const first = Array.from({ length: 12 }, (_, i) => add(counters, `e${i}`, "node-2"));
    await sharding.advance(3_000);
    expect(first.every((o) => o.reply?.total === 1)).toBe(true);
    const coordinatorNode = sharding.trace.records.find((r) => r.type === "coordinatorStarted");
    expect(coordinatorNode?.type === "coordinatorStarted" && coordinatorNode.node.address).toBe(
      "node-1",
    );
    sim.leave("node-1");
    await sharding.advance(30_000);
    const records = sharding.trace.records;
    const coordinators = records.filter((r) => r.type === "coordinatorStarted");
    expect(coordinators).toHaveLength(2);
    expect(records.some((r) => r.type === "singletonHandOver")).toBe(true);
    const outcomes = Array.from({ length: 12 }, (_, i) => add(counters, `e${i}`, "node-3"));
    await sharding.advance(5_000);
    expect(outcomes.map((o) => o.reply?.total)).toEqual(Array(12).fill(2));
    expect(checkSingleIncarnation(sharding.trace.records)).toEqual([]);
  });

  it("every acknowledged write is in the journal; the checker reports a missing one", async () => {
    const { sharding, counters } = cluster(8);
    await sharding.advance(20_000);
    const outcomes = Array.from({ length: 20 }, (_, i) => add(counters, `e${i % 4}`, "node-3", i));
    await sharding.advance(3_000);
    const acks = outcomes.map((o, i) => ({
      persistenceId: counterPersistenceId(`e${i % 4}`),
      sequenceNr: o.reply?.sequenceNr ?? -1,
      event: { type: "added", n: i },
    }));
    expect(await checkAcknowledgedWrites(sharding.journal, acks)).toEqual([]);
    const forged = [{ persistenceId: counterPersistenceId("e0"), sequenceNr: 99 }];
    expect(await checkAcknowledgedWrites(sharding.journal, forged)).toHaveLength(1);
    const wrongPayload = [{ ...acks[0], event: { type: "added", n: 12345 } }];
    expect(
      await checkAcknowledgedWrites(sharding.journal, wrongPayload as typeof acks),
    ).toHaveLength(1);
  });

  it("auto-down under a partition runs entities twice and the journal catches the second writer", async () => {
    const { sim, sharding, counters } = cluster(9, { nodes: 4, downing: new AutoDowning(5_000) });
    await sharding.advance(20_000);
    for (let i = 0; i < 12; i++) add(counters, `e${i}`, "node-1");
    await sharding.advance(3_000);
    sim.partition(["node-1", "node-2"], ["node-3", "node-4"]);
    for (let t = 0; t < 60; t++) {
      for (let i = 0; i < 12; i++) {
        add(counters, `e${i}`, "node-1");
        add(counters, `e${i}`, "node-4");
      }
      await sharding.advance(1_000);
    }
    const violations = checkSingleIncarnation(sharding.trace.records);
    expect(violations.some((v) => v.kind === "coordinator")).toBe(true);
    expect(violations.some((v) => v.kind === "entity")).toBe(true);
    expect(violations.some((v) => v.kind === "journal-conflict")).toBe(true);
  });

  it("is deterministic: the same seed gives the same sharding trace", async () => {
    const runOnce = async () => {
      const { sim, sharding, counters } = cluster(10);
      await sharding.advance(20_000);
      for (let i = 0; i < 10; i++) add(counters, `e${i}`, "node-2");
      sim.crash("node-1");
      await sharding.advance(60_000);
      return JSON.stringify(sharding.trace.records);
    };
    expect(await runOnce()).toBe(await runOnce());
  });

  it("sim.advance and sharding.advance give the same run", async () => {
    const runOnce = async (fast: boolean) => {
      const { sim, sharding, counters } = cluster(11);
      const advance = (ms: number) => (fast ? sharding.advance(ms) : sim.advance(ms));
      await advance(20_000);
      for (let i = 0; i < 10; i++) add(counters, `e${i}`, "node-3");
      await advance(20_000);
      return JSON.stringify(sharding.trace.records);
    };
    expect(await runOnce(true)).toBe(await runOnce(false));
  });

  it("names bad settings and unknown nodes", () => {
    const { counters } = cluster(12);
    expect(() => cluster(1, { settings: { numberOfShards: 0 } })).toThrow(/numberOfShards/);
    expect(() => cluster(1, { settings: { passivateIdleAfterMs: -1 } })).toThrow(
      /passivateIdleAfterMs/,
    );
    expect(() => counters.entityRefFor("x", "node-9").tell({ type: "add", n: 1 })).toThrow(
      /node-9/,
    );
    expect(() => shardingEnvelope("", 1)).toThrow(/entityId/);
  });
});

function javaHash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(31, h) + c.charCodeAt(0)) | 0;
  return h;
}
