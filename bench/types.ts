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

/** Best of `repeats` runs of `once`, which returns how many items it handled. */
export async function bestRate(
  repeats: number,
  once: () => Promise<number> | number,
): Promise<number> {
  let best = 0;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const items = await once();
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, items / seconds);
  }
  return best;
}
