import { describe, expect, it } from "vitest";
import { Reachability, type ReachabilityRecord } from "../membership/reachability";

// Ported from Akka's ReachabilitySpec (akka-cluster/src/test/scala/akka/cluster): the
// reachability table that gossip carries. Nodes are `address#uid` keys here.

const spec = (name: string) => `ReachabilitySpec: Reachability table must ${name}`;

const [a, b, c, d, e] = ["a#1", "b#2", "c#3", "d#4", "e#5"] as const;
const all = new Set([a, b, c, d, e]);
const empty = Reachability.empty;

const record = (
  observer: string,
  subject: string,
  status: ReachabilityRecord["status"],
  version: number,
): ReachabilityRecord => ({ observer, subject, status, version });

/** Akka's `allUnreachable`: unreachable, not terminated. */
const allUnreachable = (r: Reachability) =>
  new Set(
    r
      .records()
      .filter((x) => r.status(x.subject) === "unreachable")
      .map((x) => x.subject),
  );

const sortedRecords = (r: Reachability) =>
  r
    .records()
    .sort((x, y) => `${x.observer}${x.subject}`.localeCompare(`${y.observer}${y.subject}`));

describe("ReachabilitySpec: Reachability table", () => {
  it(spec("be reachable when empty"), () => {
    expect(empty.isReachable(a)).toBe(true);
    expect(allUnreachable(empty)).toEqual(new Set());
  });

  it(spec("be unreachable when one observed unreachable"), () => {
    const r = empty.unreachable(b, a);
    expect(r.isReachable(a)).toBe(false);
    expect(allUnreachable(r)).toEqual(new Set([a]));
  });

  it(spec("not be reachable when terminated"), () => {
    const r = empty.terminated(b, a);
    expect(r.isReachable(a)).toBe(false);
    expect(allUnreachable(r)).toEqual(new Set());
    expect(r.allUnreachableOrTerminated()).toEqual(new Set([a]));
  });

  it(spec("not change terminated entry"), () => {
    const r = empty.terminated(b, a);
    expect(r.reachable(b, a)).toBe(r);
    expect(r.unreachable(b, a)).toBe(r);
  });

  it(spec("not change when same status"), () => {
    const r = empty.unreachable(b, a);
    expect(r.unreachable(b, a)).toBe(r);
  });

  it(spec("be unreachable when some observed unreachable and others reachable"), () => {
    const r = empty.unreachable(b, a).unreachable(c, a).reachable(d, a);
    expect(r.isReachable(a)).toBe(false);
  });

  it(spec("be reachable when all observed reachable again"), () => {
    const r = empty
      .unreachable(b, a)
      .unreachable(c, a)
      .reachable(b, a)
      .reachable(c, a)
      .unreachable(b, c)
      .unreachable(c, b);
    expect(r.isReachable(a)).toBe(true);
  });

  it(spec("exclude observations from specific (downed) nodes"), () => {
    const r = empty
      .unreachable(c, a)
      .reachable(c, a)
      .unreachable(c, b)
      .unreachable(b, a)
      .unreachable(b, c);
    expect(r.isReachable(a)).toBe(false);
    expect(r.isReachable(b)).toBe(false);
    expect(r.isReachable(c)).toBe(false);
    expect(r.allUnreachableOrTerminated()).toEqual(new Set([a, b, c]));
    expect(r.removeObservers(new Set([b])).allUnreachableOrTerminated()).toEqual(new Set([b]));
  });

  it(spec("be pruned when all records of an observer are Reachable"), () => {
    const r = empty
      .unreachable(b, a)
      .unreachable(b, c)
      .unreachable(d, c)
      .reachable(b, a)
      .reachable(b, c);
    expect(r.isReachable(a)).toBe(true);
    expect(r.isReachable(c)).toBe(false);
    expect(r.records()).toEqual([record(d, c, "unreachable", 1)]);
    const r2 = r.unreachable(b, d).unreachable(b, e);
    expect(sortedRecords(r2)).toEqual([
      record(b, d, "unreachable", 5),
      record(b, e, "unreachable", 6),
      record(d, c, "unreachable", 1),
    ]);
  });

  it(spec("have correct aggregated status"), () => {
    const r = Reachability.fromRecords(
      [
        record(a, b, "reachable", 2),
        record(c, b, "unreachable", 2),
        record(a, d, "unreachable", 3),
        record(d, b, "terminated", 4),
      ],
      [
        [a, 3],
        [c, 3],
        [d, 4],
      ],
    );
    expect(r.status(a)).toBe("reachable");
    expect(r.status(b)).toBe("terminated");
    expect(r.status(d)).toBe("unreachable");
  });

  it(spec("have correct status for a mix of nodes"), () => {
    const r = empty
      .unreachable(b, a)
      .unreachable(c, a)
      .unreachable(d, a)
      .unreachable(c, b)
      .reachable(c, b)
      .unreachable(d, b)
      .unreachable(d, c)
      .reachable(d, c)
      .reachable(e, d)
      .unreachable(a, e)
      .terminated(b, e);
    expect(r.statusFrom(b, a)).toBe("unreachable");
    expect(r.statusFrom(c, a)).toBe("unreachable");
    expect(r.statusFrom(d, a)).toBe("unreachable");
    expect(r.statusFrom(c, b)).toBe("reachable");
    expect(r.statusFrom(d, b)).toBe("unreachable");
    expect(r.statusFrom(a, e)).toBe("unreachable");
    expect(r.statusFrom(b, e)).toBe("terminated");
    expect([a, b, c, d, e].map((n) => r.isReachable(n))).toEqual([false, false, true, true, false]);
    expect(allUnreachable(r)).toEqual(new Set([a, b]));
    expect(r.allUnreachableFrom(a)).toEqual([e]);
    expect(r.allUnreachableFrom(b)).toEqual([a]);
    expect(r.allUnreachableFrom(c)).toEqual([a]);
    expect(new Set(r.allUnreachableFrom(d))).toEqual(new Set([a, b]));
  });

  it(spec("merge by picking latest version of each record"), () => {
    const r1 = empty.unreachable(b, a).unreachable(c, d);
    const r2 = r1.reachable(b, a).unreachable(d, e).unreachable(c, a);
    const merged = r1.merge(all, r2);
    expect(merged.statusFrom(b, a)).toBe("reachable");
    expect(merged.statusFrom(c, a)).toBe("unreachable");
    expect(merged.statusFrom(c, d)).toBe("unreachable");
    expect(merged.statusFrom(d, e)).toBe("unreachable");
    expect(merged.statusFrom(e, a)).toBe("reachable");
    expect(merged.isReachable(a)).toBe(false);
    expect(merged.isReachable(d)).toBe(false);
    expect(merged.isReachable(e)).toBe(false);
    expect(sortedRecords(r2.merge(all, r1))).toEqual(sortedRecords(merged));
  });

  it(spec("merge by taking allowed set into account"), () => {
    const r1 = empty.unreachable(b, a).unreachable(c, d);
    const r2 = r1.reachable(b, a).unreachable(d, e).unreachable(c, a);
    const allowed = new Set([a, b, c, e]); // d is not
    const merged = r1.merge(allowed, r2);
    expect(merged.statusFrom(b, a)).toBe("reachable");
    expect(merged.statusFrom(c, a)).toBe("unreachable");
    expect(merged.statusFrom(c, d)).toBe("reachable");
    expect(merged.statusFrom(d, e)).toBe("reachable");
    expect(merged.statusFrom(e, a)).toBe("reachable");
    expect(merged.isReachable(a)).toBe(false);
    expect(merged.isReachable(d)).toBe(true);
    expect(merged.isReachable(e)).toBe(true);
    expect(new Set(merged.versions.keys())).toEqual(new Set([b, c]));
    const merged2 = r2.merge(allowed, r1);
    expect(sortedRecords(merged2)).toEqual(sortedRecords(merged));
    expect(merged2.versions).toEqual(merged.versions);
  });

  it(spec("merge correctly after pruning"), () => {
    const r1 = empty.unreachable(b, a).unreachable(c, d);
    const r2 = r1.unreachable(a, e);
    const r3 = r1.reachable(b, a); // b's rows pruned
    const merged = r2.merge(all, r3);
    expect(sortedRecords(merged)).toEqual([
      record(a, e, "unreachable", 1),
      record(c, d, "unreachable", 1),
    ]);
    expect(sortedRecords(r3.merge(all, r2))).toEqual(sortedRecords(merged));
  });

  it(spec("merge versions correctly"), () => {
    const r1 = Reachability.fromRecords(
      [],
      [
        [a, 3],
        [b, 5],
        [c, 7],
      ],
    );
    const r2 = Reachability.fromRecords(
      [],
      [
        [a, 6],
        [b, 2],
        [d, 1],
      ],
    );
    const expected = new Map([
      [a, 6],
      [b, 5],
      [c, 7],
      [d, 1],
    ]);
    expect(new Map([...r1.merge(all, r2).versions])).toEqual(expected);
    expect(new Map([...r2.merge(all, r1).versions])).toEqual(expected);
  });

  it(spec("remove node"), () => {
    const r = empty
      .unreachable(b, a)
      .unreachable(c, d)
      .unreachable(b, c)
      .unreachable(b, e)
      .remove([a, b]);
    expect(r.statusFrom(b, a)).toBe("reachable");
    expect(r.statusFrom(c, d)).toBe("unreachable");
    expect(r.statusFrom(b, c)).toBe("reachable");
    expect(r.statusFrom(b, e)).toBe("reachable");
  });

  it(spec("remove correctly after pruning"), () => {
    const r = empty
      .unreachable(b, a)
      .unreachable(b, c)
      .unreachable(d, c)
      .reachable(b, a)
      .reachable(b, c);
    expect(r.records()).toEqual([record(d, c, "unreachable", 1)]);
    const r2 = r.remove([b]);
    expect(r2.allObservers()).toEqual(new Set([d]));
    expect(new Set(r2.versions.keys())).toEqual(new Set([d]));
  });
});
