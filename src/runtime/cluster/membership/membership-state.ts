import type { Gossip } from "./gossip";
import {
  compareAge,
  hasRole,
  type Member,
  type MemberStatus,
  NOT_UP,
  nodeKey,
  type UniqueAddress,
} from "./member";
import type { Reachability } from "./reachability";

/** Statuses whose members must have seen a version for convergence (Akka). */
const CONVERGENCE_STATUS: ReadonlySet<MemberStatus> = new Set(["up", "leaving"]);
/** Unreachable members with these statuses do not block convergence, and can be removed. */
const SKIP_UNREACHABLE_STATUS: ReadonlySet<MemberStatus> = new Set(["down", "exiting"]);
/** Statuses a leader is preferably chosen from. */
const LEADER_STATUS: ReadonlySet<MemberStatus> = new Set(["up", "leaving"]);

/**
 * One node's reading of a gossip: convergence, leader, reachability as this node must judge
 * them. Pure; a node builds a new one whenever its gossip changes.
 *
 * @example Leader and convergence as one node sees them
 * ```ts
 * declare const sim: ClusterSimulation;
 * const state = sim.node("node-2")?.membershipState();
 * state?.leader(); // "node-1#…" on a healthy cluster
 * state?.convergence(new Set()); // true once everyone has seen the latest gossip
 * ```
 */
export class MembershipState {
  readonly selfKey: string;
  private excludingDowned: Reachability | undefined;

  constructor(
    readonly gossip: Gossip,
    readonly self: UniqueAddress,
  ) {
    this.selfKey = nodeKey(self);
  }

  /** This node's own entry in the gossip, if it has joined and not been removed. */
  get selfMember(): Member | undefined {
    return this.gossip.member(this.selfKey);
  }

  /** This node's status as its own gossip says; `removed` when it is not a member. */
  get selfStatus(): MemberStatus {
    return this.selfMember?.status ?? "removed";
  }

  /** The reachability table without observations made by downed members. */
  reachabilityExcludingDownedObservers(): Reachability {
    if (this.excludingDowned === undefined) {
      const downed = new Set<string>();
      for (const [k, m] of this.gossip.members) if (m.status === "down") downed.add(k);
      this.excludingDowned = this.gossip.reachability.removeObservers(downed);
    }
    return this.excludingDowned;
  }

  /**
   * Convergence, after Akka: every unreachable member (other than this node, and other than
   * members that confirmed their exit) is down or exiting, and every up or leaving member has
   * seen this version. Leader actions wait for it, so a leader never acts on a view others lack.
   */
  convergence(exitingConfirmed: ReadonlySet<string>): boolean {
    const g = this.gossip;
    for (const key of this.reachabilityExcludingDownedObservers().allUnreachableOrTerminated()) {
      if (key === this.selfKey || exitingConfirmed.has(key)) continue;
      const m = g.member(key);
      if (m !== undefined && !SKIP_UNREACHABLE_STATUS.has(m.status)) return false;
    }
    for (const [key, m] of g.members) {
      if (CONVERGENCE_STATUS.has(m.status) && !g.seenBy(key) && !exitingConfirmed.has(key))
        return false;
    }
    return true;
  }

  /**
   * The leader: the first member in address order that is up or leaving, among members that are
   * not down and that this node counts as reachable (itself always). Each side of a partition
   * therefore has its own leader. Without such a member, the first reachable one of any status.
   */
  leader(): string | undefined {
    const r = this.gossip.reachability;
    let fallback: Member | undefined;
    for (const m of this.gossip.sortedMembers()) {
      if (m.status === "down") continue;
      const key = nodeKey(m.node);
      if (key !== this.selfKey && !r.isReachable(key)) continue;
      if (LEADER_STATUS.has(m.status)) return key;
      if (fallback === undefined || (fallback.status === "exiting" && m.status !== "exiting"))
        fallback = m;
    }
    return fallback === undefined ? undefined : nodeKey(fallback.node);
  }

  /** True when this node is the leader of its view, and so performs leader actions. */
  isLeader(): boolean {
    return this.leader() === this.selfKey;
  }

  /** Whether to gossip to `key`: another member that this node itself does not see as unreachable. */
  validNodeForGossip(key: string): boolean {
    return key !== this.selfKey && this.gossip.reachability.isReachableFrom(this.selfKey, key);
  }

  /**
   * Who hears at once that `exiting` members are exiting, after Akka's
   * `gossipTargetsForExitingMembers`: the two oldest members, and the two oldest with each role
   * the exiting members have. A cluster singleton (the sharding coordinator among them) runs on
   * one of those, so its hand-over starts without waiting for gossip rounds.
   */
  gossipTargetsForExitingMembers(exiting: readonly Member[]): Member[] {
    if (exiting.length === 0) return [];
    const byAge = [...this.gossip.members.values()].sort(compareAge);
    const targets = new Set<Member>(byAge.slice(0, 2));
    const roles = new Set(exiting.flatMap((m) => m.roles ?? []));
    for (const role of roles)
      for (const m of byAge.filter((m) => hasRole(m, role)).slice(0, 2)) targets.add(m);
    return [...targets];
  }

  /** The highest up number in use, so the next member up is younger than everyone. */
  youngestUpNumber(): number {
    let youngest = 0;
    for (const m of this.gossip.members.values())
      if (m.upNumber !== NOT_UP && m.upNumber > youngest) youngest = m.upNumber;
    return youngest;
  }
}
