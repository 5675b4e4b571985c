import { describe, expect, it } from "vitest";
import { Gossip } from "../membership/gossip";
import { type Member, type MemberStatus, nodeKey } from "../membership/member";
import { MembershipState } from "../membership/membership-state";
import { Reachability } from "../membership/reachability";
import { VectorClock } from "../membership/vector-clock";
import { ClusterSimulation } from "../simulation/simulation";

// Akka's MembershipStateSpec (akka-cluster/src/test/scala/akka/cluster/MembershipStateSpec.scala).
// Its members live in two data centers; this runtime has one (see the Runtime vs Akka page), so
// the cases are ported with the members of data center "a" only. Not ported: "sort by upNumber
// for oldest top members" (`ageSortedTopOldestMembersPerDc`, used only for cross data center
// gossip) and "find two oldest in DC as targets for Exiting change" (with one data center it is
// the first case again).

const m = (host: string, upNumber: number, status: MemberStatus = "up", roles: string[] = []) => ({
  node: { address: host, uid: 0 },
  status,
  upNumber,
  roles,
});
const key = (x: Member) => nodeKey(x.node);
const gossip = (members: readonly Member[]) =>
  new Gossip(
    new Map(members.map((x) => [key(x), x])),
    new Set(),
    Reachability.empty,
    VectorClock.empty,
    new Map(),
  );
const targets = (state: MembershipState, exiting: Member[]) =>
  state
    .gossipTargetsForExitingMembers(exiting)
    .map((x) => x.node.address)
    .sort();

// Data center "a" is in reverse age order: a4 (host "a4") is the oldest.
const a1 = m("a4", 1);
const a2 = m("a3", 2);
const a3 = m("a2", 3);
const a4 = m("a1", 4);

describe("MembershipStateSpec", () => {
  it("MembershipStateSpec: find two oldest as targets for Exiting change", () => {
    const a1Exiting = { ...a1, status: "exiting" as const };
    const state = new MembershipState(gossip([a1Exiting, a2, a3, a4]), a1.node);
    expect(targets(state, [a1Exiting])).toEqual(["a3", "a4"]);
    expect(state.gossipTargetsForExitingMembers([])).toEqual([]);
  });

  it("MembershipStateSpec: find two oldest per role as targets for Exiting change", () => {
    const a5 = m("a5", 5, "exiting", ["role1", "role2"]);
    const a6 = m("a6", 6, "exiting", ["role1", "role3"]);
    const a7 = m("a7", 7, "exiting", ["role1"]);
    const a8 = m("a8", 8, "exiting", ["role1"]);
    const a9 = m("a9", 9, "exiting", ["role2"]);
    const state = new MembershipState(gossip([a1, a2, a3, a4, a5, a6, a7, a8, a9]), a1.node);
    // The two oldest (a1, a2), the two oldest with role1 (a5, a6), with role2 (a5, a9), with
    // role3 (a6 alone).
    expect(targets(state, [a5, a6]).sort()).toEqual(["a3", "a4", "a5", "a6", "a9"].sort());
  });

  it("ClusterCoreDaemon.gossipExitingMembersToOldest: the leader tells the two oldest at once when it moves a member to exiting", () => {
    // Without it the second oldest learns by ordinary gossip, a round (1 s) or more later on
    // most seeds; with it, within the network's few milliseconds.
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const sim = new ClusterSimulation({ seed, nodes: 6 });
      sim.runFor(20_000);
      sim.leave("node-6");
      sim.runFor(10_000);
      const exitingAt = (observer: string) =>
        sim.trace.records.find(
          (r) =>
            r.type === "memberStatus" &&
            r.to === "exiting" &&
            r.member.address === "node-6" &&
            r.observer.address === observer,
        )?.at;
      const leader = exitingAt("node-1");
      const second = exitingAt("node-2");
      expect(leader).toBeDefined();
      expect(second).toBeDefined();
      expect((second ?? Infinity) - (leader ?? 0)).toBeLessThan(50);
    }
  });
});
