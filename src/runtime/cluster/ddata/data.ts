import { canonicalJson, digest, type JsonValue } from "./canonical";
import { GCounter, type GCounterWire } from "./gcounter";
import { LWWMap, type LWWMapWire } from "./lww-map";
import { ORSet, type ORSetElement, type ORSetWire } from "./orset";
import { PNCounter, type PNCounterWire } from "./pncounter";

/** Any value the {@link Replicator} can hold. */
export type ReplicatedData = GCounter | PNCounter | ORSet<ORSetElement> | LWWMap<unknown>;

/** The type tag of a replicated value: `"GCounter"`, `"PNCounter"`, `"ORSet"` or `"LWWMap"`. */
export type DataKind = ReplicatedData["kind"];

/** A replicated value as it travels: plain JSON data, safe for `postMessage`. */
export type ReplicatedDataWire = GCounterWire | PNCounterWire | ORSetWire | LWWMapWire<unknown>;

/**
 * Names one replicated value and fixes its type, like Akka's `GCounterKey("hits")`. Every node
 * uses the same key for the same value; the kind guards against two nodes disagreeing on the type.
 */
export interface Key<T extends ReplicatedData> {
  readonly id: string;
  readonly kind: T["kind"];
}

function key<T extends ReplicatedData>(id: string, kind: T["kind"]): Key<T> {
  if (typeof id !== "string" || id === "") {
    throw new TypeError(`${kind}Key: the key id must be a non-empty string`);
  }
  return { id, kind };
}

/**
 * The key of a grow-only counter.
 *
 * @example A key, then a local update under it
 * ```ts
 * declare const replicator: Replicator;
 * const Hits = GCounterKey("hits");
 * replicator.update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeLocal);
 * ```
 */
export const GCounterKey = (id: string): Key<GCounter> => key(id, "GCounter");
/** The key of an up-and-down counter. @example const Stock = PNCounterKey("stock"); */
export const PNCounterKey = (id: string): Key<PNCounter> => key(id, "PNCounter");
/** The key of an add-wins set. @example const Cart = ORSetKey<string>("cart-42"); */
export const ORSetKey = <E extends ORSetElement>(id: string): Key<ORSet<E>> =>
  key(id, "ORSet") as Key<ORSet<E>>;
/** The key of a last-writer-wins map. @example const Seats = LWWMapKey<string>("seats"); */
export const LWWMapKey = <V = JsonValue>(id: string): Key<LWWMap<V>> =>
  key(id, "LWWMap") as Key<LWWMap<V>>;

/** Raised when two values under one key have different types: a programming error to report. */
export class DataKindMismatchError extends TypeError {
  constructor(
    readonly key: string,
    readonly expected: DataKind,
    readonly actual: string,
  ) {
    super(`key ${JSON.stringify(key)} holds a ${expected}, but a ${actual} was given`);
    this.name = "DataKindMismatchError";
  }
}

/** Merges two values of the same kind; throws {@link DataKindMismatchError} otherwise. */
export function mergeData<T extends ReplicatedData>(keyId: string, a: T, b: ReplicatedData): T {
  if (a.kind !== b.kind) throw new DataKindMismatchError(keyId, a.kind, b.kind);
  // The kinds match, so `b` has `a`'s class; TypeScript cannot see through the union.
  return (a.merge as (that: ReplicatedData) => T)(b);
}

/** The pending delta of a value, for the kinds that track one (ORSet does not). */
export function deltaOf(data: ReplicatedData): ReplicatedData | undefined {
  return data.kind === "ORSet" ? undefined : data.delta;
}

/** The value without its pending delta. */
export function withoutDelta<T extends ReplicatedData>(data: T): T {
  return (data.kind === "ORSet" ? data : data.resetDelta()) as T;
}

/** The canonical wire form of any replicated value. */
export function toWire(data: ReplicatedData): ReplicatedDataWire {
  return data.toWire() as ReplicatedDataWire;
}

/** Reads any replicated value from its wire form; throws naming `where` and the bad field. */
export function fromWire(wire: unknown, where: string): ReplicatedData {
  const kind = (wire as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "GCounter":
      return GCounter.fromWire(wire, where);
    case "PNCounter":
      return PNCounter.fromWire(wire, where);
    case "ORSet":
      return ORSet.fromWire(wire, where);
    case "LWWMap":
      return LWWMap.fromWire(wire, where);
    default:
      throw new TypeError(`${where}.kind: unknown replicated data kind ${JSON.stringify(kind)}`);
  }
}

/** A short digest of a value's canonical form: equal values have equal digests. */
export function digestOf(data: ReplicatedData): string {
  return digest(canonicalJson(data.toWire()));
}
