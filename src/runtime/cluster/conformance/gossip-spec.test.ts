import { describe, expect, it } from "vitest";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import { Gossip } from "../membership/gossip";
import { type Member, type MemberStatus, NOT_UP, nodeKey } from "../membership/member";
import { MembershipState } from "../membership/membership-state";
import { Reachability } from "../membership/reachability";
import { VectorClock } from "../membership/vector-clock";
import { ClusterSimulation } from "../simulation/simulation";

// Akka's GossipSpec (akka-cluster/src/test/scala/akka/cluster/GossipSpec.scala), the cases of a
// single data center. This runtime has one data center (see the Runtime vs Akka page), so the
// cases about several are not ported: "have correct test setup" (checks the default data
// center), "have a leader per data center", "reach convergence per data center" and its three
// variants with unreachable or unseen members in another data center, the two "not reach
// convergence for first member of other data center" cases, and "ignore cross data center
// unreachability" (for reachability and for the leader). Of the cases named "… data center"
// that are really about tombstones, the single-data-center core is ported.

const m = (host: string, status: MemberStatus, upNumber = NOT_UP, uid = 0): Member => ({
  node: { address: host, uid },
  status,
  upNumber,
});
const key = (x: Member) => nodeKey(x.node);

const a1 = m("a", "up");
const a2 = m("a", "joining");
const b1 = m("b", "up");
const c1 = m("c", "leaving");
const c2 = m("c", "up");
const c3 = m("c", "exiting");
const d1 = m("d", "leaving");
const e1 = m("e", "joining");
const e2 = m("e", "up");
const e3 = m("e", "down");

function gossip(
  members: readonly Member[],
  options: { seen?: readonly Member[]; reachability?: Reachability; version?: VectorClock } = {},
): Gossip {
  return new Gossip(
    new Map(members.map((x) => [key(x), x])),
    new Set((options.seen ?? []).map(key)),
    options.reachability ?? Reachability.empty,
    options.version ?? VectorClock.empty,
    new Map(),
  );
}
const state = (g: Gossip, self: Member = a1) => new MembershipState(g, self.node);
const none: ReadonlySet<string> = new Set();
const statuses = (g: Gossip) => g.sortedMembers().map((x) => `${x.node.address}:${x.status}`);

describe("GossipSpec: convergence", () => {
  it("GossipSpec: reach convergence when it's empty", () => {
    expect(state(Gossip.empty).convergence(none)).toBe(true);
  });

  it("GossipSpec: reach convergence for one node", () => {
    expect(state(gossip([a1], { seen: [a1] })).convergence(none)).toBe(true);
  });

  it("GossipSpec: not reach convergence until all have seen version", () => {
    expect(state(gossip([a1, b1], { seen: [a1] })).convergence(none)).toBe(false);
  });

  it("GossipSpec: reach convergence for two nodes", () => {
    expect(state(gossip([a1, b1], { seen: [a1, b1] })).convergence(none)).toBe(true);
  });

  it("GossipSpec: reach convergence, skipping joining", () => {
    expect(state(gossip([a1, b1, e1], { seen: [a1, b1] })).convergence(none)).toBe(true);
  });

  it("GossipSpec: reach convergence, skipping down", () => {
    expect(state(gossip([a1, b1, e3], { seen: [a1, b1] })).convergence(none)).toBe(true);
  });

  it("GossipSpec: reach convergence, skipping Leaving with exitingConfirmed", () => {
    const g = gossip([a1, b1, c1], { seen: [a1, b1] });
    expect(state(g).convergence(new Set([key(c1)]))).toBe(true);
    // Without the confirmation the leaving member must have seen it.
    expect(state(g).convergence(none)).toBe(false);
  });

  it("GossipSpec: reach convergence, skipping unreachable Leaving with exitingConfirmed", () => {
    const reachability = Reachability.empty.unreachable(key(b1), key(c1));
    const g = gossip([a1, b1, c1], { seen: [a1, b1], reachability });
    expect(state(g).convergence(new Set([key(c1)]))).toBe(true);
  });

  it("GossipSpec: not reach convergence when unreachable", () => {
    const reachability = Reachability.empty.unreachable(key(b1), key(a1));
    const g = gossip([a1, b1], { seen: [a1, b1], reachability });
    expect(state(g, b1).convergence(none)).toBe(false);
    // but from a1's point of view (it knows that itself is not unreachable)
    expect(state(g, a1).convergence(none)).toBe(true);
  });

  it("GossipSpec: reach convergence when downed node has observed unreachable", () => {
    const reachability = Reachability.empty.unreachable(key(e3), key(a1));
    const g = gossip([a1, b1, e3], { seen: [a1, b1, e3], reachability });
    expect(state(g, b1).convergence(none)).toBe(true);
  });
});

describe("GossipSpec: merge", () => {
  it("GossipSpec: merge members by status priority", () => {
    const g1 = gossip([a1, c1, e1]);
    const g2 = gossip([a2, c2, e2]);
    expect(statuses(g1.merge(g2))).toEqual(["a:up", "c:leaving", "e:up"]);
    expect(statuses(g2.merge(g1))).toEqual(["a:up", "c:leaving", "e:up"]);
  });

  it("GossipSpec: merge unreachable", () => {
    const r1 = Reachability.empty.unreachable(key(b1), key(a1)).unreachable(key(b1), key(c1));
    const g1 = gossip([a1, b1, c1], { reachability: r1 });
    const r2 = Reachability.empty.unreachable(key(a1), key(d1));
    const g2 = gossip([a1, b1, c1, d1], { reachability: r2 });
    const merged1 = g1.merge(g2);
    expect([...merged1.reachability.allUnreachableOrTerminated()].sort()).toEqual(
      [key(a1), key(c1), key(d1)].sort(),
    );
    expect([...g2.merge(g1).reachability.allUnreachableOrTerminated()].sort()).toEqual(
      [...merged1.reachability.allUnreachableOrTerminated()].sort(),
    );
  });

  it("GossipSpec: merge members by removing removed members", () => {
    // c3 is exiting in g2 and unknown to g1, which has removed it: the merge drops it, and with
    // it the reachability rows about it (this runtime kept it until this case was ported).
    const r1 = Reachability.empty.unreachable(key(b1), key(a1));
    const g1 = gossip([a1, b1], { reachability: r1 });
    const r2 = r1.unreachable(key(b1), key(c3));
    const g2 = gossip([a1, b1, c3], { reachability: r2 });
    const merged1 = g1.merge(g2);
    expect(statuses(merged1)).toEqual(["a:up", "b:up"]);
    expect([...merged1.reachability.allUnreachableOrTerminated()]).toEqual([key(a1)]);
    const merged2 = g2.merge(g1);
    expect(statuses(merged2)).toEqual(statuses(merged1));
    expect([...merged2.reachability.allUnreachableOrTerminated()]).toEqual([key(a1)]);
  });

  it("GossipSpec: merge members by removing removed members (a down member too)", () => {
    // Akka's removeUnreachableWithMemberStatus is Down and Exiting; the spec shows Exiting.
    const merged = gossip([a1, b1]).merge(gossip([a1, b1, e3]));
    expect(statuses(merged)).toEqual(["a:up", "b:up"]);
    // A member that is not down or exiting is kept even when one side lacks it.
    expect(statuses(gossip([a1, b1]).merge(gossip([a1, b1, e2])))).toEqual([
      "a:up",
      "b:up",
      "e:up",
    ]);
  });

  it("GossipSpec: merge seen table correctly", () => {
    const version = VectorClock.empty.increment("something");
    const g1 = gossip([a1, b1, c1, d1], { version, seen: [a1, b1] });
    const g2 = gossip([a1, b1, c1, d1], { version, seen: [a1, c1] });
    const g3 = g1.withSeen(key(d1));
    for (const merged of [g3.merge(g2), g2.merge(g3)]) {
      expect(merged.seen.size).toBe(0);
      for (const x of [a1, b1, c1, d1, e1]) expect(merged.seenBy(key(x))).toBe(false);
    }
  });

  it("GossipSpec: not reintroduce members from out-of data center gossip when merging (its single data center core: a tombstone wins)", () => {
    const d = m("d", "up");
    const stale = gossip([a1, b1, c2, d], {
      seen: [b1, c2],
      version: VectorClock.empty.increment(key(d)),
    });
    const removed = gossip([a1, b1, c2, d], { seen: [a1] }).remove(key(d), 1_000);
    expect(removed.tombstones.has(key(d))).toBe(true);
    expect(removed.member(key(d))).toBeUndefined();
    const merged = removed.merge(stale);
    expect(statuses(merged)).toEqual(["a:up", "b:up", "c:up"]);
    expect(merged.tombstones.has(key(d))).toBe(true);
    expect(
      merged.reachability.records().filter((r) => r.subject === key(d) || r.observer === key(d)),
    ).toEqual([]);
    expect(merged.version.versionAt(key(d))).toBe(0);
  });

  it("GossipSpec: replace member when removed and rejoined in another data center (its single data center core)", () => {
    const d1up = m("d", "up", NOT_UP, 1);
    const d3 = m("d", "up", NOT_UP, 3); // restarted with another uid
    const stale = gossip([a1, b1, c2, d1up], {
      seen: [b1, c2],
      version: VectorClock.empty.increment(key(d1up)),
    });
    const fresh = gossip([a1, b1, c2, d1up], { seen: [a1] })
      .remove(key(d1up), 1_000)
      .withMember(d3);
    const merged = fresh.merge(stale);
    expect(merged.sortedMembers().map(key)).toEqual([key(a1), key(b1), key(c2), key(d3)]);
    expect(merged.tombstones.has(key(d1up))).toBe(true);
    expect(merged.tombstones.has(key(d3))).toBe(false);
    expect(merged.version.versionAt(key(d1up))).toBe(0);
  });

  it("GossipSpec: correctly prune vector clocks based on tombstones when merging", () => {
    const d = m("d", "up");
    const all = [a1, b1, c2, d];
    const ticked = all.reduce((v, x) => v.increment(key(x)), VectorClock.empty);
    const g1 = gossip(all, { version: ticked }).remove(key(b1), 1);
    expect(g1.version.versionAt(key(b1))).toBe(0);
    const g2 = gossip(all, { version: ticked, seen: [a1] }).remove(key(c2), 1);
    expect(g2.version.versionAt(key(c2))).toBe(0);
    const merged = g2.merge(g1);
    expect(statuses(merged)).toEqual(["a:up", "d:up"]);
    expect(
      merged.version
        .entries()
        .map(([replica]) => replica)
        .sort(),
    ).toEqual([key(a1), key(d)].sort());
  });
});

describe("GossipSpec: leader", () => {
  it("GossipSpec: have leader as first member based on ordering, except Exiting status", () => {
    expect(state(gossip([c2, e2]), c2).leader()).toBe(key(c2));
    expect(state(gossip([c3, e2]), c3).leader()).toBe(key(e2));
    expect(state(gossip([c3]), c3).leader()).toBe(key(c3));
  });

  it("GossipSpec: have leader as first reachable member based on ordering", () => {
    const reachability = Reachability.empty.unreachable(key(e2), key(c2));
    const g = gossip([c2, e2], { reachability });
    expect(state(g, e2).leader()).toBe(key(e2));
    // but when c2 is selfUniqueAddress
    expect(state(g, c2).leader()).toBe(key(c2));
  });

  it("GossipSpec: not have Down member as leader", () => {
    expect(state(gossip([e3]), e3).leader()).toBeUndefined();
  });

  it("GossipSpec: not returning a downed data center leader (one data center)", () => {
    const aDown = m("a", "down");
    const g = gossip([aDown, b1]);
    expect(state(g, b1).leader()).toBe(key(b1));
    expect(state(g, b1).isLeader()).toBe(true);
  });
});

describe("GossipSpec: membership bookkeeping", () => {
  it("GossipSpec: know who is youngest", () => {
    const b3 = { ...b1, upNumber: 3 };
    const g1 = gossip([a2, b3, e1], {
      reachability: Reachability.empty.unreachable(key(a2), key(e1)),
    });
    expect(state(g1).youngestUpNumber()).toBe(3);
    const g2 = gossip([a2, b3, e1], {
      reachability: Reachability.empty.unreachable(key(a2), key(b1)).unreachable(key(a2), key(e1)),
    });
    expect(state(g2).youngestUpNumber()).toBe(3);
    const g3 = gossip([a2, b3, { ...e2, upNumber: 4 }]);
    expect(state(g3).youngestUpNumber()).toBe(4);
  });

  it("GossipSpec: clear out a bunch of stuff when removing a node", () => {
    const dDown = m("d", "down");
    const g = gossip([a1, b1, dDown], {
      reachability: Reachability.empty
        .unreachable(key(b1), key(dDown))
        .unreachable(key(dDown), key(b1)),
      version: VectorClock.empty.increment(key(b1)).increment(key(dDown)),
      seen: [a1, b1],
    }).remove(key(b1), 1_000);
    expect(g.seenBy(key(b1))).toBe(false);
    expect(g.reachability.records().map((r) => r.observer)).not.toContain(key(b1));
    expect(g.reachability.records().map((r) => r.subject)).not.toContain(key(b1));
    // sort order should be kept
    expect(g.sortedMembers().map(key)).toEqual([key(a1), key(dDown)]);
    expect(g.version.versionAt(key(b1))).toBe(0);
    expect(g.version.versionAt(key(dDown))).toBe(1);
  });

  it("GossipSpec: prune old tombstones", () => {
    const timestamp = 352_684_800;
    const g = gossip([a1, b1]).remove(key(b1), timestamp);
    expect(g.tombstones.has(key(b1))).toBe(true);
    expect(g.pruneTombstones(timestamp - 1).tombstones.has(key(b1))).toBe(true);
    expect(g.pruneTombstones(timestamp + 1).tombstones.has(key(b1))).toBe(false);
  });

  it("GossipSpec: mark a node as down", () => {
    const g = gossip([a1, b1], { seen: [a1, b1] }).markAsDown(b1);
    expect(g.member(key(b1))?.status).toBe("down");
    expect(g.seenBy(key(b1))).toBe(false);
    // obviously the other member should be unaffected
    expect(g.member(key(a1))?.status).toBe("up");
    expect(g.seenBy(key(a1))).toBe(true);
  });

  it("GossipSpec: update members", () => {
    const joining = m("d", "joining");
    const g = gossip([a1, joining]);
    expect(g.member(key(joining))?.status).toBe("joining");
    const updated = g.withMember({ ...joining, status: "up" });
    expect(updated.member(key(joining))?.status).toBe("up");
    expect(updated.member(key(a1))?.status).toBe("up");
    // order should be kept
    expect(updated.sortedMembers().map(key)).toEqual([key(a1), key(joining)]);
  });
});

describe("ClusterCoreDaemon.leaderActionsOnConvergence: tombstones", () => {
  it("the leader prunes tombstones older than prune-gossip-tombstones-after, and not before", () => {
    const sim = new ClusterSimulation({
      seed: 3,
      nodes: 3,
      settings: { pruneGossipTombstonesAfterMs: 60_000 },
      downing: new SplitBrainResolver({
        strategy: { kind: "keep-majority" },
        stableAfterMs: 5_000,
      }),
    });
    sim.runFor(20_000);
    const gone = sim.node("node-3")?.self;
    if (gone === undefined) throw new Error("node-3 is not running");
    sim.crash("node-3");
    sim.runFor(30_000);
    const tombstones = () => sim.node("node-1")?.membershipState().gossip.tombstones;
    const removedAt = tombstones()?.get(nodeKey(gone));
    expect(removedAt).toBeDefined();
    sim.runFor((removedAt ?? 0) + 50_000 - sim.scheduler.now());
    expect(tombstones()?.has(nodeKey(gone))).toBe(true);
    sim.runFor(20_000);
    expect(tombstones()?.has(nodeKey(gone))).toBe(false);
    expect(sim.node("node-2")?.membershipState().gossip.tombstones.has(nodeKey(gone))).toBe(false);
  });
});
