import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/random";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import {
  type Consistency,
  readAll,
  readLocal,
  readMajority,
  writeAll,
  writeLocal,
  writeMajority,
} from "./consistency";
import { GCounterKey, LWWMapKey, ORSetKey, PNCounterKey } from "./data";
import { GCounter } from "./gcounter";
import { type LoopbackFaults, LoopbackNetwork } from "./loopback-network";
import { LWWMap } from "./lww-map";
import { ORSet } from "./orset";
import { PNCounter } from "./pncounter";
import type { ReplicatorMessage } from "./protocol";
import {
  type GetResponse,
  Replicator,
  type ReplicatorEvent,
  type UpdateResponse,
} from "./replicator";

const Hits = GCounterKey("hits");
const Stock = PNCounterKey("stock");
const Cart = ORSetKey<string>("cart");
const Seats = LWWMapKey<number>("seats");

const healthy: LoopbackFaults = { dropRate: 0, minDelayMs: 1, maxDelayMs: 20 };

/** N replicators on a loopback network, all randomness forked from one seed. */
function cluster(
  size: number,
  seed: number,
  faults: LoopbackFaults = healthy,
  gossipIntervalMs = 2_000,
) {
  const scheduler = new VirtualScheduler();
  const random = new SeededRandom(seed);
  const network = new LoopbackNetwork(scheduler, random.fork("network"), faults);
  const events: ReplicatorEvent[] = [];
  const ids = Array.from({ length: size }, (_, i) => `node-${i + 1}`);
  const replicators = ids.map(
    (id) =>
      new Replicator({
        transport: network.join(id),
        random: random.fork(id),
        gossipIntervalMs,
        onEvent: (e) => events.push(e),
      }),
  );
  const node = (i: number) => replicators[i] as Replicator;
  return { scheduler, network, replicators, node, events, ids };
}

function allEqual(replicators: readonly Replicator[]): boolean {
  const first = JSON.stringify(replicators[0]?.digests());
  return replicators.every((r) => JSON.stringify(r.digests()) === first);
}

// ---------------------------------------------------------------------------------------------
// Convergence: random updates on random replicas, gossip over a lossy, reordering network, then
// a healed, quiet period. Every replica must end equal, and the counters must equal the sum of
// what was applied.
// ---------------------------------------------------------------------------------------------

type Op =
  | { readonly kind: "hit"; readonly n: number }
  | { readonly kind: "stock"; readonly n: number }
  | { readonly kind: "add" | "remove"; readonly item: string }
  | { readonly kind: "seat"; readonly seat: string; readonly who: number | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("hit" as const), n: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("stock" as const), n: fc.integer({ min: -5, max: 5 }) }),
  fc.record({
    kind: fc.constantFrom("add" as const, "remove" as const),
    item: fc.constantFrom("apple", "pear", "fig"),
  }),
  fc.record({
    kind: fc.constant("seat" as const),
    seat: fc.constantFrom("1A", "1B"),
    who: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
  }),
);

const levelArb: fc.Arbitrary<Consistency> = fc.constantFrom(
  writeLocal,
  writeLocal,
  writeMajority(1_000),
  writeAll(1_000),
);

const scenarioArb = fc.record({
  seed: fc.integer(),
  size: fc.integer({ min: 2, max: 5 }),
  dropPercent: fc.integer({ min: 0, max: 50 }),
  maxDelayMs: fc.integer({ min: 1, max: 1_000 }),
  ops: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 20_000 }),
      node: fc.nat(),
      op: opArb,
      level: levelArb,
    }),
    { maxLength: 40 },
  ),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** Runs a scenario; returns whether all replicas converged to the expected counter values. */
function converges(s: Scenario, gossipIntervalMs = 2_000, quietMs = 60_000): boolean {
  const faults = { dropRate: s.dropPercent / 100, minDelayMs: 1, maxDelayMs: s.maxDelayMs };
  const { scheduler, network, replicators, node } = cluster(
    s.size,
    s.seed,
    faults,
    gossipIntervalMs,
  );
  let hits = 0;
  let stock = 0;
  for (const { at, node: n, op, level } of s.ops) {
    const r = node(n % s.size);
    scheduler.schedule(at, () => {
      switch (op.kind) {
        case "hit":
          hits += op.n;
          r.update(Hits, GCounter.empty, (c, { self }) => c.increment(self, op.n), level);
          return;
        case "stock":
          stock += op.n;
          r.update(Stock, PNCounter.empty, (c, { self }) => c.increment(self, op.n), level);
          return;
        case "add":
          r.update(Cart, ORSet.empty(), (c, { self }) => c.add(self, op.item), level);
          return;
        case "remove":
          r.update(Cart, ORSet.empty(), (c) => c.remove(op.item), level);
          return;
        case "seat":
          r.update(
            Seats,
            LWWMap.empty(),
            (m, { self, now }) =>
              op.who === null ? m.remove(self, op.seat, now) : m.put(self, op.seat, op.who, now),
            level,
          );
      }
    });
  }
  scheduler.advanceBySync(20_000);
  network.faults = { dropRate: 0, minDelayMs: 1, maxDelayMs: s.maxDelayMs };
  scheduler.advanceBySync(quietMs);
  const hitsSeen = replicators.map((r) => r.localValue(Hits)?.value ?? 0);
  const stockSeen = replicators.map((r) => r.localValue(Stock)?.value ?? 0);
  return (
    allEqual(replicators) &&
    hitsSeen.every((v) => v === hits) &&
    stockSeen.every((v) => v === stock)
  );
}

describe("Replicator convergence", () => {
  it("after random updates over a lossy network and a healed quiet period, all replicas are equal", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => converges(s)),
      { numRuns: 200 },
    );
  });

  it("the check can fail: without gossip, local writes leave replicas apart", () => {
    const result = fc.check(
      fc.property(scenarioArb, (s) =>
        converges({ ...s, ops: s.ops.map((o) => ({ ...o, level: writeLocal })) }, 1e12),
      ),
      { numRuns: 150, seed: 7 },
    );
    expect(result.failed).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// R + W > N: a read at majority that starts after a majority write was acknowledged sees it.
// Clients write a fresh element on a random node, and on the answer read from another node.
// ---------------------------------------------------------------------------------------------

interface Trace {
  /** Global order of events: a write's ack and a read's start get increasing ticks. */
  tick: number;
  readonly acked: Array<{ readonly item: string; readonly at: number }>;
  readonly reads: Array<{ readonly at: number; readonly items: ReadonlySet<string> }>;
}

const quorumArb = fc.record({
  seed: fc.integer(),
  size: fc.integer({ min: 3, max: 7 }),
  dropPercent: fc.integer({ min: 0, max: 30 }),
  maxDelayMs: fc.integer({ min: 1, max: 300 }),
  clients: fc.integer({ min: 1, max: 3 }),
  rounds: fc.integer({ min: 1, max: 5 }),
});

function quorumTrace(
  q: typeof quorumArb extends fc.Arbitrary<infer Q> ? Q : never,
  write: Consistency,
  read: Consistency,
): Trace {
  const faults = { dropRate: q.dropPercent / 100, minDelayMs: 1, maxDelayMs: q.maxDelayMs };
  const { scheduler, node } = cluster(q.size, q.seed, faults);
  const trace: Trace = { tick: 0, acked: [], reads: [] };
  const random = new SeededRandom(q.seed).fork("clients");
  const client = (c: number, round: number) => {
    if (round >= q.rounds) return;
    const writer = random.int(0, q.size - 1);
    const reader = (writer + random.int(1, q.size - 1)) % q.size;
    const item = `c${c}-${round}`;
    node(writer).update(
      Cart,
      ORSet.empty(),
      (s, { self }) => s.add(self, item),
      write,
      (w) => {
        if (w.type === "UpdateSuccess") trace.acked.push({ item, at: trace.tick++ });
        const at = trace.tick++;
        node(reader).get(Cart, read, (r) => {
          if (r.type === "GetSuccess") trace.reads.push({ at, items: new Set(r.data.elements) });
          if (r.type === "NotFound") trace.reads.push({ at, items: new Set() });
          client(c, round + 1);
        });
      },
    );
  };
  for (let c = 0; c < q.clients; c++) client(c, 0);
  scheduler.advanceBySync(60_000);
  return trace;
}

/** Acknowledged writes that a later successful read missed. */
function missedWrites(trace: Trace): string[] {
  const missed: string[] = [];
  for (const read of trace.reads) {
    for (const w of trace.acked) if (w.at < read.at && !read.items.has(w.item)) missed.push(w.item);
  }
  return missed;
}

/** Pairs of (acknowledged write, later successful read): how much the check actually checked. */
const checkedPairs = (trace: Trace) =>
  trace.reads.reduce((n, r) => n + trace.acked.filter((w) => w.at < r.at).length, 0);

describe("Replicator quorums", () => {
  const safe: Array<[string, Consistency, Consistency]> = [
    ["majority write, majority read", writeMajority(2_000), readMajority(2_000)],
    ["all write, local read", writeAll(2_000), readLocal],
    ["local write, all read", writeLocal, readAll(2_000)],
  ];
  it.each(safe)("%s: every read sees every write acknowledged before it (R + W > N)", (_, w, r) => {
    let pairs = 0;
    fc.assert(
      fc.property(quorumArb, (q) => {
        const trace = quorumTrace(q, w, r);
        pairs += checkedPairs(trace);
        expect(missedWrites(trace)).toEqual([]);
      }),
      { numRuns: 100 },
    );
    // Not vacuous: most runs acknowledge writes and then read successfully.
    expect(pairs).toBeGreaterThan(200);
  });

  const unsafe: Array<[string, Consistency, Consistency]> = [
    ["local write, local read", writeLocal, readLocal],
    ["majority write, local read", writeMajority(2_000), readLocal],
  ];
  it.each(unsafe)("%s: the check finds a read that misses an acknowledged write", (_, w, r) => {
    const result = fc.check(
      fc.property(quorumArb, (q) => missedWrites(quorumTrace(q, w, r)).length === 0),
      { numRuns: 100, seed: 11 },
    );
    expect(result.failed).toBe(true);
    expect(result.counterexample).not.toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviour by example.
// ---------------------------------------------------------------------------------------------

/** Collects callback answers so a test can run the clock and then look. */
function answers<T>() {
  const got: T[] = [];
  return { got, push: (x: T) => got.push(x) };
}

describe("Replicator", () => {
  it("answers updates and reads at every level on a healthy network", () => {
    const { scheduler, node } = cluster(3, 1);
    const updates = answers<UpdateResponse>();
    const reads = answers<GetResponse<GCounter>>();
    node(0).update(
      Hits,
      GCounter.empty,
      (c, { self }) => c.increment(self, 2),
      writeLocal,
      updates.push,
    );
    node(1).update(
      Hits,
      GCounter.empty,
      (c, { self }) => c.increment(self, 3),
      writeMajority(1_000),
      updates.push,
    );
    node(2).update(
      Hits,
      GCounter.empty,
      (c, { self }) => c.increment(self, 4),
      writeAll(1_000),
      updates.push,
    );
    expect(updates.got).toEqual([]); // answers never arrive synchronously
    scheduler.advanceBySync(100);
    expect(updates.got.map((u) => u.type)).toEqual([
      "UpdateSuccess",
      "UpdateSuccess",
      "UpdateSuccess",
    ]);
    node(0).get(Hits, readAll(1_000), reads.push);
    scheduler.advanceBySync(100);
    expect(reads.got).toMatchObject([{ type: "GetSuccess", key: "hits" }]);
    expect(reads.got[0]?.type === "GetSuccess" && reads.got[0].data.value).toBe(9);
    expect(node(0).localValue(Hits)?.value).toBe(9); // read repair kept the merge
  });

  it("a majority write cut off from the others times out, stays local, and spreads after healing", () => {
    const { scheduler, network, node } = cluster(3, 2);
    network.isolate("node-1");
    const updates = answers<UpdateResponse>();
    node(0).update(
      Cart,
      ORSet.empty(),
      (s, { self }) => s.add(self, "apple"),
      writeMajority(1_000),
      updates.push,
    );
    scheduler.advanceBySync(1_500);
    expect(updates.got).toEqual([
      { type: "UpdateTimeout", key: "cart", acknowledged: ["node-1"], needed: 2 },
    ]);
    expect(node(0).localValue(Cart)?.has("apple")).toBe(true);
    expect(node(1).localValue(Cart)).toBeUndefined();
    network.heal();
    scheduler.advanceBySync(20_000);
    expect(node(1).localValue(Cart)?.has("apple")).toBe(true);
    expect(node(2).localValue(Cart)?.has("apple")).toBe(true);
  });

  it("a read at all fails when a member is unreachable; at majority it succeeds", () => {
    const { scheduler, network, node } = cluster(3, 3);
    network.isolate("node-3");
    const reads = answers<GetResponse<PNCounter>>();
    node(0).update(
      Stock,
      PNCounter.empty,
      (c, { self }) => c.decrement(self, 2),
      writeMajority(1_000),
    );
    scheduler.advanceBySync(100);
    node(1).get(Stock, readAll(1_000), reads.push);
    node(1).get(Stock, readMajority(1_000), reads.push);
    scheduler.advanceBySync(1_500);
    expect(reads.got.map((r) => r.type)).toEqual(["GetSuccess", "GetFailure"]);
    expect(reads.got[1]).toEqual({
      type: "GetFailure",
      key: "stock",
      reason: "timeout after 1000 ms",
    });
    expect(reads.got[0]?.type === "GetSuccess" && reads.got[0].data.value).toBe(-2);
  });

  it("a read of a key nobody holds is NotFound, at every level", () => {
    const { scheduler, node } = cluster(3, 4);
    const reads = answers<GetResponse<ORSet<string>>>();
    node(0).get(Cart, readLocal, reads.push);
    node(0).get(Cart, readMajority(500), reads.push);
    node(0).get(Cart, readAll(500), reads.push);
    scheduler.advanceBySync(600);
    expect(reads.got.map((r) => r.type)).toEqual(["NotFound", "NotFound", "NotFound"]);
  });

  it("LWW stamps come from the scheduler's clock via the update context", () => {
    const { scheduler, node } = cluster(2, 5);
    scheduler.advanceBySync(5_000);
    node(0).update(
      Seats,
      LWWMap.empty(),
      (m, { self, now }) => m.put(self, "1A", 7, now),
      writeAll(500),
    );
    scheduler.advanceBySync(600);
    expect(node(1).localValue(Seats)?.entry("1A")).toEqual({
      value: 7,
      deleted: false,
      timestamp: 5_000,
      replica: "node-1",
    });
  });

  it("a majority write sends only the delta of a counter, not the whole state", () => {
    const scheduler = new VirtualScheduler();
    const network = new LoopbackNetwork(scheduler, new SeededRandom(1), healthy);
    const sent: ReplicatorMessage[] = [];
    const transport = network.join("node-1");
    const spy = {
      ...transport,
      send: (to: string, m: ReplicatorMessage) => {
        sent.push(m);
        transport.send(to, m);
      },
    };
    const a = new Replicator({ transport: spy, random: new SeededRandom(2) });
    const b = new Replicator({ transport: network.join("node-2"), random: new SeededRandom(3) });
    b.update(Hits, GCounter.empty, (c, { self }) => c.increment(self, 5), writeAll(500));
    scheduler.advanceBySync(600);
    a.update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeAll(500));
    scheduler.advanceBySync(600);
    const write = sent.find((m) => m.type === "Write");
    expect(write).toMatchObject({ data: { kind: "GCounter", counts: [["node-1", 1]] } });
    expect(a.localValue(Hits)?.value).toBe(6);
    expect(b.localValue(Hits)?.value).toBe(6);
  });

  it("subscribers get the current value and then changes, coalesced per instant", () => {
    const { scheduler, node } = cluster(2, 6);
    node(0).update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeLocal);
    const seen: number[] = [];
    const unsubscribe = node(0).subscribe(Hits, (c) => seen.push(c.value));
    scheduler.advanceBySync(1);
    node(0).update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeLocal);
    node(0).update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeLocal);
    scheduler.advanceBySync(1);
    node(1).update(Hits, GCounter.empty, (c, { self }) => c.increment(self, 10), writeAll(500));
    scheduler.advanceBySync(100);
    unsubscribe();
    node(0).update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeLocal);
    scheduler.advanceBySync(100);
    expect(seen).toEqual([1, 3, 13]);
  });

  it("a modify that throws or returns another kind stores nothing and answers ModifyFailure", () => {
    const { scheduler, node } = cluster(2, 7);
    const updates = answers<UpdateResponse>();
    node(0).update(
      Hits,
      GCounter.empty,
      () => {
        throw new Error("no");
      },
      writeMajority(500),
      updates.push,
    );
    node(0).update(Hits, GCounter.empty, () => PNCounter.empty as never, writeLocal, updates.push);
    scheduler.advanceBySync(10);
    expect(updates.got.map((u) => u.type)).toEqual(["ModifyFailure", "ModifyFailure"]);
    expect(updates.got[1]?.type === "ModifyFailure" && updates.got[1].error.message).toBe(
      'key "hits" holds a GCounter, but a PNCounter was given',
    );
    expect(node(0).keys).toEqual([]);
  });

  it("two nodes that disagree on a key's type report it and keep their own values", () => {
    const { scheduler, node, events } = cluster(2, 8);
    const updates = answers<UpdateResponse>();
    node(0).update(
      GCounterKey("k"),
      GCounter.empty,
      (c, { self }) => c.increment(self),
      writeLocal,
    );
    node(1).update(
      ORSetKey<string>("k"),
      ORSet.empty(),
      (s, { self }) => s.add(self, "x"),
      writeAll(500),
      updates.push,
    );
    scheduler.advanceBySync(10_000);
    expect(updates.got).toMatchObject([{ type: "UpdateTimeout", acknowledged: ["node-2"] }]);
    expect(events).toContainEqual({
      type: "rejected",
      replica: "node-1",
      from: "node-2",
      reason: 'key "k" holds a GCounter, but a ORSet was given',
    });
    expect(node(0).localValue(GCounterKey("k"))?.value).toBe(1);
    expect(() => node(0).localValue(ORSetKey("k"))).toThrow(/holds a GCounter/);
  });

  it("a majority read still answers when its key changes kind locally while it waits", () => {
    const { scheduler, node, events } = cluster(3, 11);
    node(1).update(
      ORSetKey<string>("k"),
      ORSet.empty(),
      (s, { self }) => s.add(self, "x"),
      writeLocal,
    );
    node(2).update(
      ORSetKey<string>("k"),
      ORSet.empty(),
      (s, { self }) => s.add(self, "y"),
      writeLocal,
    );
    const reads = answers<GetResponse<ORSet<string>>>();
    node(0).get(ORSetKey<string>("k"), readMajority(1_000), reads.push);
    // Before any answer arrives, node-1 writes a counter under the same key.
    node(0).update(
      GCounterKey("k"),
      GCounter.empty,
      (c, { self }) => c.increment(self),
      writeLocal,
    );
    scheduler.advanceBySync(100);
    expect(reads.got).toMatchObject([{ type: "GetSuccess" }]);
    expect(events).toContainEqual({
      type: "rejected",
      replica: "node-1",
      from: "node-1",
      reason: 'key "k" holds a GCounter, but a ORSet was given',
    });
    expect(node(0).localValue(GCounterKey("k"))?.value).toBe(1);
  });

  it("a malformed message is reported, and the node keeps working", () => {
    const scheduler = new VirtualScheduler();
    const network = new LoopbackNetwork(scheduler, new SeededRandom(1), healthy);
    const events: ReplicatorEvent[] = [];
    const a = new Replicator({
      transport: network.join("a"),
      random: new SeededRandom(1),
      onEvent: (e) => events.push(e),
    });
    const rogue = network.join("rogue");
    rogue.send("a", {
      type: "Gossip",
      entries: [["k", { kind: "GCounter", counts: [["x", -1]] }]],
      wanted: [],
    } as never);
    rogue.send("a", { type: "Shout" } as never);
    scheduler.advanceBySync(100);
    // The network reorders, so compare as a set.
    expect(events.map((e) => e.type === "rejected" && e.reason).sort()).toEqual([
      "Gossip(k).data.counts[0]: -1 is not a safe integer >= 1",
      'unknown message type "Shout"',
    ]);
    const reads = answers<GetResponse<GCounter>>();
    a.update(Hits, GCounter.empty, (c, { self }) => c.increment(self), writeLocal);
    a.get(Hits, readLocal, reads.push);
    scheduler.advanceBySync(10);
    expect(reads.got).toMatchObject([{ type: "GetSuccess" }]);
  });

  it("stop answers waiting requests and goes quiet", () => {
    const { scheduler, network, node } = cluster(3, 9);
    network.isolate("node-1");
    const updates = answers<UpdateResponse>();
    node(0).update(
      Hits,
      GCounter.empty,
      (c, { self }) => c.increment(self),
      writeAll(5_000),
      updates.push,
    );
    node(0).stop();
    scheduler.advanceBySync(10);
    expect(updates.got).toMatchObject([{ type: "UpdateTimeout", needed: 3 }]);
    const sent = network.stats.sent;
    scheduler.advanceBySync(20_000);
    expect(network.stats.sent - sent).toBeGreaterThan(0); // the others still gossip...
    network.heal();
    scheduler.advanceBySync(20_000);
    expect(node(1).localValue(Hits)).toBeUndefined(); // ...but node-1 no longer answers
  });

  it("bad settings are rejected with the field named", () => {
    expect(() => writeMajority(0)).toThrow(
      "writeMajority: the timeout must be a positive number of ms, got 0",
    );
    const { node } = cluster(2, 10);
    expect(() => node(0).get(Hits, { level: "most" } as never, () => {})).toThrow(
      'consistency.level: expected "local", "majority" or "all", got "most"',
    );
  });

  it("one seed gives one run: the same events in the same order", () => {
    const run = (seed: number) => {
      const s = fc.sample(scenarioArb, { seed: 99, numRuns: 1 })[0] as Scenario;
      const { scheduler, node, events, ids } = cluster(4, seed, {
        dropRate: 0.2,
        minDelayMs: 1,
        maxDelayMs: 400,
      });
      for (const [i, { at, node: n }] of s.ops.entries()) {
        scheduler.schedule(at, () =>
          node(n % ids.length).update(
            Cart,
            ORSet.empty(),
            (c, { self }) => c.add(self, `item-${i}`),
            writeMajority(800),
          ),
        );
      }
      scheduler.advanceBySync(30_000);
      return JSON.stringify(events);
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });
});
