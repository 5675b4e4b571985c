import {
  type CountEntries,
  countsFromEntries,
  mergeCounts,
  type ReplicaId,
  sortedEntries,
} from "./version-vector";

/** A {@link GCounter} as it travels between replicas. */
export interface GCounterWire {
  readonly kind: "GCounter";
  readonly counts: CountEntries;
}

/** @internal Rejects an empty or non-string replica id with a message naming the operation. */
export function checkReplica(replica: unknown, where: string): asserts replica is ReplicaId {
  if (typeof replica !== "string" || replica === "") {
    throw new TypeError(`${where}: the replica id must be a non-empty string, got ${replica}`);
  }
}

/** @internal Rejects amounts that are not non-negative safe integers. */
export function checkAmount(n: number, where: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${where}: the amount must be a non-negative safe integer, got ${n}`);
  }
}

/**
 * A grow-only counter. Each replica counts its own increments in its own slot; the value is the
 * sum of the slots and merge takes the maximum of each slot, so increments made concurrently on
 * different replicas are never lost and never counted twice.
 *
 * Immutable. After an increment, {@link GCounter.delta} holds just the changed slots: a small
 * counter that can be merged anywhere in place of the whole state.
 *
 * @example Merging increments from two replicas
 * ```ts
 * const a = GCounter.empty.increment("node-1", 2);
 * const b = GCounter.empty.increment("node-2");
 * a.merge(b).value; // 3
 * a.merge(b).merge(b).value; // still 3: merge is idempotent
 * a.delta?.value; // 2
 * ```
 */
export class GCounter {
  readonly kind = "GCounter" as const;
  static readonly empty = new GCounter(new Map(), undefined);

  private constructor(
    private readonly counts: ReadonlyMap<ReplicaId, number>,
    /** The slots changed since the last {@link GCounter.resetDelta}, if any. */
    readonly delta: GCounter | undefined,
  ) {}

  /** The sum of all replicas' increments. */
  get value(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** The increments made on `replica`. */
  countAt(replica: ReplicaId): number {
    return this.counts.get(replica) ?? 0;
  }

  /** The replicas that have incremented this counter. */
  get replicas(): readonly ReplicaId[] {
    return sortedEntries(this.counts).map(([r]) => r);
  }

  /** This counter with `n` (default 1, never negative) more increments made on `replica`. */
  increment(replica: ReplicaId, n = 1): GCounter {
    checkReplica(replica, "GCounter.increment");
    checkAmount(n, "GCounter.increment");
    if (n === 0) return this;
    const total = this.countAt(replica) + n;
    if (!Number.isSafeInteger(total)) {
      throw new RangeError(`GCounter.increment: ${replica}'s count would exceed 2^53 - 1`);
    }
    const counts = new Map(this.counts).set(replica, total);
    const slot = new GCounter(new Map([[replica, total]]), undefined);
    return new GCounter(counts, this.delta ? this.delta.merge(slot) : slot);
  }

  /** The slot-wise maximum of both counters. The result carries no delta. */
  merge(that: GCounter): GCounter {
    if (that === this) return this.delta ? this.resetDelta() : this;
    return new GCounter(mergeCounts(this.counts, that.counts), undefined);
  }

  /** This counter without its pending delta. */
  resetDelta(): GCounter {
    return this.delta ? new GCounter(this.counts, undefined) : this;
  }

  /** True if both counters have the same slots (deltas are not compared). */
  equals(that: GCounter): boolean {
    if (this.counts.size !== that.counts.size) return false;
    for (const [r, n] of this.counts) if (that.counts.get(r) !== n) return false;
    return true;
  }

  /** The canonical wire form. */
  toWire(): GCounterWire {
    return { kind: "GCounter", counts: sortedEntries(this.counts) };
  }

  /** Reads the wire form; throws naming `where` and the bad field. */
  static fromWire(wire: unknown, where = "GCounter"): GCounter {
    const w = wire as Partial<GCounterWire> | null;
    if (w?.kind !== "GCounter") throw new TypeError(`${where}.kind: expected "GCounter"`);
    return new GCounter(countsFromEntries(w.counts, `${where}.counts`, 1), undefined);
  }

  /** `GCounter(<value>)`, for logs and demos. */
  toString(): string {
    return `GCounter(${this.value})`;
  }
}
