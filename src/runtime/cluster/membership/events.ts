import { type Member, type MemberStatus, nodeKey, type UniqueAddress } from "./member";
import type { MembershipState } from "./membership-state";

/**
 * What a node publishes to its subscribers when its view of the cluster changes, after Akka's
 * `ClusterEvent`s. Sharding and singleton subscribe to these; they describe one node's view, which
 * other nodes may not share yet.
 *
 * @example Following membership on every node
 * ```ts
 * declare const sim: ClusterSimulation;
 * sim.onNodeStarted((node) =>
 *   node.subscribe(
 *     (e) => {
 *       if (e.type === "memberRemoved") console.log(`${node.address}: ${e.member.node.address} removed`);
 *       if (e.type === "leaderChanged") console.log(`${node.address}: leader ${e.leader?.address}`);
 *     },
 *     { initialStateAsEvents: true },
 *   ),
 * );
 * ```
 */
export type ClusterEvent =
  | { readonly type: "memberJoined"; readonly member: Member }
  | { readonly type: "memberWeaklyUp"; readonly member: Member }
  | { readonly type: "memberUp"; readonly member: Member }
  | { readonly type: "memberLeft"; readonly member: Member }
  | { readonly type: "memberExited"; readonly member: Member }
  | { readonly type: "memberDowned"; readonly member: Member }
  | {
      readonly type: "memberRemoved";
      readonly member: Member;
      readonly previousStatus: MemberStatus;
    }
  | { readonly type: "unreachableMember"; readonly member: Member }
  | { readonly type: "reachableMember"; readonly member: Member }
  | { readonly type: "leaderChanged"; readonly leader: UniqueAddress | null }
  | { readonly type: "convergenceChanged"; readonly convergence: boolean }
  /** A member that removed this incarnation refuses to talk to it: it must not carry on. */
  | { readonly type: "quarantinedByRemote"; readonly by: UniqueAddress };

const STATUS_EVENT: Record<Exclude<MemberStatus, "removed">, ClusterEvent["type"]> = {
  joining: "memberJoined",
  "weakly-up": "memberWeaklyUp",
  up: "memberUp",
  leaving: "memberLeft",
  exiting: "memberExited",
  down: "memberDowned",
};

/**
 * The events that lead from one state to the next, in Akka's order: member status changes,
 * removals, then reachability, then the leader. The node itself never shows as unreachable.
 */
export function diffStates(
  before: MembershipState,
  after: MembershipState,
  convergenceBefore: boolean,
  convergenceAfter: boolean,
): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  const oldMembers = before.gossip.members;
  const newMembers = after.gossip.members;
  if (oldMembers !== newMembers) {
    for (const m of after.gossip.sortedMembers()) {
      const old = oldMembers.get(keyOf(m));
      if (old === undefined || old.status !== m.status) {
        const type = STATUS_EVENT[m.status as Exclude<MemberStatus, "removed">];
        events.push({ type, member: m } as ClusterEvent);
      }
    }
    for (const m of before.gossip.sortedMembers()) {
      if (!newMembers.has(keyOf(m)))
        events.push({
          type: "memberRemoved",
          member: { ...m, status: "removed" },
          previousStatus: m.status,
        });
    }
  }
  const oldR = before.gossip.reachability;
  const newR = after.gossip.reachability;
  if (oldR !== newR) {
    const oldUnreachable = oldR.allUnreachableOrTerminated();
    const newUnreachable = newR.allUnreachableOrTerminated();
    for (const m of after.gossip.sortedMembers()) {
      const key = keyOf(m);
      if (key === after.selfKey) continue;
      const was = oldUnreachable.has(key) && oldMembers.has(key);
      const is = newUnreachable.has(key);
      if (is && !was) events.push({ type: "unreachableMember", member: m });
      else if (!is && was) events.push({ type: "reachableMember", member: m });
    }
  }
  const oldLeader = before.leader();
  const newLeader = after.leader();
  if (oldLeader !== newLeader) {
    const leader = newLeader === undefined ? null : (after.gossip.member(newLeader)?.node ?? null);
    events.push({ type: "leaderChanged", leader });
  }
  if (convergenceBefore !== convergenceAfter)
    events.push({ type: "convergenceChanged", convergence: convergenceAfter });
  return events;
}

function keyOf(m: Member): string {
  return nodeKey(m.node);
}
