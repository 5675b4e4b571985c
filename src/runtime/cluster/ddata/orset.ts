import { compareStrings } from "./canonical";
import { checkReplica } from "./gcounter";
import {
  type CountEntries,
  countsFromEntries,
  type ReplicaId,
  sortedEntries,
  VersionVector,
} from "./version-vector";

/** What an {@link ORSet} can hold: values that are equal exactly when `===` says so. */
export type ORSetElement = string | number;

/** An {@link ORSet} as it travels between replicas. */
export interface ORSetWire<E extends ORSetElement = ORSetElement> {
  readonly kind: "ORSet";
  /** Every add seen, as a version vector. */
  readonly seen: CountEntries;
  /** Each present element with the dots (add events) that keep it present. */
  readonly elements: ReadonlyArray<readonly [E, CountEntries]>;
}

/** A dot set with at most one dot per replica: replica → that replica's add number. */
type Dots = ReadonlyMap<ReplicaId, number>;

/** Numbers before strings; numbers by value, strings by code unit. One order on every engine. */
function compareElements(a: ORSetElement, b: ORSetElement): number {
  if (typeof a === "number") return typeof b === "number" ? a - b : -1;
  return typeof b === "number" ? 1 : compareStrings(a, b);
}

function checkElement(element: unknown, where: string): asserts element is ORSetElement {
  if (typeof element === "string") return;
  if (typeof element === "number" && Number.isFinite(element)) return;
  throw new TypeError(`${where}: an ORSet element must be a string or a finite number`);
}

/**
 * An observed-remove set with add-wins semantics, after Akka's `ORSet`.
 *
 * Every add is an event with a dot: the adding replica and its add number. An element is present
 * while at least one of its dots survives. A remove deletes the dots this replica has seen, and
 * the set's version vector remembers them as seen. On merge, a dot one side lacks is dropped only
 * if that side has seen it (it was removed there); a dot it has not seen is a concurrent add and
 * is kept. So a remove only removes the adds it observed, and an add concurrent with a remove
 * wins.
 *
 * Immutable. Elements are strings or numbers (the element `1` and `"1"` are different).
 *
 * @example A concurrent add wins over a remove
 * ```ts
 * const base = ORSet.empty<string>().add("node-1", "apple");
 * const removed = base.remove("apple"); // on node-1
 * const readded = base.add("node-2", "apple"); // on node-2, concurrently
 * removed.merge(readded).has("apple"); // true: add wins
 * removed.merge(base).has("apple"); // false: the remove saw that add
 * ```
 */
export class ORSet<E extends ORSetElement = ORSetElement> {
  readonly kind = "ORSet" as const;
  private static readonly emptySet = new ORSet<never>(new Map<never, Dots>(), VersionVector.empty);

  private constructor(
    private readonly dots: ReadonlyMap<E, Dots>,
    /** Every add event this replica has seen, whether or not it was later removed. */
    readonly seen: VersionVector,
  ) {}

  /** The empty set, typed for its elements. */
  static empty<E extends ORSetElement>(): ORSet<E> {
    return ORSet.emptySet as ORSet<E>;
  }

  /** The elements, in a canonical order (numbers first, then strings). */
  get elements(): readonly E[] {
    return [...this.dots.keys()].sort(compareElements);
  }

  /** How many elements the set holds. */
  get size(): number {
    return this.dots.size;
  }

  /** True when `element` is in the set. */
  has(element: E): boolean {
    return this.dots.has(element);
  }

  /**
   * Adds `element` on `replica`. The new dot supersedes the element's dots seen so far (they are
   * all in {@link ORSet.seen}), so a remove elsewhere that saw only older adds cannot undo it.
   */
  add(replica: ReplicaId, element: E): ORSet<E> {
    checkReplica(replica, "ORSet.add");
    checkElement(element, "ORSet.add");
    const seen = this.seen.increment(replica);
    const dots = new Map(this.dots).set(element, new Map([[replica, seen.versionAt(replica)]]));
    return new ORSet(dots, seen);
  }

  /** Removes `element`, that is, every add of it this replica has seen. */
  remove(element: E): ORSet<E> {
    if (!this.dots.has(element)) return this;
    const dots = new Map(this.dots);
    dots.delete(element);
    return new ORSet(dots, this.seen);
  }

  /** Removes every element this replica has seen added. */
  clear(): ORSet<E> {
    return this.dots.size === 0 ? this : new ORSet(new Map(), this.seen);
  }

  /**
   * The join of both sets: a dot survives if both sides have it, or if one side has it and the
   * other has never seen it. Elements left without dots are gone.
   */
  merge(that: ORSet<E>): ORSet<E> {
    if (that === this) return this;
    const dots = new Map<E, Dots>();
    for (const element of new Set([...this.dots.keys(), ...that.dots.keys()])) {
      const kept = mergeDots(this.dots.get(element), this.seen, that.dots.get(element), that.seen);
      if (kept) dots.set(element, kept);
    }
    return new ORSet(dots, this.seen.merge(that.seen));
  }

  /** True if both sets hold the same dots and have seen the same adds. */
  equals(that: ORSet<E>): boolean {
    if (this.dots.size !== that.dots.size || this.seen.compare(that.seen) !== "same") return false;
    for (const [element, mine] of this.dots) {
      const theirs = that.dots.get(element);
      if (!theirs || theirs.size !== mine.size) return false;
      for (const [r, n] of mine) if (theirs.get(r) !== n) return false;
    }
    return true;
  }

  /** The canonical wire form. */
  toWire(): ORSetWire<E> {
    return {
      kind: "ORSet",
      seen: this.seen.entries(),
      elements: this.elements.map((e) => [e, sortedEntries(this.dots.get(e) as Dots)] as const),
    };
  }

  /**
   * Reads the wire form; throws naming `where` and the bad field, including a dot that the
   * set's own version vector claims not to have seen.
   */
  static fromWire<E extends ORSetElement = ORSetElement>(wire: unknown, where = "ORSet"): ORSet<E> {
    const w = wire as Partial<ORSetWire<E>> | null;
    if (w?.kind !== "ORSet") throw new TypeError(`${where}.kind: expected "ORSet"`);
    const seen = VersionVector.fromEntries(w.seen as CountEntries, `${where}.seen`);
    if (!Array.isArray(w.elements)) throw new TypeError(`${where}.elements: expected an array`);
    const dots = new Map<E, Dots>();
    w.elements.forEach((entry, i) => {
      const at = `${where}.elements[${i}]`;
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new TypeError(`${at}: expected an [element, dots] pair`);
      }
      const [element, rawDots] = entry;
      checkElement(element, at);
      if (dots.has(element as E)) throw new TypeError(`${at}: element ${element} repeats`);
      const parsed = countsFromEntries(rawDots, `${at}[1]`, 1);
      if (parsed.size === 0) throw new TypeError(`${at}: an element needs at least one dot`);
      for (const [r, n] of parsed) {
        if (!seen.contains(r, n)) throw new TypeError(`${at}: dot ${r}:${n} is not in seen`);
      }
      dots.set(element as E, parsed);
    });
    return new ORSet(dots, seen);
  }

  /** `ORSet(<elements>)`, for logs and demos. */
  toString(): string {
    return `ORSet(${this.elements.map((e) => JSON.stringify(e)).join(", ")})`;
  }
}

/**
 * One element's dots after a merge. Each replica contributes at most one dot per element (a new
 * add supersedes that replica's earlier ones), so a dot is kept if both sides hold it or the
 * other side has not seen it yet.
 */
function mergeDots(
  mine: Dots | undefined,
  mySeen: VersionVector,
  theirs: Dots | undefined,
  theirSeen: VersionVector,
): Dots | undefined {
  const kept = new Map<ReplicaId, number>();
  if (mine) {
    for (const [r, n] of mine) {
      if (theirs?.get(r) === n || !theirSeen.contains(r, n)) kept.set(r, n);
    }
  }
  if (theirs) {
    for (const [r, n] of theirs) {
      if (!kept.has(r) && !mySeen.contains(r, n)) kept.set(r, n);
    }
  }
  return kept.size > 0 ? kept : undefined;
}
