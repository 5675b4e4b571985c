import { checkAmount, GCounter, type GCounterWire } from "./gcounter";
import type { ReplicaId } from "./version-vector";

/** A {@link PNCounter} as it travels between replicas. */
export interface PNCounterWire {
  readonly kind: "PNCounter";
  readonly increments: GCounterWire["counts"];
  readonly decrements: GCounterWire["counts"];
}

/**
 * A counter that goes up and down: two {@link GCounter}s, one for increments and one for
 * decrements. Its value is their difference, so it can go negative.
 *
 * Immutable; carries a {@link PNCounter.delta} like GCounter does.
 *
 * @example Stock that goes up and down on different replicas
 * ```ts
 * const stock = PNCounter.empty.increment("node-1", 10).decrement("node-2", 3);
 * stock.value; // 7
 * stock.merge(PNCounter.empty.decrement("node-3")).value; // 6
 * ```
 */
export class PNCounter {
  readonly kind = "PNCounter" as const;
  static readonly empty = new PNCounter(GCounter.empty, GCounter.empty);

  private constructor(
    /** Every increment, by replica. */
    readonly increments: GCounter,
    /** Every decrement, by replica. */
    readonly decrements: GCounter,
  ) {}

  /** Increments minus decrements. */
  get value(): number {
    return this.increments.value - this.decrements.value;
  }

  /** The changes since the last {@link PNCounter.resetDelta}, if any, as a small PNCounter. */
  get delta(): PNCounter | undefined {
    const inc = this.increments.delta;
    const dec = this.decrements.delta;
    if (!inc && !dec) return undefined;
    return new PNCounter(inc ?? GCounter.empty, dec ?? GCounter.empty);
  }

  /** Adds `n` on `replica`; a negative `n` decrements instead, as in Akka. */
  increment(replica: ReplicaId, n = 1): PNCounter {
    if (n < 0) return this.decrement(replica, -n);
    checkAmount(n, "PNCounter.increment");
    return new PNCounter(this.increments.increment(replica, n), this.decrements);
  }

  /** Subtracts `n` (default 1) on `replica`; a negative `n` increments instead. */
  decrement(replica: ReplicaId, n = 1): PNCounter {
    if (n < 0) return this.increment(replica, -n);
    checkAmount(n, "PNCounter.decrement");
    return new PNCounter(this.increments, this.decrements.increment(replica, n));
  }

  /** Merges increments with increments and decrements with decrements. */
  merge(that: PNCounter): PNCounter {
    return new PNCounter(
      this.increments.merge(that.increments),
      this.decrements.merge(that.decrements),
    );
  }

  /** This counter without its pending delta. */
  resetDelta(): PNCounter {
    if (!this.increments.delta && !this.decrements.delta) return this;
    return new PNCounter(this.increments.resetDelta(), this.decrements.resetDelta());
  }

  /** True if both counters hold the same increments and decrements. */
  equals(that: PNCounter): boolean {
    return this.increments.equals(that.increments) && this.decrements.equals(that.decrements);
  }

  /** The canonical wire form. */
  toWire(): PNCounterWire {
    return {
      kind: "PNCounter",
      increments: this.increments.toWire().counts,
      decrements: this.decrements.toWire().counts,
    };
  }

  /** Reads the wire form; throws naming `where` and the bad field. */
  static fromWire(wire: unknown, where = "PNCounter"): PNCounter {
    const w = wire as Partial<PNCounterWire> | null;
    if (w?.kind !== "PNCounter") throw new TypeError(`${where}.kind: expected "PNCounter"`);
    return new PNCounter(
      GCounter.fromWire({ kind: "GCounter", counts: w.increments }, `${where}.increments`),
      GCounter.fromWire({ kind: "GCounter", counts: w.decrements }, `${where}.decrements`),
    );
  }

  /** `PNCounter(<value>)`, for logs and demos. */
  toString(): string {
    return `PNCounter(${this.value})`;
  }
}
