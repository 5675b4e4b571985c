import {
  AutoDowning,
  ClusterSharding,
  ClusterSimulation,
  type CounterCommand,
  type CounterReply,
  counterEntity,
  type DowningProvider,
  type Fault,
  LATE_DETECTION_MARGIN,
  measureFailover,
  NoDowning,
  randomFaultSchedule,
  SeededRandom,
  SimulatedLease,
  SplitBrainResolver,
  type StrategyConfig,
  type VirtualScheduler,
} from "@runtime";
import type { Section } from "./types";

const NODES = ["node-1", "node-2", "node-3", "node-4", "node-5"];

/** Random fault windows every two minutes, and a supervisor restarting stopped nodes. */
function hourOfFaults(durationMs: number): Fault[] {
  const random = new SeededRandom(77).fork("faults");
  const faults: Fault[] = [];
  for (let start = 30_000; start < durationMs; start += 120_000)
    faults.push(
      ...randomFaultSchedule(random, {
        nodes: NODES,
        startMs: start,
        endMs: Math.min(start + 60_000, durationMs),
        leaves: true,
      }),
    );
  for (let t = 30_000; t < durationMs; t += 30_000)
    for (const node of NODES) faults.push({ at: t, type: "restart", node });
  return faults.sort((a, b) => a.at - b.at);
}

/**
 * 5 nodes, `entities` counters, `commands` asks spread over `durationMs` of simulated time under
 * random faults, keep-majority with Akka's defaults, passivation after 120 s idle.
 */
export async function workload(
  entities: number,
  commands: number,
  durationMs: number,
  withFaults = true,
) {
  const sim = new ClusterSimulation({
    seed: 77,
    nodes: NODES,
    downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
    faults: withFaults ? hourOfFaults(durationMs) : [],
    retainTrace: false,
  });
  const sharding = new ClusterSharding(sim, { retainTrace: false });
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
  });
  const random = new SeededRandom(77).fork("workload");
  const interval = (durationMs - 20_000) / commands;
  let sent = 0;
  let acked = 0;
  let entityStarts = 0;
  sharding.trace.subscribe((r) => {
    if (r.type === "entityStarted") entityStarts++;
  });
  const send = () => {
    if (sent >= commands) return;
    const live = NODES.filter((a) => counters.region(a) !== undefined);
    if (live.length > 0) {
      sent++;
      counters
        .entityRefFor(`c${random.int(0, entities - 1)}`, random.pick(live))
        .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 10_000)
        .then(
          () => acked++,
          () => {},
        );
    }
    sim.scheduler.schedule(interval, send);
  };
  sim.scheduler.schedule(20_000, send);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await sharding.advance(durationMs);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { wallMs, cpuMs, sent, acked, entityStarts, incarnations: sim.incarnations };
}

const failover = (downing: (s: VirtualScheduler) => DowningProvider) =>
  measureFailover({ seed: 5, nodes: NODES, victim: "node-3", downing });

export const shardingSection: Section = {
  name: "sharding",
  async run({ quick, metrics, log }) {
    const entities = quick ? 1_000 : 10_000;
    const commands = quick ? 5_000 : 100_000;
    const durationMs = quick ? 300_000 : 3_600_000;
    const w = await workload(entities, commands, durationMs);
    metrics["sharding.wall_s"] = w.wallMs / 1000;
    metrics["sim.speedup"] = durationMs / w.wallMs;
    // On a shared machine the wall clock also counts other processes' turns; CPU time does not.
    metrics["sharding.cpu_s"] = w.cpuMs / 1000;
    metrics["sharding.cpu_speedup"] = durationMs / w.cpuMs;
    metrics["sharding.acked_pct"] = (100 * w.acked) / w.sent;
    log(
      `5 nodes, ${entities} entities, ${w.sent} commands, ${durationMs / 60_000} simulated min of faults: ` +
        `${(w.wallMs / 1000).toFixed(2)} s wall, ${(durationMs / w.wallMs).toFixed(0)}x real time ` +
        `(${(w.cpuMs / 1000).toFixed(2)} s CPU, ${(durationMs / w.cpuMs).toFixed(0)}x), ` +
        `${((100 * w.acked) / w.sent).toFixed(1)} % acknowledged, ${w.entityStarts} entity starts, ` +
        `${w.incarnations} node incarnations`,
    );

    const strategies: [string, StrategyConfig][] = [
      ["keep_majority", { kind: "keep-majority" }],
      ["static_quorum", { kind: "static-quorum", quorumSize: 3 }],
      ["keep_oldest", { kind: "keep-oldest" }],
      ["lease_majority", { kind: "lease-majority" }],
    ];
    for (const [name, strategy] of quick ? strategies.slice(0, 1) : strategies) {
      const seconds = await failover(
        (scheduler) =>
          new SplitBrainResolver({
            strategy,
            ...(strategy.kind === "lease-majority" ? { lease: new SimulatedLease(scheduler) } : {}),
          }),
      );
      if (seconds !== undefined) metrics[`sim.failover_${name}_s`] = seconds;
      log(
        `entities reachable again after a crash, ${name}, Akka's defaults (stable-after 20 s, ` +
          `removal margin = stable-after): ${seconds?.toFixed(1) ?? "never"} s ` +
          `(for scale only, not measured here: Akka's docs say "around 45 seconds", split-brain-resolver.md, Expected Failover Time)`,
      );
    }
    // The named longer margin (not Akka's default), for comparison.
    const late = await failover(
      () =>
        new SplitBrainResolver({
          strategy: { kind: "keep-majority" },
          downRemovalMargin: LATE_DETECTION_MARGIN,
        }),
    );
    if (late !== undefined) metrics["sim.failover_keep_majority_late_detection_margin_s"] = late;
    log(
      `entities reachable again, keep_majority with the late-detection margin (not Akka's): ${late?.toFixed(1) ?? "never"} s`,
    );
    if (!quick) {
      const auto = await failover(() => new AutoDowning(10_000));
      if (auto !== undefined) metrics["sim.failover_auto_down_s"] = auto;
      log(
        `entities reachable again, auto-down after 10 s (unsafe): ${auto?.toFixed(1) ?? "never"} s`,
      );
      log(`entities reachable again, none: ${(await failover(() => new NoDowning())) ?? "never"}`);
    }
  },
};
