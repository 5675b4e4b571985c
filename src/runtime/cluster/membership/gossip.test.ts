import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VersionVector } from "../ddata/version-vector";
import { Gossip } from "./gossip";
import { heartbeatReceivers } from "./heartbeat";
import {
  compareAddresses,
  type Member,
  type MemberStatus,
  NOT_UP,
  nodeKey,
  STATUS_RANK,
  type UniqueAddress,
} from "./member";
import { MembershipState } from "./membership-state";
import { Reachability } from "./reachability";
import { VectorClock } from "./vector-clock";

const node = (n: number, uid = n): UniqueAddress => ({ address: `node-${n}`, uid });
const k = (n: number) => nodeKey(node(n));
const member = (
  n: number,
  status: MemberStatus,
  upNumber = status === "joining" ? NOT_UP : n,
): Member => ({
  node: node(n),
  status,
  upNumber,
});
function gossipOf(
  members: Member[],
  seen: number[] = [],
  reachability = Reachability.empty,
): Gossip {
  return new Gossip(
    new Map(members.map((m) => [nodeKey(m.node), m])),
    new Set(seen.map(k)),
    reachability,
    VectorClock.empty.increment("x"),
    new Map(),
  );
}

describe("addresses", () => {
  it("sort naturally: node-2 before node-10", () => {
    const sorted = ["node-10", "node-2", "node-1", "a", "node-1b"].sort(compareAddresses);
    expect(sorted).toEqual(["a", "node-1", "node-1b", "node-2", "node-10"]);
  });
});

describe("VectorClock", () => {
  it("is ddata's VersionVector under Akka's cluster name", () => {
    expect(VectorClock).toBe(VersionVector);
    expect(Gossip.empty.version).toBeInstanceOf(VersionVector);
  });

  it("prunes a removed node's entry, and nothing when the node is absent", () => {
    const ab = VectorClock.empty.increment("a").increment("b");
    expect(ab.prune("b").compare(VectorClock.empty.increment("a"))).toBe("same");
    expect(ab.prune("z")).toBe(ab);
    expect(ab.prune("a").versionAt("a")).toBe(0);
  });

  it("orders versions and finds concurrent ones", () => {
    const a = VectorClock.empty.increment("a");
    const ab = a.increment("b");
    const ac = a.increment("c");
    expect(a.compare(a)).toBe("same");
    expect(a.compare(ab)).toBe("before");
    expect(ab.compare(a)).toBe("after");
    expect(ab.compare(ac)).toBe("concurrent");
    expect(ab.merge(ac).compare(ab)).toBe("after");
    expect(ab.merge(ac).compare(ac.merge(ab))).toBe("same");
  });
});

describe("Reachability", () => {
  it("flags a subject unreachable while any observer says so", () => {
    const r = Reachability.empty.unreachable(k(1), k(3)).unreachable(k(2), k(3));
    expect(r.isReachable(k(3))).toBe(false);
    const r2 = r.reachable(k(1), k(3));
    expect(r2.isReachable(k(3))).toBe(false);
    expect(r2.isReachableFrom(k(1), k(3))).toBe(true);
    expect(r2.reachable(k(2), k(3)).isAllReachable).toBe(true);
  });

  it("never turns terminated back to reachable", () => {
    const r = Reachability.empty.terminated(k(1), k(2)).reachable(k(1), k(2));
    expect(r.status(k(2))).toBe("terminated");
  });

  it("merges per observer by version", () => {
    const base = Reachability.empty.unreachable(k(1), k(3));
    const newer = base.reachable(k(1), k(3)); // version 2, no rows
    const other = Reachability.empty.unreachable(k(2), k(3));
    const allowed = new Set([k(1), k(2), k(3)]);
    const merged = base.merge(allowed, newer).merge(allowed, other);
    expect(merged.isReachableFrom(k(1), k(3))).toBe(true);
    expect(merged.isReachableFrom(k(2), k(3))).toBe(false);
    expect(merged.merge(new Set([k(1), k(3)]), merged).allObservers()).toEqual(new Set());
  });
});

describe("Gossip.merge", () => {
  it("keeps the highest status of each member and drops tombstoned ones", () => {
    const a = gossipOf([member(1, "up"), member(2, "up"), member(3, "up")]);
    const b = gossipOf([member(1, "up"), member(2, "down"), member(3, "leaving")]).remove(k(3), 5);
    const merged = a.merge(b);
    expect(merged.member(k(2))?.status).toBe("down");
    expect(merged.member(k(3))).toBeUndefined();
    expect(merged.tombstones.has(k(3))).toBe(true);
    expect(merged.seen.size).toBe(0);
  });

  const statusArb = fc.constantFrom<MemberStatus>(
    "joining",
    "weakly-up",
    "up",
    "leaving",
    "exiting",
    "down",
  );
  const gossipArb = fc
    .record({
      statuses: fc.array(fc.option(statusArb, { nil: undefined }), { minLength: 4, maxLength: 4 }),
      removed: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      ticks: fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 4 }),
    })
    .map(({ statuses, removed, ticks }) => {
      let g = gossipOf(statuses.flatMap((s, i) => (s === undefined ? [] : [member(i + 1, s)])));
      statuses.forEach((_, i) => {
        if (removed[i]) g = g.remove(k(i + 1), 0);
      });
      for (const t of ticks) g = g.tickedBy(t);
      return g;
    });
  const summary = (g: Gossip) =>
    [...g.members.values()].map((m) => `${nodeKey(m.node)}:${m.status}`).sort();

  /**
   * Members that are down or exiting in some inputs and absent (not tombstoned) from others:
   * Akka's merge drops such a member when one side lacks it, which makes the merge order
   * matter for them alone (GossipSpec "merge members by removing removed members").
   */
  const oneSidedRemovable = (...gs: Gossip[]) => {
    const keys = new Set<string>();
    for (const g of gs)
      for (const [key, m] of g.members)
        if (
          (m.status === "down" || m.status === "exiting") &&
          gs.some((o) => !o.members.has(key) && !o.tombstones.has(key))
        )
          keys.add(key);
    return keys;
  };
  const summaryWithout = (g: Gossip, skip: ReadonlySet<string>) =>
    summary(g).filter((s) => !skip.has(s.slice(0, s.lastIndexOf(":"))));

  it("is commutative and idempotent on members, and associative but for one-sided down or exiting members", () => {
    fc.assert(
      fc.property(gossipArb, gossipArb, gossipArb, (a, b, c) => {
        expect(summary(a.merge(b))).toEqual(summary(b.merge(a)));
        const skip = oneSidedRemovable(a, b, c);
        expect(summaryWithout(a.merge(b).merge(c), skip)).toEqual(
          summaryWithout(a.merge(b.merge(c)), skip),
        );
        expect(summary(a.merge(a))).toEqual(summary(a));
        expect(a.merge(b).version.compare(b.merge(a).version)).toBe("same");
      }),
      { numRuns: 300 },
    );
  });

  it("only moves members forward: the merge is at or above both inputs, or dropped a member one side removed", () => {
    fc.assert(
      fc.property(gossipArb, gossipArb, (a, b) => {
        const merged = a.merge(b);
        const skip = oneSidedRemovable(a, b);
        for (const g of [a, b]) {
          for (const [key, m] of g.members) {
            const after = merged.member(key);
            if (after === undefined) expect(merged.tombstones.has(key) || skip.has(key)).toBe(true);
            else expect(STATUS_RANK[after.status]).toBeGreaterThanOrEqual(STATUS_RANK[m.status]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("Gossip.covers", () => {
  it("holds when every member is known at an equal or higher status, or removed", () => {
    const a = gossipOf([member(1, "up"), member(2, "down")]);
    const b = gossipOf([member(1, "up"), member(2, "up")]);
    expect(a.covers(b)).toBe(true);
    expect(b.covers(a)).toBe(false);
    expect(a.remove(k(2), 1).covers(a)).toBe(true);
    expect(a.covers(a.remove(k(2), 1))).toBe(false);
  });
});

describe("MembershipState", () => {
  it("converges only when every up member has seen the version", () => {
    const members = [member(1, "up"), member(2, "up"), member(3, "joining")];
    expect(new MembershipState(gossipOf(members, [1]), node(1)).convergence(new Set())).toBe(false);
    // Joining members need not have seen it.
    expect(new MembershipState(gossipOf(members, [1, 2]), node(1)).convergence(new Set())).toBe(
      true,
    );
  });

  it("does not converge while an up member is unreachable, but does once it is down", () => {
    const r = Reachability.empty.unreachable(k(1), k(3));
    const up = gossipOf([member(1, "up"), member(2, "up"), member(3, "up")], [1, 2], r);
    expect(new MembershipState(up, node(1)).convergence(new Set())).toBe(false);
    const down = gossipOf([member(1, "up"), member(2, "up"), member(3, "down")], [1, 2], r);
    expect(new MembershipState(down, node(1)).convergence(new Set())).toBe(true);
  });

  it("ignores observations made by downed members", () => {
    const r = Reachability.empty.unreachable(k(3), k(2));
    const g = gossipOf([member(1, "up"), member(2, "up"), member(3, "down")], [1, 2], r);
    expect(new MembershipState(g, node(1)).convergence(new Set())).toBe(true);
  });

  it("picks the first up member in address order, skipping those it cannot reach", () => {
    const members = [member(10, "up"), member(2, "joining"), member(3, "up"), member(4, "up")];
    expect(new MembershipState(gossipOf(members), node(4)).leader()).toBe(k(3));
    const r = Reachability.empty.unreachable(k(4), k(3));
    // Each side of a partition has its own leader; a node always counts itself reachable.
    expect(new MembershipState(gossipOf(members, [], r), node(4)).leader()).toBe(k(4));
    expect(new MembershipState(gossipOf(members, [], r), node(3)).leader()).toBe(k(3));
  });
});

describe("heartbeatReceivers", () => {
  const keys = Array.from({ length: 20 }, (_, i) => k(i + 1));

  it("monitors everyone in small clusters", () => {
    expect(heartbeatReceivers(k(1), keys.slice(0, 5), new Set(), 9)).toEqual(keys.slice(1, 5));
  });

  it("monitors N ring neighbours in big ones, and every node is monitored by N others", () => {
    const monitoredBy = new Map<string, number>();
    for (const self of keys) {
      const receivers = heartbeatReceivers(self, keys, new Set(), 5);
      expect(receivers).toHaveLength(5);
      expect(receivers).not.toContain(self);
      for (const r of receivers) monitoredBy.set(r, (monitoredBy.get(r) ?? 0) + 1);
    }
    for (const key of keys) expect(monitoredBy.get(key)).toBe(5);
  });

  it("skips past unreachable neighbours so N reachable ones stay watched", () => {
    const plain = heartbeatReceivers(k(1), keys, new Set(), 3);
    const unreachable = new Set([plain[0] as string]);
    const adjusted = heartbeatReceivers(k(1), keys, unreachable, 3);
    expect(adjusted).toHaveLength(4);
    expect(adjusted.filter((r) => !unreachable.has(r))).toHaveLength(3);
  });
});
