import {
  AutoDowning,
  ClusterSimulation,
  type DowningProvider,
  type Fault,
  failoverTimes,
  NoDowning,
  randomFaultSchedule,
  runSeed,
  SeededRandom,
  SimulatedLease,
  SplitBrainResolver,
  type StrategyConfig,
  VirtualScheduler,
} from "@runtime";
import type { Section } from "./types";

const NODES = ["node-1", "node-2", "node-3", "node-4", "node-5"];

/**
 * A 5-node cluster through `hours` simulated hours of random faults (crashes, partitions, lossy
 * links, leaves), with keep-majority and a supervisor that restarts stopped nodes every 30 s.
 * Returns simulated ms per wall ms.
 */
function speedup(hours: number): { speedup: number; incarnations: number; messages: number } {
  const durationMs = hours * 3_600_000;
  const random = new SeededRandom(2024).fork("faults");
  const faults: Fault[] = [];
  for (let start = 10_000; start < durationMs; start += 120_000) {
    faults.push(
      ...randomFaultSchedule(random, {
        nodes: NODES,
        startMs: start,
        endMs: start + 60_000,
        leaves: true,
      }),
    );
  }
  for (let t = 30_000; t < durationMs; t += 30_000)
    for (const node of NODES) faults.push({ at: t, type: "restart", node });
  const sim = new ClusterSimulation({
    seed: 2024,
    nodes: NODES,
    downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
    faults,
    retainTrace: false,
  });
  const started = performance.now();
  sim.runFor(durationMs);
  const wallMs = performance.now() - started;
  return {
    speedup: durationMs / wallMs,
    incarnations: sim.incarnations,
    messages: sim.network.stats.sent,
  };
}

/** Simulated seconds from a crash until every survivor has removed the crashed node. */
function failover(downing: (scheduler: VirtualScheduler) => DowningProvider): number | undefined {
  const scheduler = new VirtualScheduler();
  const sim = new ClusterSimulation({
    seed: 7,
    nodes: NODES,
    scheduler,
    downing: downing(scheduler),
  });
  sim.runFor(20_000);
  sim.crash("node-3");
  sim.runFor(300_000);
  const ms = failoverTimes(sim.trace.records)[0]?.failoverMs;
  return ms === undefined ? undefined : ms / 1000;
}

export const clusterSection: Section = {
  name: "cluster",
  async run({ quick, metrics, log }) {
    const hours = quick ? 0.25 : 1;
    const s = speedup(hours);
    metrics["cluster.core_sim_speedup"] = s.speedup;
    log(
      `5 nodes, ${hours} simulated hour(s) of faults: ${s.speedup.toFixed(0)}x real time ` +
        `(${s.incarnations} incarnations, ${s.messages} messages)`,
    );

    const strategies: [string, StrategyConfig][] = [
      ["keep_majority", { kind: "keep-majority" }],
      ["static_quorum", { kind: "static-quorum", quorumSize: 3 }],
      ["keep_oldest", { kind: "keep-oldest" }],
      ["lease_majority", { kind: "lease-majority" }],
    ];
    for (const [name, strategy] of strategies) {
      const seconds = failover(
        (scheduler) =>
          new SplitBrainResolver({
            strategy,
            ...(strategy.kind === "lease-majority" ? { lease: new SimulatedLease(scheduler) } : {}),
          }),
      );
      if (seconds !== undefined) metrics[`cluster.failover_${name}_s`] = seconds;
      log(
        `failover after a crash, ${name} (stable-after 20 s): ${seconds?.toFixed(1) ?? "never"} s`,
      );
    }
    const auto = failover(() => new AutoDowning(10_000));
    if (auto !== undefined) metrics["cluster.failover_auto_down_s"] = auto;
    log(`failover, auto-down after 10 s (unsafe): ${auto?.toFixed(1) ?? "never"} s`);
    log(`failover, none: ${failover(() => new NoDowning()) ?? "never"}`);

    const seeds = quick ? 100 : 400;
    const started = performance.now();
    for (let seed = 1; seed <= seeds; seed++) {
      runSeed(seed, {
        durationMs: 60_000,
        faults: { startMs: 8_000, endMs: 35_000 },
        downing: () =>
          new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 7_000 }),
      });
    }
    const perSecond = seeds / ((performance.now() - started) / 1000);
    metrics["cluster.checked_seeds_per_s"] = perSecond;
    log(`property runs (5 nodes, 60 simulated s, checked): ${perSecond.toFixed(0)} seeds/s`);
  },
};
