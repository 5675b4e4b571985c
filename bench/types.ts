export type Metrics = Record<string, number>;

export interface BenchContext {
  quick: boolean;
  metrics: Metrics;
  log(line: string): void;
}

/** One part of `npm run bench`, contributing named metrics (units in the name). */
export interface Section {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

/** One arm of a comparison: a name and one run, which returns how many items it handled. */
export interface Arm {
  name: string;
  once: () => Promise<number> | number;
}

/** What `interleave` measured: per arm, the rate of each round, and its best and median. */
export interface Interleaved {
  rounds: number;
  /** items/s per arm, one entry per round, in round order. */
  rates: Record<string, number[]>;
  best(arm: string): number;
  median(arm: string): number;
  /**
   * `a ÷ b` from the same round, so a slow patch of a shared machine slows both sides of the
   * ratio: the best round's ratio and the median ratio over the rounds.
   */
  ratio(a: string, b: string): { best: number; median: number };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * Runs every arm once per round, in an order that rotates from round to round, with a garbage
 * collection before each run (when Node runs with --expose-gc, as `npm run bench` starts it), so
 * no arm always inherits another's garbage or always runs on a warmer machine.
 */
export async function interleave(
  arms: readonly Arm[],
  rounds: number,
  now: () => number = () => performance.now(),
): Promise<Interleaved> {
  const rates: Record<string, number[]> = {};
  for (const arm of arms) rates[arm.name] = [];
  // One warm-up round, not recorded, as JMH warms up before it measures: the first run of an
  // arm also pays for compiling it.
  for (const arm of arms) await arm.once();
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < arms.length; k++) {
      const arm = arms[(round + k) % arms.length] as Arm;
      collectGarbage?.();
      const start = now();
      const items = await arm.once();
      const seconds = (now() - start) / 1000;
      (rates[arm.name] as number[]).push(items / seconds);
    }
  }
  const of = (arm: string) => {
    const list = rates[arm];
    if (!list) throw new Error(`no arm named ${arm}`);
    return list;
  };
  return {
    rounds,
    rates,
    best: (arm) => Math.max(...of(arm)),
    median: (arm) => median(of(arm)),
    ratio(a, b) {
      const ra = of(a);
      const rb = of(b);
      const perRound = ra.map((x, i) => x / (rb[i] as number));
      return { best: Math.max(...perRound), median: median(perRound) };
    },
  };
}
