import { describe, expect, it } from "vitest";
import {
  GCounter,
  GCounterKey,
  type GetResponse,
  LWWMap,
  ORSet,
  PNCounter,
  Replicator,
  readMajority,
  SeededRandom,
  VersionVector,
  VirtualScheduler,
  writeMajority,
} from "../../index";
import { LoopbackNetwork } from "./loopback-network";

// The TSDoc examples, run through the public `@runtime` entry point so the docs cannot drift.
describe("replicated data examples", () => {
  it("GCounter, PNCounter, ORSet, LWWMap and VersionVector behave as documented", () => {
    const a = GCounter.empty.increment("node-1", 2);
    const b = GCounter.empty.increment("node-2");
    expect([a.merge(b).value, a.merge(b).merge(b).value, a.delta?.value]).toEqual([3, 3, 2]);

    const stock = PNCounter.empty.increment("node-1", 10).decrement("node-2", 3);
    expect([stock.value, stock.merge(PNCounter.empty.decrement("node-3")).value]).toEqual([7, 6]);

    const base = ORSet.empty<string>().add("node-1", "apple");
    const removed = base.remove("apple");
    const readded = base.add("node-2", "apple");
    expect(removed.merge(readded).has("apple")).toBe(true);
    expect(removed.merge(base).has("apple")).toBe(false);

    const x = LWWMap.empty<number>().put("node-1", "alice", 3, 1_000);
    const y = LWWMap.empty<number>().put("node-2", "alice", 5, 2_000);
    expect([x.merge(y).get("alice"), y.merge(x).get("alice")]).toEqual([5, 5]);
    expect(x.merge(y).remove("node-1", "alice", 1_500).entry("alice")?.timestamp).toBe(2_001);

    const v1 = VersionVector.empty.increment("node-1");
    const v2 = VersionVector.empty.increment("node-2");
    expect([v1.compare(v2), v1.merge(v2).compare(v1), v1.merge(v2).contains("node-1", 1)]).toEqual([
      "concurrent",
      "after",
      true,
    ]);
  });

  it("the Replicator example: a majority update, then a majority read", () => {
    const scheduler = new VirtualScheduler();
    const network = new LoopbackNetwork(scheduler, new SeededRandom(1), {
      dropRate: 0.2,
      minDelayMs: 1,
      maxDelayMs: 50,
    });
    const [replicator, other] = ["node-1", "node-2", "node-3"].map(
      (id, i) => new Replicator({ transport: network.join(id), random: new SeededRandom(7 + i) }),
    ) as [Replicator, Replicator, Replicator];
    const Hits = GCounterKey("hits");
    const log: string[] = [];
    replicator.update(
      Hits,
      GCounter.empty,
      (c, { self }) => c.increment(self),
      writeMajority(3_000),
      (r) => log.push(r.type),
    );
    scheduler.advanceBySync(3_000);
    other.get(Hits, readMajority(3_000), (r: GetResponse<GCounter>) => {
      if (r.type === "GetSuccess") log.push(`value ${r.data.value}`);
    });
    scheduler.advanceBySync(3_000);
    expect(log).toEqual(["UpdateSuccess", "value 1"]);
  });
});
