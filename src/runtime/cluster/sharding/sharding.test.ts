import { describe, expect, it } from "vitest";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import { ClusterSimulation } from "../simulation";
import { ClusterSharding } from "./cluster-sharding";
import { type CounterCommand, type CounterReply, counterEntity } from "./test-entity";

function cluster(seed: number, nodes = 3) {
  const sim = new ClusterSimulation({
    seed,
    nodes,
    downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
  });
  const sharding = new ClusterSharding(sim);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 12 },
  });
  return { sim, sharding, counters };
}

describe("ClusterSharding", () => {
  it("routes commands from any node to one entity and replies", async () => {
    const { sim, sharding, counters } = cluster(1);
    await sim.advance(20_000);
    const replies: Promise<CounterReply>[] = [];
    for (let i = 0; i < 30; i++) {
      const from = `node-${(i % 3) + 1}`;
      replies.push(
        counters
          .entityRefFor(`e${i % 10}`, from)
          .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 10_000),
      );
    }
    await sim.advance(5_000);
    const got = await Promise.all(replies);
    expect(
      got
        .filter((r) => r.entityId === "e0")
        .map((r) => r.total)
        .sort(),
    ).toEqual([1, 2, 3]);
    const types = new Set(sharding.trace.records.map((r) => r.type));
    expect(types).toContain("shardAllocated");
    expect(types).toContain("entityStarted");
    expect(types).toContain("journalWrite");
    expect(types).toContain("coordinatorStarted");
  });
});
