import { describe, expect, it } from "vitest";
import { GCounter, GCounterKey, Replicator, readLocal, writeMajority } from "../../index";
import { SeededRandom } from "../../sim/random";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import { ClusterSimulation } from "../simulation/simulation";
import { replicatorTransport } from "./replicator-transport";

describe("replicated data over the simulated cluster", () => {
  it("a counter incremented on three nodes converges everywhere, also after a partition heals", () => {
    const sim = new ClusterSimulation({
      seed: 9,
      nodes: 3,
      downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
    });
    const replicators = new Map<string, Replicator>();
    sim.onNodeStarted((node) => {
      const replicator = new Replicator({
        transport: replicatorTransport(node, sim.scheduler),
        random: new SeededRandom(1).fork(node.selfKey),
      });
      replicators.set(node.address, replicator);
      node.onTerminated(() => replicator.stop());
    });
    sim.runFor(15_000);
    const Hits = GCounterKey("hits");
    const increment = (address: string) =>
      replicators.get(address)?.update(
        Hits,
        GCounter.empty,
        (c, { self }) => c.increment(self),
        writeMajority(3_000),
        () => {},
      );
    const value = (address: string) => {
      let v: number | undefined;
      replicators.get(address)?.get(Hits, readLocal, (r) => {
        if (r.type === "GetSuccess") v = (r.data as GCounter).value;
      });
      sim.runFor(1);
      return v;
    };
    increment("node-1");
    increment("node-2");
    const p = sim.partition(["node-3"], ["node-1", "node-2"]);
    sim.runFor(2_000);
    increment("node-3"); // cannot reach a majority, but is kept locally
    sim.runFor(3_000);
    sim.heal(p);
    sim.runFor(10_000);
    expect(["node-1", "node-2", "node-3"].map(value)).toEqual([3, 3, 3]);
  });
});
