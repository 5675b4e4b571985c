import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomFaultSchedule } from "../../sim/fault-schedule";
import { SeededRandom } from "../../sim/random";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import { AutoDowning, NoDowning } from "../downing/auto-down";
import { SimulatedLease } from "../downing/lease";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import type { StrategyConfig } from "../downing/strategy";
import type { DowningProvider } from "../membership/downing-provider";
import { nodeKey } from "../membership/member";
import { checkSingleIncarnation } from "../sharding/checkers";
import { ShardingTrace } from "../sharding/trace";
import { ClusterSimulation, type ClusterSimulationOptions } from "../simulation/simulation";
import { downRemovalMargin } from "./removal-margin";
import { ClusterSingletonManager } from "./singleton-manager";

/** A cluster where every node runs a manager for the singleton "scoreboard". */
function withSingleton(options: ClusterSimulationOptions, removalMarginMs?: number) {
  const sim = new ClusterSimulation(options);
  const trace = new ShardingTrace(() => sim.scheduler.now());
  const running = new Set<string>();
  sim.onNodeStarted((node) => {
    new ClusterSingletonManager(node, {
      name: "scoreboard",
      scheduler: sim.scheduler,
      removalMarginMs: removalMarginMs ?? downRemovalMargin(sim.downing, sim.settings),
      record: (r) => trace.emit(r),
      start: () => {
        running.add(node.address);
        return { stop: () => running.delete(node.address) };
      },
    });
  });
  return { sim, trace, running };
}

const keepMajority = () =>
  new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 7_000 });

describe("ClusterSingletonManager", () => {
  it("runs the singleton on the oldest node only", () => {
    const { sim, trace, running } = withSingleton({ seed: 1, nodes: 4, downing: keepMajority() });
    sim.runFor(30_000);
    expect([...running]).toEqual(["node-1"]);
    expect(trace.records.filter((r) => r.type === "singletonStarted")).toHaveLength(1);
  });

  it("hands over on a graceful leave: the old instance stops before the new one starts", () => {
    const { sim, trace, running } = withSingleton({ seed: 2, nodes: 3, downing: keepMajority() });
    sim.runFor(20_000);
    sim.leave("node-1");
    sim.runFor(20_000);
    expect([...running]).toEqual(["node-2"]);
    const stopped = trace.records.find((r) => r.type === "singletonStopped");
    const started = trace.records.filter((r) => r.type === "singletonStarted")[1];
    expect(stopped?.type === "singletonStopped" && stopped.reason).toBe("hand-over");
    expect(stopped?.at).toBeLessThanOrEqual(started?.at ?? 0);
    expect(trace.records.some((r) => r.type === "singletonHandOver")).toBe(true);
    // A graceful hand-over needs no removal margin: it takes a few gossip rounds, not 20 s.
    expect((started?.at ?? 0) - (stopped?.at ?? 0)).toBeLessThan(5_000);
  });

  it("after a crash, moves only once the node is downed, removed and the margin has passed", () => {
    const { sim, trace, running } = withSingleton({ seed: 3, nodes: 3, downing: keepMajority() });
    sim.runFor(20_000);
    sim.crash("node-1");
    sim.runFor(90_000);
    expect([...running]).toEqual(["node-2"]);
    const started = trace.records.filter((r) => r.type === "singletonStarted")[1];
    const removedAt = sim.trace.records.find(
      (r) =>
        r.type === "memberStatus" &&
        r.to === "removed" &&
        r.member.address === "node-1" &&
        r.observer.address === "node-2",
    )?.at;
    expect(removedAt).toBeDefined();
    const margin = downRemovalMargin(sim.downing, sim.settings);
    // Akka's down-removal-margin with the resolver: stable-after.
    expect(margin).toBe(7_000);
    expect(started?.at).toBeGreaterThanOrEqual((removedAt as number) + margin);
  });

  it("with no downing, a crashed oldest is never replaced", () => {
    const { sim, running } = withSingleton({ seed: 4, nodes: 3, downing: new NoDowning() });
    sim.runFor(20_000);
    sim.crash("node-1");
    sim.runFor(600_000);
    expect([...running]).toEqual([]);
  });

  it("with a split-brain resolver the singleton never runs twice (350 seeds, every strategy)", () => {
    const strategies: StrategyConfig[] = [
      { kind: "keep-majority" },
      { kind: "keep-oldest" },
      { kind: "static-quorum", quorumSize: 3 },
      { kind: "down-all" },
      { kind: "lease-majority" },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const strategy = strategies[seed % strategies.length] as StrategyConfig;
        const scheduler = new VirtualScheduler();
        const nodes = ["node-1", "node-2", "node-3", "node-4"];
        const { sim, trace } = withSingleton({
          seed,
          nodes,
          scheduler,
          downing: new SplitBrainResolver({
            strategy,
            stableAfterMs: 5_000,
            ...(strategy.kind === "lease-majority" ? { lease: new SimulatedLease(scheduler) } : {}),
          }),
          faults: randomFaultSchedule(new SeededRandom(seed).fork("faults"), {
            nodes,
            endMs: 40_000,
            leaves: true,
          }),
        });
        sim.runFor(70_000);
        expect(checkSingleIncarnation(trace.records)).toEqual([]);
      }),
      { numRuns: 350 },
    );
  });

  it("the checker catches a second singleton: auto-down in a partition, and a resolver without the removal margin", () => {
    const partitioned = (
      downing: DowningProvider,
      sides: [string[], string[]],
      margin?: number,
    ) => {
      const { sim, trace } = withSingleton({ seed: 5, nodes: 4, downing }, margin);
      sim.runFor(20_000);
      sim.partition(...sides);
      sim.runFor(60_000);
      return checkSingleIncarnation(trace.records);
    };
    const halves: [string[], string[]] = [
      ["node-1", "node-2"],
      ["node-3", "node-4"],
    ];
    const auto = partitioned(new AutoDowning(5_000), halves);
    expect(auto).toHaveLength(1);
    expect(auto[0]?.kind).toBe("singleton");
    expect(auto[0]?.nodes.map((n) => n.address).sort()).toEqual(["node-1", "node-3"]);
    // Seed 55's faults leave one side deciding later than the other; the removal margin is
    // what keeps the majority from starting its copy while the old one still runs.
    const nodes = ["node-1", "node-2", "node-3", "node-4"];
    const seed55 = (margin?: number) => {
      const { sim, trace } = withSingleton(
        {
          seed: 55,
          nodes,
          downing: new SplitBrainResolver({
            strategy: { kind: "keep-majority" },
            stableAfterMs: 5_000,
          }),
          faults: randomFaultSchedule(new SeededRandom(55).fork("faults"), {
            nodes,
            endMs: 40_000,
            leaves: true,
          }),
        },
        margin,
      );
      sim.runFor(70_000);
      return checkSingleIncarnation(trace.records);
    };
    expect(seed55(0).map((v) => v.kind)).toEqual(["singleton"]);
    expect(seed55()).toEqual([]);
  });

  it("names bad options", () => {
    const sim = new ClusterSimulation({ seed: 1, nodes: 1 });
    const node = sim.node("node-1");
    if (node === undefined) throw new Error("no node");
    const start = () => ({ stop() {} });
    expect(
      () =>
        new ClusterSingletonManager(node, {
          name: "x",
          scheduler: sim.scheduler,
          start,
          removalMarginMs: -1,
        }),
    ).toThrow(/removalMarginMs/);
    expect(
      () =>
        new ClusterSingletonManager(node, {
          name: "x",
          scheduler: sim.scheduler,
          start,
          handOverRetryIntervalMs: 0,
        }),
    ).toThrow(/handOverRetryIntervalMs/);
    expect(nodeKey(node.self)).toContain("node-1#");
  });
});
