import { macrotask } from "../../sim/real-scheduler";
import type { VirtualScheduler } from "../../sim/virtual-scheduler";

const soon = macrotask();
const hop = () => new Promise<void>((resolve) => soon(resolve));
/** Microtask turns to wait for tracked I/O before falling back to a macrotask hop. */
const SPINS_BEFORE_HOP = 64;

/**
 * Moves a virtual scheduler forward by `ms` like `VirtualScheduler.advanceBy`: tasks run in
 * time order, and at each instant tracked I/O (journal writes and reads) completes before time
 * moves on. It waits for I/O by yielding microtask turns, which is all an in-memory journal
 * needs, and only falls back to a macrotask hop for I/O that takes longer (IndexedDB). A
 * simulated hour with a hundred thousand journal writes thus costs no hundred thousand
 * event-loop turns. The order of work is the same as with `advanceBy`, so traces are too.
 *
 * @example
 * await advanceSimulation(sim.scheduler, 60_000);
 */
export async function advanceSimulation(scheduler: VirtualScheduler, ms: number): Promise<void> {
  if (!(ms >= 0)) throw new RangeError(`advanceSimulation: ms must be >= 0, got ${ms}`);
  const target = scheduler.now() + ms;
  for (;;) {
    scheduler.flush();
    if (scheduler.ioPending) {
      let spins = 0;
      while (scheduler.ioPending && spins < SPINS_BEFORE_HOP) {
        await undefined;
        spins++;
      }
      if (scheduler.ioPending) await hop();
      // Completions of settled I/O run right after it, as microtasks: let them land here too.
      await undefined;
      continue;
    }
    const next = scheduler.nextTime();
    if (next === undefined || next > target) break;
    scheduler.advanceBySync(next - scheduler.now());
    if (scheduler.ioPending) continue;
  }
  if (target > scheduler.now()) scheduler.advanceBySync(target - scheduler.now());
}
