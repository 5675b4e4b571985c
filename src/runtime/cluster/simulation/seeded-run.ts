import {
  type FaultSchedule,
  type RandomFaultOptions,
  randomFaultSchedule,
} from "../../sim/fault-schedule";
import { SeededRandom } from "../../sim/random";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import type { DowningProvider } from "../membership/downing-provider";
import type { ClusterSettings } from "../membership/settings";
import {
  type BackwardMove,
  checkMembershipMovesForward,
  checkSplitBrain,
  type SplitBrain,
} from "./checkers";
import { ClusterSimulation } from "./simulation";

/** One seeded run with a random fault schedule: what property tests and replays share. */
export interface SeededRunOptions {
  /** Cluster size (default 5). */
  readonly nodes?: number;
  /** Virtual time to run (default 90 s). */
  readonly durationMs?: number;
  /**
   * Builds the downing provider on the run's scheduler (a lease needs it). Default: none.
   */
  readonly downing?: (scheduler: VirtualScheduler) => DowningProvider;
  /** Fault options; `nodes` is filled in, `endMs` defaults to 60 % of the duration. */
  readonly faults?: Partial<RandomFaultOptions>;
  readonly settings?: Partial<ClusterSettings>;
}

/** The outcome of {@link runSeed}. */
export interface SeededRun {
  readonly seed: number;
  readonly faults: FaultSchedule;
  readonly sim: ClusterSimulation;
  readonly splitBrains: readonly SplitBrain[];
  readonly backwardMoves: readonly BackwardMove[];
}

/**
 * Runs a cluster under the fault schedule drawn from `seed` and checks the trace. Calling it
 * again with the same seed and options replays the run exactly, which is how a failing seed from
 * a property test is investigated.
 *
 * @example Replaying one seed of the membership property
 * ```ts
 * const run = runSeed(1234, {
 *   downing: () => new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
 * });
 * run.splitBrains; // [] — the resolver kept one side
 * run.faults; // the schedule that was applied
 * ```
 */
export function runSeed(seed: number, options: SeededRunOptions = {}): SeededRun {
  const nodes = Array.from({ length: options.nodes ?? 5 }, (_, i) => `node-${i + 1}`);
  const durationMs = options.durationMs ?? 90_000;
  const faults = randomFaultSchedule(new SeededRandom(seed).fork("faults"), {
    endMs: Math.floor(durationMs * 0.6),
    ...options.faults,
    nodes,
  });
  const scheduler = new VirtualScheduler();
  const sim = new ClusterSimulation({
    seed,
    nodes,
    scheduler,
    faults,
    ...(options.downing ? { downing: options.downing(scheduler) } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  sim.runFor(durationMs);
  const records = sim.trace.records;
  return {
    seed,
    faults,
    sim,
    splitBrains: checkSplitBrain(records),
    backwardMoves: checkMembershipMovesForward(records),
  };
}
