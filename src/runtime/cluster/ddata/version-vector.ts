import { compareStrings } from "./canonical";

/**
 * Identifies one replica: one incarnation of one node. The cluster passes a node's unique
 * address (address plus UID) as text, so a restarted node never reuses its old counters.
 */
export type ReplicaId = string;

/** Entries of a per-replica counter map as they travel: `[replica, count]`, sorted by replica. */
export type CountEntries = ReadonlyArray<readonly [ReplicaId, number]>;

/** How two version vectors relate causally. */
export type VersionOrder = "same" | "before" | "after" | "concurrent";

/**
 * A version vector: for each replica, how many of its events have been seen. It answers "has
 * this replica seen that event?", which is how an {@link ORSet} tells a remove that observed an
 * add from an add it never saw.
 *
 * Cluster gossip uses the same type as its version (Akka calls that one `VectorClock`, and the
 * cluster module re-exports this class under that name): each node that changes the membership
 * increments its own entry, so two gossips can be ordered, or found concurrent and merged.
 *
 * Immutable: every operation returns a new vector (or this one, when nothing changes).
 *
 * @example Concurrent updates and their merge
 * ```ts
 * const a = VersionVector.empty.increment("node-1"); // node-1: 1
 * const b = VersionVector.empty.increment("node-2"); // node-2: 1
 * a.compare(b); // "concurrent"
 * a.merge(b).compare(a); // "after"
 * a.merge(b).contains("node-1", 1); // true
 * ```
 */
export class VersionVector {
  /** The vector no replica has incremented yet: before every other. */
  static readonly empty = new VersionVector(new Map());

  private constructor(private readonly versions: ReadonlyMap<ReplicaId, number>) {}

  /**
   * Builds a vector from `[replica, version]` pairs; throws naming `where` and the entry if a
   * version is not a positive safe integer or a replica appears twice.
   */
  static fromEntries(entries: CountEntries, where = "VersionVector"): VersionVector {
    return new VersionVector(countsFromEntries(entries, where, 1));
  }

  /** The number of events of `replica` seen (0 if none). */
  versionAt(replica: ReplicaId): number {
    return this.versions.get(replica) ?? 0;
  }

  /** True if event number `version` of `replica` has been seen. */
  contains(replica: ReplicaId, version: number): boolean {
    return version <= this.versionAt(replica);
  }

  /** This vector with one more event of `replica`. */
  increment(replica: ReplicaId): VersionVector {
    const next = new Map(this.versions);
    next.set(replica, this.versionAt(replica) + 1);
    return new VersionVector(next);
  }

  /** The pointwise maximum: everything either vector has seen. */
  merge(that: VersionVector): VersionVector {
    // Gossip merges a vector with itself often; skip the copy.
    if (that === this) return this;
    return new VersionVector(mergeCounts(this.versions, that.versions));
  }

  /**
   * This vector without `replica`'s entry, for when that replica is removed for good and its
   * history no longer matters (Akka's pruning).
   */
  prune(replica: ReplicaId): VersionVector {
    if (!this.versions.has(replica)) return this;
    const next = new Map(this.versions);
    next.delete(replica);
    return new VersionVector(next);
  }

  /**
   * Whether this vector happened before, after, at the same point as, or concurrently with
   * `that`: "before" means `that` has seen everything this one has, and more.
   */
  compare(that: VersionVector): VersionOrder {
    if (that === this) return "same";
    let less = false;
    let greater = false;
    for (const replica of new Set([...this.versions.keys(), ...that.versions.keys()])) {
      const mine = this.versionAt(replica);
      const theirs = that.versionAt(replica);
      if (mine < theirs) less = true;
      if (mine > theirs) greater = true;
    }
    if (less && greater) return "concurrent";
    if (less) return "before";
    if (greater) return "after";
    return "same";
  }

  /** `[replica, version]` pairs sorted by replica: the wire form and a canonical order. */
  entries(): CountEntries {
    return sortedEntries(this.versions);
  }

  /** `VersionVector(replica: version, …)`, for logs and demos. */
  toString(): string {
    return `VersionVector(${this.entries()
      .map(([r, v]) => `${r}: ${v}`)
      .join(", ")})`;
  }
}

/** @internal Pointwise maximum of two counter maps. */
export function mergeCounts(
  a: ReadonlyMap<ReplicaId, number>,
  b: ReadonlyMap<ReplicaId, number>,
): ReadonlyMap<ReplicaId, number> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const merged = new Map(a);
  for (const [replica, n] of b) {
    if (n > (merged.get(replica) ?? 0)) merged.set(replica, n);
  }
  return merged;
}

/** @internal Sorted `[replica, count]` pairs of a counter map. */
export function sortedEntries(counts: ReadonlyMap<ReplicaId, number>): CountEntries {
  return [...counts].sort((x, y) => compareStrings(x[0], y[0]));
}

/**
 * @internal Reads `[replica, count]` pairs sent over the wire, rejecting anything malformed with
 * a message that names the field and entry.
 */
export function countsFromEntries(
  entries: unknown,
  where: string,
  min: number,
): Map<ReplicaId, number> {
  if (!Array.isArray(entries)) throw new TypeError(`${where}: expected an array of [replica, n]`);
  const counts = new Map<ReplicaId, number>();
  entries.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new TypeError(`${where}[${i}]: expected a [replica, n] pair`);
    }
    const [replica, n] = entry as [unknown, unknown];
    if (typeof replica !== "string" || replica === "") {
      throw new TypeError(`${where}[${i}]: the replica id must be a non-empty string`);
    }
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min) {
      throw new TypeError(`${where}[${i}]: ${String(n)} is not a safe integer >= ${min}`);
    }
    if (counts.has(replica)) throw new TypeError(`${where}[${i}]: replica ${replica} repeats`);
    counts.set(replica, n);
  });
  return counts;
}
