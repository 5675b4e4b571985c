/** How two versions relate. */
export type ClockOrder = "same" | "before" | "after" | "concurrent";

/**
 * A vector clock over node keys, immutable. Gossip versions are vector clocks: each node that
 * changes the membership ticks its own entry, so two gossips can be ordered, or found concurrent
 * and merged.
 *
 * @example Ordering gossip versions
 * ```ts
 * const a = VectorClock.empty.tick("node-1#7");
 * const b = a.tick("node-2#9");
 * a.compare(b); // "before"
 * b.compare(a.tick("node-3#4")); // "concurrent"
 * ```
 */
export class VectorClock {
  static readonly empty = new VectorClock(new Map());

  private constructor(readonly entries: ReadonlyMap<string, number>) {}

  /** A clock rebuilt from its entries, as they crossed a wire (live mode's workers). */
  static fromEntries(entries: Iterable<readonly [string, number]>): VectorClock {
    return new VectorClock(new Map(entries));
  }

  /** This clock with `node`'s entry incremented. */
  tick(node: string): VectorClock {
    const next = new Map(this.entries);
    next.set(node, (next.get(node) ?? 0) + 1);
    return new VectorClock(next);
  }

  /** Entry-wise maximum. */
  merge(that: VectorClock): VectorClock {
    if (that === this) return this;
    const next = new Map(this.entries);
    for (const [node, n] of that.entries) if ((next.get(node) ?? 0) < n) next.set(node, n);
    return new VectorClock(next);
  }

  /** This clock without `node`'s entry (a removed member's history no longer matters). */
  prune(node: string): VectorClock {
    if (!this.entries.has(node)) return this;
    const next = new Map(this.entries);
    next.delete(node);
    return new VectorClock(next);
  }

  /** How `this` relates to `that`: "before" means `that` has seen everything `this` has. */
  compare(that: VectorClock): ClockOrder {
    if (that === this) return "same";
    let less = false;
    let greater = false;
    for (const [node, n] of this.entries) {
      const m = that.entries.get(node) ?? 0;
      if (n < m) less = true;
      else if (n > m) greater = true;
    }
    for (const [node, m] of that.entries) {
      if (!this.entries.has(node) && m > 0) less = true;
    }
    if (less && greater) return "concurrent";
    if (less) return "before";
    if (greater) return "after";
    return "same";
  }
}
