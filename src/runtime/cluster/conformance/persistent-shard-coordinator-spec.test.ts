import { describe, expect, it } from "vitest";
import type { PersistentRepr } from "../../persistence/journal";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import type { UniqueAddress } from "../membership/member";
import { ClusterSharding } from "../sharding/cluster-sharding";
import { coordinatorPersistenceId } from "../sharding/coordinator";
import { type CoordinatorEvent, CoordinatorState } from "../sharding/coordinator-state";
import { type CounterCommand, type CounterReply, counterEntity } from "../sharding/counter-entity";
import { ClusterSimulation } from "../simulation/simulation";

// The persistent-mode coordinator of Akka (`PersistentShardCoordinator` in
// ShardCoordinator.scala) is an event-sourced actor; these cases follow its spec cases in
// ClusterShardingSpec (multi-node) and the rules of `ShardCoordinator.Internal.State.updated`.

const AKKA_EVENTS = new Set([
  "ShardRegionRegistered",
  "ShardRegionTerminated",
  "ShardHomeAllocated",
  "ShardHomeDeallocated",
]);

function cluster(seed: number) {
  const sim = new ClusterSimulation({
    seed,
    nodes: 4,
    downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 7_000 }),
  });
  const sharding = new ClusterSharding(sim);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 8, passivateIdleAfterMs: null },
  });
  return { sim, sharding, counters };
}

function add(
  counters: ReturnType<typeof cluster>["counters"],
  entityId: string,
  from: string,
): { reply?: CounterReply } {
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

async function storedEvents(sharding: ClusterSharding): Promise<PersistentRepr[]> {
  const id = coordinatorPersistenceId("counter");
  return sharding.journal.read(id, 1, await sharding.journal.highestSequenceNr(id));
}

const node = (address: string, uid: number): UniqueAddress => ({ address, uid });

describe("PersistentShardCoordinator (Akka's persistent-mode coordinator)", () => {
  it("ShardCoordinator.scala PersistentShardCoordinator: stores Akka's domain events, and replaying them gives the live coordinator's allocations", async () => {
    const { sharding, counters } = cluster(3);
    await sharding.advance(20_000);
    for (let i = 0; i < 16; i++) add(counters, `e${i}`, `node-${(i % 4) + 1}`);
    await sharding.advance(5_000);
    const events = await storedEvents(sharding);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(AKKA_EVENTS).toContain((e.event as CoordinatorEvent).type);
    const replayed = events.reduce(
      (s, e) => s.updated(e.event as CoordinatorEvent),
      CoordinatorState.empty,
    );
    const coordinator = counters.coordinator();
    expect(coordinator).toBeDefined();
    for (let shard = 0; shard < 8; shard++) {
      const live = coordinator?.homeOf(String(shard));
      expect(replayed.homeOf(String(shard))).toEqual(live);
    }
  });

  it("ClusterShardingSpec: recover coordinator state after coordinator crash", async () => {
    const { sim, sharding, counters } = cluster(4);
    await sharding.advance(20_000);
    const first = Array.from({ length: 12 }, (_, i) => add(counters, `e${i}`, "node-2"));
    await sharding.advance(5_000);
    expect(first.every((o) => o.reply?.total === 1)).toBe(true);
    const before = counters.coordinator();
    const homes = new Map(
      Array.from({ length: 8 }, (_, s) => [String(s), before?.homeOf(String(s))] as const),
    );
    // The coordinator singleton runs on the oldest node.
    sim.crash("node-1");
    await sharding.advance(90_000);
    const after = counters.coordinator();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // Shards that lived on the surviving nodes keep their home: the new coordinator recovered
    // the allocations from the journal instead of allocating them afresh.
    let kept = 0;
    for (const [shard, home] of homes) {
      if (home === undefined || home.address === "node-1") continue;
      expect(after?.homeOf(shard)).toEqual(home);
      kept++;
    }
    expect(kept).toBeGreaterThan(0);
    // And every entity answers again, with its state recovered.
    const second = Array.from({ length: 12 }, (_, i) => add(counters, `e${i}`, "node-3"));
    await sharding.advance(10_000);
    expect(second.map((o) => o.reply?.total)).toEqual(Array(12).fill(2));
  });

  it("PersistentShardCoordinator: a write that loses to a second writer stops the coordinator, as a persist failure stops a persistent actor", async () => {
    const { sharding, counters } = cluster(5);
    await sharding.advance(20_000);
    const coordinator = counters.coordinator();
    expect(coordinator?.isActive).toBe(true);
    // Another writer takes the next sequence number of the coordinator's stream.
    const id = coordinatorPersistenceId("counter");
    const next = (await sharding.journal.highestSequenceNr(id)) + 1;
    await sharding.journal.append([
      {
        persistenceId: id,
        sequenceNr: next,
        event: { type: "ShardRegionRegistered", region: node("node-9", 99) },
        timestamp: 0,
        tags: [],
        writerUuid: "intruder",
        manifest: "",
      },
    ]);
    // The next allocation conflicts in the journal.
    add(counters, "fresh", "node-2");
    await sharding.advance(500);
    expect(coordinator?.isActive).toBe(false);
    const stopped = sharding.trace.records.filter((r) => r.type === "coordinatorStopped");
    expect(stopped.length).toBeGreaterThan(0);
  });
});

describe("ShardCoordinator.Internal.State.updated (the coordinator's event rules)", () => {
  const a = node("node-1", 1);
  const b = node("node-2", 2);
  const registered = CoordinatorState.empty
    .updated({ type: "ShardRegionRegistered", region: a })
    .updated({ type: "ShardRegionRegistered", region: b });

  it("ShardHomeAllocated: requires a registered region and a shard without a home", () => {
    const s = registered.updated({ type: "ShardHomeAllocated", shard: "1", region: a });
    expect(s.homeOf("1")).toEqual(a);
    expect(() => s.updated({ type: "ShardHomeAllocated", shard: "1", region: b })).toThrow(
      /already has a home/,
    );
    expect(() =>
      registered.updated({ type: "ShardHomeAllocated", shard: "2", region: node("node-3", 3) }),
    ).toThrow(/unknown region/);
  });

  it("ShardRegionRegistered: requires a region not yet registered", () => {
    expect(() => registered.updated({ type: "ShardRegionRegistered", region: a })).toThrow(
      /already registered/,
    );
  });

  it("ShardRegionTerminated: removes the region and its shards' homes; requires it registered", () => {
    const s = registered
      .updated({ type: "ShardHomeAllocated", shard: "1", region: a })
      .updated({ type: "ShardHomeAllocated", shard: "2", region: b })
      .updated({ type: "ShardRegionTerminated", region: a });
    expect(s.regions()).toEqual([b]);
    expect(s.homeOf("1")).toBeUndefined();
    expect(s.homeOf("2")).toEqual(b);
    expect(() => s.updated({ type: "ShardRegionTerminated", region: a })).toThrow(/not registered/);
  });

  it("ShardHomeDeallocated: frees the shard; requires it allocated", () => {
    const s = registered
      .updated({ type: "ShardHomeAllocated", shard: "1", region: a })
      .updated({ type: "ShardHomeDeallocated", shard: "1" });
    expect(s.homeOf("1")).toBeUndefined();
    expect(s.shardsOf("node-1#1")).toEqual([]);
    expect(() => s.updated({ type: "ShardHomeDeallocated", shard: "1" })).toThrow(/not allocated/);
  });

  it("regions list their shards in the order they were allocated (as Akka's Vector)", () => {
    const s = ["3", "1", "2"].reduce(
      (st, shard) => st.updated({ type: "ShardHomeAllocated", shard, region: a }),
      registered,
    );
    expect(s.allocations(() => true).get("node-1#1")).toEqual(["3", "1", "2"]);
  });

  it("is immutable: updated never changes the state it was called on (so a rejected candidate leaves nothing behind)", () => {
    const s = registered.updated({ type: "ShardHomeAllocated", shard: "1", region: a });
    s.updated({ type: "ShardRegionTerminated", region: a });
    expect(s.homeOf("1")).toEqual(a);
    expect(s.regions()).toHaveLength(2);
  });
});
