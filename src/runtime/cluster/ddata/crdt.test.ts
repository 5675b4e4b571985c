import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical";
import { fromWire, type ReplicatedData, toWire } from "./data";
import { GCounter } from "./gcounter";
import { type LWWEntry, LWWMap } from "./lww-map";
import { ORSet, type ORSetElement } from "./orset";
import { PNCounter } from "./pncounter";
import { VersionVector } from "./version-vector";

const RUNS = { numRuns: 300 };
const REPLICAS = ["node-a", "node-b", "node-c"] as const;
const replicaArb = fc.constantFrom(...REPLICAS);

/** Exact structural equality through the canonical wire form (no hashing). */
const same = (a: ReplicatedData, b: ReplicatedData) =>
  canonicalJson(toWire(a)) === canonicalJson(toWire(b));
const merge = <T extends ReplicatedData>(a: T, b: T): T =>
  (a.merge as (that: ReplicatedData) => T)(b);

// ---------------------------------------------------------------------------------------------
// A causal-history model. Each replica's CRDT state is paired with the set of update events it
// has seen (its own, and those it got through merges). The specification of each type is a
// function of that set alone; after every step the CRDT's value must equal it.
// ---------------------------------------------------------------------------------------------

interface Spec<T extends ReplicatedData, Op, Ev> {
  readonly name: string;
  readonly empty: T;
  readonly op: fc.Arbitrary<Op>;
  /** Applies `op` on `replica`; returns the event it creates, if it changes anything. */
  apply(state: T, replica: string, op: Op, seen: ReadonlySet<Ev>): { state: T; event?: Ev };
  /** The value the specification gives for a set of seen events. */
  expected(seen: ReadonlySet<Ev>): unknown;
  /** The CRDT's observable value, in the same shape. */
  actual(state: T): unknown;
  /** Any valid state, not only reachable ones: for the lattice laws. */
  readonly arbitrary: fc.Arbitrary<T>;
}

type Step<Op> =
  | { readonly sync: false; readonly replica: number; readonly op: Op }
  | { readonly sync: true; readonly from: number; readonly to: number };

const stepsArb = <Op>(op: fc.Arbitrary<Op>) =>
  fc.array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({ sync: fc.constant(false as const), replica: fc.nat(2), op }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ sync: fc.constant(true as const), from: fc.nat(2), to: fc.nat(2) }),
      },
    ),
    { maxLength: 40 },
  );

interface Replica<T, Ev> {
  state: T;
  seen: Set<Ev>;
}

/** Runs a history, checking every replica against the model after every step. */
function runHistory<T extends ReplicatedData, Op, Ev>(
  spec: Spec<T, Op, Ev>,
  steps: readonly Step<Op>[],
  check: (replica: Replica<T, Ev>) => void,
): Replica<T, Ev>[] {
  const replicas = REPLICAS.map(() => ({ state: spec.empty, seen: new Set<Ev>() }));
  for (const step of steps) {
    if (step.sync) {
      const from = replicas[step.from] as Replica<T, Ev>;
      const to = replicas[step.to] as Replica<T, Ev>;
      to.state = merge(to.state, from.state);
      to.seen = new Set([...to.seen, ...from.seen]);
      check(to);
    } else {
      const r = replicas[step.replica] as Replica<T, Ev>;
      const { state, event } = spec.apply(
        r.state,
        REPLICAS[step.replica] as string,
        step.op,
        r.seen,
      );
      r.state = state;
      if (event !== undefined) r.seen.add(event);
      check(r);
    }
  }
  return replicas;
}

// --- GCounter ---------------------------------------------------------------------------------

const countsArb = fc.uniqueArray(fc.tuple(replicaArb, fc.integer({ min: 1, max: 50 })), {
  selector: ([r]) => r,
  maxLength: 3,
});

const gcounterSpec: Spec<GCounter, number, { readonly n: number }> = {
  name: "GCounter",
  empty: GCounter.empty,
  op: fc.integer({ min: 0, max: 5 }),
  apply: (state, replica, n) => ({ state: state.increment(replica, n), event: { n } }),
  expected: (seen) => [...seen].reduce((sum, e) => sum + e.n, 0),
  actual: (state) => state.value,
  arbitrary: countsArb.map((counts) => GCounter.fromWire({ kind: "GCounter", counts })),
};

// --- PNCounter --------------------------------------------------------------------------------

const pncounterSpec: Spec<PNCounter, number, { readonly n: number }> = {
  name: "PNCounter",
  empty: PNCounter.empty,
  op: fc.integer({ min: -5, max: 5 }),
  // increment with a negative amount decrements, as in Akka.
  apply: (state, replica, n) => ({ state: state.increment(replica, n), event: { n } }),
  expected: (seen) => [...seen].reduce((sum, e) => sum + e.n, 0),
  actual: (state) => state.value,
  arbitrary: fc
    .tuple(countsArb, countsArb)
    .map(([increments, decrements]) =>
      PNCounter.fromWire({ kind: "PNCounter", increments, decrements }),
    ),
};

// --- ORSet ------------------------------------------------------------------------------------

const ELEMENTS: readonly ORSetElement[] = ["apple", "pear", "fig", 1, 2];
type SetOp = { readonly add: ORSetElement } | { readonly remove: ORSetElement } | "clear";
type SetEvent =
  | { readonly kind: "add"; readonly element: ORSetElement }
  | { readonly kind: "remove"; readonly removes: ReadonlySet<SetEvent> };

/** The adds of the history that no remove in the history observed. */
function survivingAdds(seen: ReadonlySet<SetEvent>): SetEvent[] {
  const removed = new Set<SetEvent>();
  for (const e of seen) if (e.kind === "remove") for (const a of e.removes) removed.add(a);
  return [...seen].filter((e) => e.kind === "add" && !removed.has(e));
}

const orsetArb: fc.Arbitrary<ORSet> = fc
  .uniqueArray(fc.tuple(replicaArb, fc.integer({ min: 1, max: 4 })), { selector: ([r]) => r })
  .chain((seen) => {
    const dotArb =
      seen.length === 0
        ? fc.constant([] as Array<[string, number]>)
        : fc.uniqueArray(
            fc
              .constantFrom(...seen)
              .chain(([r, max]) => fc.tuple(fc.constant(r), fc.integer({ min: 1, max }))),
            { selector: ([r]) => r, minLength: 1 },
          );
    const elements =
      seen.length === 0
        ? fc.constant([])
        : fc.uniqueArray(fc.tuple(fc.constantFrom(...ELEMENTS), dotArb), { selector: ([e]) => e });
    return elements.map((els) => ORSet.fromWire({ kind: "ORSet", seen, elements: els }));
  });

const orsetSpec: Spec<ORSet, SetOp, SetEvent> = {
  name: "ORSet",
  empty: ORSet.empty(),
  op: fc.oneof(
    { weight: 3, arbitrary: fc.record({ add: fc.constantFrom(...ELEMENTS) }) },
    { weight: 2, arbitrary: fc.record({ remove: fc.constantFrom(...ELEMENTS) }) },
    { weight: 1, arbitrary: fc.constant("clear" as const) },
  ),
  apply: (state, replica, op, seen) => {
    if (op === "clear" || "remove" in op) {
      // A remove (or clear) removes exactly the adds this replica has seen and not yet removed.
      const target = op === "clear" ? undefined : op.remove;
      const removes = new Set(
        survivingAdds(seen).filter(
          (a) => a.kind === "add" && (target === undefined || a.element === target),
        ),
      );
      const next = op === "clear" ? state.clear() : state.remove(op.remove);
      return { state: next, event: { kind: "remove", removes } };
    }
    return { state: state.add(replica, op.add), event: { kind: "add", element: op.add } };
  },
  expected: (seen) =>
    [...new Set(survivingAdds(seen).map((a) => (a.kind === "add" ? a.element : "")))].sort((a, b) =>
      canonicalJson(a).localeCompare(canonicalJson(b)),
    ),
  actual: (state) =>
    [...state.elements].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))),
  arbitrary: orsetArb,
};

// --- LWWMap -----------------------------------------------------------------------------------

const KEYS = ["x", "y", "z"] as const;
type MapOp =
  | { readonly put: string; readonly value: number; readonly clock: number }
  | { readonly remove: string; readonly clock: number };
interface MapEvent {
  readonly key: string;
  readonly timestamp: number;
  readonly replica: string;
  readonly value: number | null;
}

/** Akka's order: later timestamp wins; on a tie, the lower replica id. */
function winner(events: readonly MapEvent[]): MapEvent | undefined {
  let best: MapEvent | undefined;
  for (const e of events) {
    if (
      !best ||
      e.timestamp > best.timestamp ||
      (e.timestamp === best.timestamp && e.replica < best.replica)
    ) {
      best = e;
    }
  }
  return best;
}

const lwwEntryArb: fc.Arbitrary<LWWEntry<number>> = fc
  .record({
    value: fc.integer({ min: 0, max: 2 }),
    deleted: fc.boolean(),
    // Tiny ranges on purpose: equal stamps, even equal (timestamp, replica) pairs, must occur.
    timestamp: fc.integer({ min: 0, max: 2 }),
    replica: replicaArb,
  })
  .map((e) => ({ ...e, value: e.deleted ? null : e.value }));

const lwwSpec: Spec<LWWMap<number>, MapOp, MapEvent> = {
  name: "LWWMap",
  empty: LWWMap.empty<number>(),
  op: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        put: fc.constantFrom(...KEYS),
        value: fc.integer({ min: 0, max: 9 }),
        // Clocks that jump around: nodes whose clocks disagree.
        clock: fc.integer({ min: 0, max: 12 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        remove: fc.constantFrom(...KEYS),
        clock: fc.integer({ min: 0, max: 12 }),
      }),
    },
  ),
  apply: (state, replica, op, seen) => {
    const key = "put" in op ? op.put : op.remove;
    const previous = winner([...seen].filter((e) => e.key === key));
    if (!("put" in op) && !previous) return { state: state.remove(replica, key, op.clock) };
    const timestamp =
      previous && op.clock <= previous.timestamp ? previous.timestamp + 1 : op.clock;
    const value = "put" in op ? op.value : null;
    const next =
      "put" in op
        ? state.put(replica, key, op.value, op.clock)
        : state.remove(replica, key, op.clock);
    return { state: next, event: { key, timestamp, replica, value } };
  },
  expected: (seen) =>
    KEYS.flatMap((k) => {
      const w = winner([...seen].filter((e) => e.key === k));
      return w && w.value !== null ? [[k, w.value]] : [];
    }),
  actual: (state) => state.entries.map(([k, v]) => [k, v]),
  arbitrary: fc
    .uniqueArray(fc.tuple(fc.constantFrom(...KEYS), lwwEntryArb), { selector: ([k]) => k })
    .map((entries) => LWWMap.fromWire<number>({ kind: "LWWMap", entries })),
};

// ---------------------------------------------------------------------------------------------

const specs = [gcounterSpec, pncounterSpec, orsetSpec, lwwSpec] as Spec<
  ReplicatedData,
  unknown,
  unknown
>[];

/** Three replica states from one random history: related, with shared and concurrent updates. */
function reachableTriple<T extends ReplicatedData, Op, Ev>(spec: Spec<T, Op, Ev>) {
  return stepsArb(spec.op).map((steps) => {
    const [a, b, c] = runHistory(spec, steps, () => {});
    return [a?.state, b?.state, c?.state] as [T, T, T];
  });
}

function checkLaws(a: ReplicatedData, b: ReplicatedData, c: ReplicatedData): void {
  expect(same(merge(a, b), merge(b, a)), "commutative").toBe(true);
  expect(same(merge(merge(a, b), c), merge(a, merge(b, c))), "associative").toBe(true);
  expect(same(merge(a, a), a), "idempotent").toBe(true);
  expect(same(merge(merge(a, b), b), merge(a, b)), "absorbs what it has merged").toBe(true);
}

describe.each(specs.map((s) => [s.name, s] as const))("%s", (_, spec) => {
  it("merge is commutative, associative and idempotent on any valid states", () => {
    fc.assert(
      fc.property(spec.arbitrary, spec.arbitrary, spec.arbitrary, (a, b, c) => checkLaws(a, b, c)),
      RUNS,
    );
  });

  it("merge is commutative, associative and idempotent on states from one history", () => {
    fc.assert(
      fc.property(reachableTriple(spec), ([a, b, c]) => checkLaws(a, b, c)),
      RUNS,
    );
  });

  it("every replica's value equals the specification applied to the updates it has seen", () => {
    fc.assert(
      fc.property(stepsArb(spec.op), (steps) => {
        runHistory(spec, steps, (r) => expect(spec.actual(r.state)).toEqual(spec.expected(r.seen)));
      }),
      RUNS,
    );
  });

  it("survives the wire: fromWire(toWire(x)) equals x", () => {
    fc.assert(
      fc.property(spec.arbitrary, (x) => {
        const back = fromWire(JSON.parse(JSON.stringify(toWire(x))), "test");
        expect(same(back, x)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("the checks can fail", () => {
  it("the laws catch an LWW merge without a replica tie-break (keeping its own on equal stamps)", () => {
    const naive = (a: LWWMap<number>, b: LWWMap<number>) => {
      const entries = new Map(a.toWire().entries);
      for (const [k, e] of b.toWire().entries) {
        const mine = entries.get(k);
        if (!mine || e.timestamp > mine.timestamp) entries.set(k, e);
      }
      return LWWMap.fromWire<number>({ kind: "LWWMap", entries: [...entries] });
    };
    const result = fc.check(
      fc.property(lwwSpec.arbitrary, lwwSpec.arbitrary, (a, b) => same(naive(a, b), naive(b, a))),
      { ...RUNS, seed: 42 },
    );
    expect(result.failed).toBe(true);
  });

  it("the model catches a set that merges by union of elements (a remove gets undone)", () => {
    // A grow-only union: what an OR-set degenerates to without dots and a version vector.
    const unionMerge = (a: ORSet, b: ORSet) =>
      b.elements.reduce((s, e) => (s.has(e) ? s : s.add("union", e)), a);
    const result = fc.check(
      fc.property(stepsArb(orsetSpec.op), (steps) => {
        const replicas = REPLICAS.map(() => ({ state: ORSet.empty(), seen: new Set<SetEvent>() }));
        for (const step of steps) {
          if (step.sync) {
            const from = replicas[step.from] as Replica<ORSet, SetEvent>;
            const to = replicas[step.to] as Replica<ORSet, SetEvent>;
            to.state = unionMerge(to.state, from.state);
            to.seen = new Set([...to.seen, ...from.seen]);
            if (
              canonicalJson(orsetSpec.actual(to.state)) !==
              canonicalJson(orsetSpec.expected(to.seen))
            )
              return false;
          } else {
            const r = replicas[step.replica] as Replica<ORSet, SetEvent>;
            const { state, event } = orsetSpec.apply(
              r.state,
              REPLICAS[step.replica] as string,
              step.op,
              r.seen,
            );
            r.state = state;
            if (event) r.seen.add(event);
          }
        }
        return true;
      }),
      { ...RUNS, seed: 42 },
    );
    expect(result.failed).toBe(true);
  });
});

describe("add-wins", () => {
  it("an add concurrent with a remove of the same element survives the merge, either way round", () => {
    fc.assert(
      fc.property(reachableTriple(orsetSpec), fc.constantFrom(...ELEMENTS), ([shared], element) => {
        // Both replicas start from the same state, which may or may not hold the element.
        const removedOnA = shared.remove(element);
        const addedOnB = shared.add("node-b", element);
        expect(removedOnA.merge(addedOnB).has(element)).toBe(true);
        expect(addedOnB.merge(removedOnA).has(element)).toBe(true);
        // ...while a remove that has seen the add wins over it.
        expect(addedOnB.remove(element).merge(addedOnB).has(element)).toBe(false);
      }),
      RUNS,
    );
  });

  it("a re-add after a remove is not undone by a stale copy of the old add", () => {
    const v1 = ORSet.empty<string>().add("a", "x");
    const removed = v1.remove("x");
    const readded = removed.add("a", "x");
    expect(readded.merge(v1).has("x")).toBe(true);
    expect(removed.merge(v1).has("x")).toBe(false);
    expect(v1.merge(removed).has("x")).toBe(false);
  });
});

describe("examples and bad input", () => {
  it("counters", () => {
    const a = GCounter.empty.increment("n1", 2);
    const b = GCounter.empty.increment("n2");
    expect(a.merge(b).value).toBe(3);
    expect(a.merge(b).merge(b).value).toBe(3);
    expect(a.delta?.value).toBe(2);
    expect(a.increment("n1").delta?.countAt("n1")).toBe(3);
    expect(a.resetDelta().delta).toBeUndefined();
    const stock = PNCounter.empty.increment("n1", 10).decrement("n2", 3);
    expect(stock.value).toBe(7);
    expect(stock.delta?.value).toBe(7);
    expect(stock.merge(PNCounter.empty.decrement("n3")).value).toBe(6);
    expect(() => GCounter.empty.increment("n1", -1)).toThrow(/non-negative safe integer, got -1/);
    expect(() => GCounter.empty.increment("", 1)).toThrow(/GCounter.increment: the replica id/);
  });

  it("LWWMap: later stamp wins, lower replica wins ties, a lagging clock still moves forward", () => {
    const a = LWWMap.empty<number>().put("n1", "k", 3, 1_000);
    const b = LWWMap.empty<number>().put("n2", "k", 5, 2_000);
    expect(a.merge(b).get("k")).toBe(5);
    expect(b.merge(a).get("k")).toBe(5);
    const tie = LWWMap.empty<number>().put("n2", "k", 7, 1_000);
    expect(a.merge(tie).get("k")).toBe(3);
    expect(tie.merge(a).get("k")).toBe(3);
    const removed = a.merge(b).remove("n1", "k", 1_500);
    expect(removed.has("k")).toBe(false);
    expect(removed.entry("k")?.timestamp).toBe(2_001);
    expect(removed.merge(b).has("k")).toBe(false);
    expect(removed.delta?.entry("k")?.deleted).toBe(true);
    expect(() => LWWMap.empty().put("n1", "k", new Map() as never, 0)).toThrow(
      /LWWMap.put\("k"\) value: a Map is not plain JSON data/,
    );
    expect(() => LWWMap.empty().put("n1", "k", { at: Number.NaN }, 0)).toThrow(
      /value.at: NaN is not a finite number/,
    );
  });

  it("version vectors order events", () => {
    const a = VersionVector.empty.increment("n1");
    const b = VersionVector.empty.increment("n2");
    expect(a.compare(b)).toBe("concurrent");
    expect(a.merge(b).compare(a)).toBe("after");
    expect(a.compare(a.merge(b))).toBe("before");
    expect(a.compare(VersionVector.fromEntries([["n1", 1]]))).toBe("same");
  });

  it("malformed wire data is rejected with the field named", () => {
    expect(() => fromWire({ kind: "Bag" }, "msg.data")).toThrow(
      'msg.data.kind: unknown replicated data kind "Bag"',
    );
    expect(() => fromWire({ kind: "GCounter", counts: [["n1", 1.5]] }, "msg.data")).toThrow(
      "msg.data.counts[0]: 1.5 is not a safe integer >= 1",
    );
    expect(() =>
      fromWire({ kind: "ORSet", seen: [["n1", 1]], elements: [["x", [["n1", 2]]]] }, "msg.data"),
    ).toThrow("msg.data.elements[0]: dot n1:2 is not in seen");
    expect(() =>
      fromWire(
        {
          kind: "LWWMap",
          entries: [["k", { value: 1, deleted: false, timestamp: "x", replica: "n1" }]],
        },
        "msg.data",
      ),
    ).toThrow("msg.data.entries[0][1].timestamp: expected a finite number");
  });
});
