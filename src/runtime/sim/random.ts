/**
 * A source of pseudo-random numbers. The runtime never calls `Math.random()`: every random
 * choice (backoff jitter, fault schedules, `ctx.random()` in handlers) comes from a `Random`,
 * so in a simulation or a test one seed reproduces one run. Outside them the system seeds
 * itself from `crypto`, so values never repeat across restarts.
 */
export interface Random {
  /** The seed this stream started from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /**
   * An independent stream derived from this seed and a label. Forking by label (an actor's
   * path, a node's name) keeps one component's draws from shifting another's when code changes.
   */
  fork(label: string): Random;
}

/** FNV-1a: a small, stable string hash used to derive fork seeds from labels. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded generator (sfc32 core, seeded through splitmix32). Fast, 128 bits of state, and good
 * enough for simulations; not for cryptography. Seeded, reproducible randomness belongs to the
 * simulation and to tests (with a `VirtualScheduler`): in production the same seed would hand
 * out the same "random" ids after every restart.
 *
 * @example Reproducible dice, and a stream per component
 * ```ts
 * const random = new SeededRandom(42);
 * const roll = random.int(1, 6); // the same sequence of dice for seed 42, every run
 * const node2 = random.fork("node-2"); // an independent stream for one component
 * const delay = 100 + node2.next() * 50;
 * ```
 */
export class SeededRandom implements Random {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let s = this.seed;
    const split = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Random.int: expected integers with min <= max, got ${min}..${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Random.pick: the array is empty");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  fork(label: string): Random {
    return new SeededRandom(
      (Math.imul(this.seed ^ hashLabel(label), 0x9e3779b1) ^ 0x5bd1e995) >>> 0,
    );
  }
}
