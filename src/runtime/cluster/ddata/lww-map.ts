import { assertJson, canonicalJson, compareStrings, type JsonValue } from "./canonical";
import { checkReplica } from "./gcounter";
import type { ReplicaId } from "./version-vector";

/**
 * One key's latest write in an {@link LWWMap}: a value, or a tombstone when `deleted`, stamped
 * with the writer's clock and id.
 */
export interface LWWEntry<V> {
  /** The value written; `null` for a tombstone. */
  readonly value: V | null;
  readonly deleted: boolean;
  /** The writer's clock when it wrote, in milliseconds, bumped past the write it replaced. */
  readonly timestamp: number;
  /** The replica that wrote: the tie-break between equal timestamps. */
  readonly replica: ReplicaId;
}

/** An {@link LWWMap} as it travels between replicas: entries sorted by key. */
export interface LWWMapWire<V = JsonValue> {
  readonly kind: "LWWMap";
  readonly entries: ReadonlyArray<readonly [string, LWWEntry<V>]>;
}

/**
 * The total order on writes: the later timestamp wins; on equal timestamps the lower replica id
 * wins (Akka's rule); two writes with the same stamp (which a well-behaved replica never makes)
 * are settled by their canonical JSON, so merge stays commutative whatever it is given.
 */
function wins<V>(a: LWWEntry<V>, b: LWWEntry<V>): boolean {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  if (a.replica !== b.replica) return a.replica < b.replica;
  return canonicalJson([a.deleted, a.value]) >= canonicalJson([b.deleted, b.value]);
}

/**
 * A map whose keys each hold the last value written, after Akka's `LWWMap`: concurrent writes to
 * one key are settled by timestamp, then by replica id, so every replica picks the same winner.
 *
 * Clocks on different nodes disagree, so "last" means "highest stamp", not "latest in real time".
 * To keep a replica's own writes in order even when its clock lags, a write's timestamp is
 * `max(clock, previous + 1)` where `previous` is the stamp of the entry it replaces.
 *
 * A remove writes a tombstone under the same rule: a put with a higher stamp brings the key back.
 * (Akka's LWWMap is an ORMap, where a concurrent put beats a remove; here the stamp decides.)
 * Tombstones are kept so a late, older put cannot resurrect the key.
 *
 * Immutable; values must be JSON data. After a put or remove, {@link LWWMap.delta} holds just
 * the written entries.
 *
 * @example The later write wins, on every replica
 * ```ts
 * const a = LWWMap.empty<number>().put("node-1", "alice", 3, 1_000);
 * const b = LWWMap.empty<number>().put("node-2", "alice", 5, 2_000);
 * a.merge(b).get("alice"); // 5: the later stamp
 * b.merge(a).get("alice"); // 5: the same on every replica
 * a.merge(b).remove("node-1", "alice", 1_500).has("alice"); // false: stamped 2_001
 * ```
 */
export class LWWMap<V = JsonValue> {
  readonly kind = "LWWMap" as const;
  private static readonly emptyMap = new LWWMap<never>(new Map(), undefined);

  private constructor(
    private readonly stamped: ReadonlyMap<string, LWWEntry<V>>,
    /** The entries written since the last {@link LWWMap.resetDelta}, if any. */
    readonly delta: LWWMap<V> | undefined,
  ) {}

  /** The empty map, typed for its values. */
  static empty<V = JsonValue>(): LWWMap<V> {
    return LWWMap.emptyMap as LWWMap<V>;
  }

  /** The value under `key`, or undefined if it was never written or was removed. */
  get(key: string): V | undefined {
    const entry = this.stamped.get(key);
    return entry && !entry.deleted ? (entry.value as V) : undefined;
  }

  /** True when `key` has a live (not removed) value. */
  has(key: string): boolean {
    const entry = this.stamped.get(key);
    return entry !== undefined && !entry.deleted;
  }

  /** The live `[key, value]` pairs, sorted by key. */
  get entries(): ReadonlyArray<readonly [string, V]> {
    return this.sortedKeys()
      .map((k) => [k, this.stamped.get(k) as LWWEntry<V>] as const)
      .filter(([, e]) => !e.deleted)
      .map(([k, e]) => [k, e.value as V] as const);
  }

  /** How many keys have a live value. */
  get size(): number {
    let n = 0;
    for (const e of this.stamped.values()) if (!e.deleted) n++;
    return n;
  }

  /** The winning write for `key`, tombstones included: what merge compares. */
  entry(key: string): LWWEntry<V> | undefined {
    return this.stamped.get(key);
  }

  /** Writes `value` under `key` on `replica`, stamped `max(clock, previous + 1)`. */
  put(replica: ReplicaId, key: string, value: V, clock: number): LWWMap<V> {
    checkReplica(replica, "LWWMap.put");
    assertJson(value, `LWWMap.put(${JSON.stringify(key)}) value`);
    return this.write(key, {
      value,
      deleted: false,
      replica,
      timestamp: this.stampFor(key, clock),
    });
  }

  /** Removes `key` on `replica` by writing a tombstone stamped `max(clock, previous + 1)`. */
  remove(replica: ReplicaId, key: string, clock: number): LWWMap<V> {
    checkReplica(replica, "LWWMap.remove");
    if (!this.stamped.has(key)) return this;
    return this.write(key, {
      value: null,
      deleted: true,
      replica,
      timestamp: this.stampFor(key, clock),
    });
  }

  /** Per key, the winning write of the two maps. The result carries no delta. */
  merge(that: LWWMap<V>): LWWMap<V> {
    if (that === this) return this.resetDelta();
    const merged = new Map(this.stamped);
    for (const [key, theirs] of that.stamped) {
      const mine = merged.get(key);
      if (!mine || !wins(mine, theirs)) merged.set(key, theirs);
    }
    return new LWWMap(merged, undefined);
  }

  /** This map without its pending delta. */
  resetDelta(): LWWMap<V> {
    return this.delta ? new LWWMap(this.stamped, undefined) : this;
  }

  /** True if both maps hold the same winning writes, tombstones included. */
  equals(that: LWWMap<V>): boolean {
    return canonicalJson(this.toWire()) === canonicalJson(that.toWire());
  }

  /** The canonical wire form. */
  toWire(): LWWMapWire<V> {
    return {
      kind: "LWWMap",
      entries: this.sortedKeys().map((k) => [k, this.stamped.get(k) as LWWEntry<V>] as const),
    };
  }

  /** Reads the wire form; throws naming `where` and the bad field. */
  static fromWire<V = JsonValue>(wire: unknown, where = "LWWMap"): LWWMap<V> {
    const w = wire as Partial<LWWMapWire<V>> | null;
    if (w?.kind !== "LWWMap") throw new TypeError(`${where}.kind: expected "LWWMap"`);
    if (!Array.isArray(w.entries)) throw new TypeError(`${where}.entries: expected an array`);
    const stamped = new Map<string, LWWEntry<V>>();
    w.entries.forEach((pair, i) => {
      const at = `${where}.entries[${i}]`;
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`${at}: expected a [key, entry] pair`);
      }
      const [key, raw] = pair as [unknown, Partial<LWWEntry<V>> | null];
      if (typeof key !== "string") throw new TypeError(`${at}[0]: the key must be a string`);
      if (stamped.has(key)) throw new TypeError(`${at}: key ${JSON.stringify(key)} repeats`);
      if (typeof raw?.timestamp !== "number" || !Number.isFinite(raw.timestamp)) {
        throw new TypeError(`${at}[1].timestamp: expected a finite number`);
      }
      checkReplica(raw.replica, `${at}[1].replica`);
      if (typeof raw.deleted !== "boolean") {
        throw new TypeError(`${at}[1].deleted: expected a boolean`);
      }
      if (raw.deleted && raw.value !== null) {
        throw new TypeError(`${at}[1].value: a tombstone's value must be null`);
      }
      assertJson(raw.value, `${at}[1].value`);
      stamped.set(key, {
        value: raw.value as V | null,
        deleted: raw.deleted,
        timestamp: raw.timestamp,
        replica: raw.replica,
      });
    });
    return new LWWMap(stamped, undefined);
  }

  /** `LWWMap(key -> value, …)`, for logs and demos. */
  toString(): string {
    return `LWWMap(${this.entries.map(([k, v]) => `${k} -> ${JSON.stringify(v)}`).join(", ")})`;
  }

  private stampFor(key: string, clock: number): number {
    if (!Number.isFinite(clock))
      throw new RangeError(`LWWMap: the clock must be finite, got ${clock}`);
    const previous = this.stamped.get(key)?.timestamp;
    return previous !== undefined && clock <= previous ? previous + 1 : clock;
  }

  private write(key: string, entry: LWWEntry<V>): LWWMap<V> {
    const stamped = new Map(this.stamped).set(key, entry);
    const written = new Map(this.delta?.stamped ?? []).set(key, entry);
    return new LWWMap(stamped, new LWWMap(written, undefined));
  }

  private sortedKeys(): string[] {
    return [...this.stamped.keys()].sort(compareStrings);
  }
}
