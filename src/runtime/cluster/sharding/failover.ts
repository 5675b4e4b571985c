import type { Address } from "../../sim/network";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import type { DowningProvider } from "../membership/downing-provider";
import { ClusterSimulation } from "../simulation/simulation";
import { ClusterSharding } from "./cluster-sharding";
import { type CounterCommand, type CounterReply, counterEntity } from "./counter-entity";

/** One failover measurement: which cluster, which node crashes, how many entities. */
export interface FailoverOptions {
  readonly seed: number;
  readonly nodes: readonly Address[];
  /** The provider under test, built on the run's scheduler (the lease needs it). */
  readonly downing: (scheduler: VirtualScheduler) => DowningProvider;
  /** The node that crashes (default: the last one). */
  readonly victim?: Address;
  readonly entities?: number;
  readonly numberOfShards?: number;
  /** Give up after this much simulated time (default 300 s). */
  readonly limitMs?: number;
}

/**
 * Simulated seconds from a crash until every entity that lived on the crashed node answers
 * again from another node: detection, downing, removal, the removal margin and recovery.
 * `undefined` when they never do within the limit (as with no downing). The cluster forms,
 * every entity gets one command, then `victim` crashes and a survivor asks each lost entity
 * once a second.
 *
 * @example Seconds from a crash until every entity answers again
 * ```ts
 * const seconds = await measureFailover({
 *   seed: 5,
 *   nodes: ["node-1", "node-2", "node-3"],
 *   downing: () => new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
 * }); // 50 with Akka's defaults (Akka's docs: about 45); 68 with LATE_DETECTION_MARGIN
 * ```
 */
export async function measureFailover(options: FailoverOptions): Promise<number | undefined> {
  const scheduler = new VirtualScheduler();
  const sim = new ClusterSimulation({
    seed: options.seed,
    nodes: options.nodes,
    scheduler,
    downing: options.downing(scheduler),
  });
  const sharding = new ClusterSharding(sim, { retainTrace: true });
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: options.numberOfShards ?? 50 },
  });
  const survivor = options.nodes[0] as Address;
  const victim = options.victim ?? (options.nodes.at(-1) as Address);
  await sharding.advance(20_000);
  const ids = Array.from({ length: options.entities ?? 200 }, (_, i) => `c${i}`);
  for (const id of ids) counters.entityRefFor(id, survivor).tell({ type: "add", n: 1 });
  await sharding.advance(5_000);
  const home = new Map<string, Address>();
  for (const r of sharding.trace.records)
    if (r.type === "entityStarted") home.set(r.entityId, r.node.address);
  const lost = ids.filter((id) => home.get(id) === victim);
  const crashedAt = sim.scheduler.now();
  sim.crash(victim);
  const answered = new Set<string>();
  const limitS = (options.limitMs ?? 300_000) / 1000;
  for (let s = 0; s < limitS && answered.size < lost.length; s++) {
    for (const id of lost)
      if (!answered.has(id))
        counters
          .entityRefFor(id, survivor)
          .ask<CounterReply>((replyTo) => ({ type: "get", replyTo }), 900)
          .then(
            () => answered.add(id),
            () => {},
          );
    await sharding.advance(1_000);
  }
  return answered.size === lost.length ? (sim.scheduler.now() - crashedAt) / 1000 : undefined;
}
