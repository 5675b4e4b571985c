import { VersionVector } from "../ddata/version-vector";
import {
  compareNodes,
  highestPriorityOf,
  type Member,
  type MemberStatus,
  nodeKey,
  STATUS_RANK,
} from "./member";
import { Reachability } from "./reachability";

/**
 * Members in address order, by gossip, computed once. Kept beside the instances rather than on
 * them: `Gossip.empty` may be frozen (labs harden the runtime's exports).
 */
const sortedMembers = new WeakMap<Gossip, Member[]>();

/**
 * Statuses of a member that one side of a merge lacks and so has removed (Akka's
 * `MembershipState.removeUnreachableWithMemberStatus`): the merge drops it.
 */
const REMOVED_WHEN_ONE_SIDED: ReadonlySet<MemberStatus> = new Set(["down", "exiting"]);

/**
 * The state every node gossips, after Akka's `Gossip`: the members, which nodes have seen this
 * version (the seen set, for convergence), the reachability table, a version (a
 * {@link VersionVector}, which Akka's cluster calls a `VectorClock`), and tombstones for removed
 * members so that a stale gossip cannot bring them back. Immutable.
 *
 * @example Looking at one node's gossip
 * ```ts
 * declare const sim: ClusterSimulation;
 * const g = sim.node("node-1")?.membershipState().gossip;
 * g?.sortedMembers().map((m) => `${m.node.address}:${m.status}`);
 * g?.seenBy("node-2#9"); // has node-2 seen this version?
 * ```
 */
export class Gossip {
  static readonly empty = new Gossip(
    new Map(),
    new Set(),
    Reachability.empty,
    VersionVector.empty,
    new Map(),
  );

  constructor(
    /** Members by node key. */
    readonly members: ReadonlyMap<string, Member>,
    /** Node keys that have seen this exact version. */
    readonly seen: ReadonlySet<string>,
    readonly reachability: Reachability,
    readonly version: VersionVector,
    /** Removed node keys and the virtual time of removal. */
    readonly tombstones: ReadonlyMap<string, number>,
  ) {}

  /** The member with this node key (`address#uid`), if the gossip knows it. */
  member(key: string): Member | undefined {
    return this.members.get(key);
  }

  /** Members in address order. */
  sortedMembers(): readonly Member[] {
    let sorted = sortedMembers.get(this);
    if (sorted === undefined) {
      sorted = [...this.members.values()].sort((a, b) => compareNodes(a.node, b.node));
      sortedMembers.set(this, sorted);
    }
    return sorted;
  }

  /** True when node `key` has seen this version of the gossip (convergence needs all of them). */
  seenBy(key: string): boolean {
    return this.seen.has(key);
  }

  /** A copy with these members (gossip is immutable; tick the version to publish a change). */
  withMembers(members: ReadonlyMap<string, Member>): Gossip {
    return new Gossip(members, this.seen, this.reachability, this.version, this.tombstones);
  }

  /** A copy with `member` added or replaced. */
  withMember(member: Member): Gossip {
    return this.withMembers(new Map(this.members).set(nodeKey(member.node), member));
  }

  /** A copy with this reachability table. */
  withReachability(reachability: Reachability): Gossip {
    if (reachability === this.reachability) return this;
    return new Gossip(this.members, this.seen, reachability, this.version, this.tombstones);
  }

  /** A new version, ticked by `key`, that only `key` has seen. */
  tickedBy(key: string): Gossip {
    return new Gossip(
      this.members,
      new Set([key]),
      this.reachability,
      this.version.increment(key),
      this.tombstones,
    );
  }

  /** A copy that node `key` has also seen. */
  withSeen(key: string): Gossip {
    if (this.seen.has(key)) return this;
    return new Gossip(
      this.members,
      new Set(this.seen).add(key),
      this.reachability,
      this.version,
      this.tombstones,
    );
  }

  /** The seen sets of two gossips with the same version, combined. */
  mergeSeen(that: Gossip): Gossip {
    let missing = false;
    for (const k of that.seen) if (!this.seen.has(k)) missing = true;
    if (!missing) return this;
    return new Gossip(
      this.members,
      new Set([...this.seen, ...that.seen]),
      this.reachability,
      this.version,
      this.tombstones,
    );
  }

  /** The version without `key`'s entry: done when a member is removed. */
  prune(key: string): Gossip {
    const version = this.version.prune(key);
    if (version === this.version) return this;
    return new Gossip(this.members, this.seen, this.reachability, version, this.tombstones);
  }

  /** `member` as down; the downed node leaves the seen set (its view no longer counts). */
  markAsDown(member: Member): Gossip {
    const key = nodeKey(member.node);
    const members = new Map(this.members).set(key, { ...member, status: "down" });
    const seen = new Set(this.seen);
    seen.delete(key);
    return new Gossip(members, seen, this.reachability, this.version, this.tombstones);
  }

  /** Removes a member for good: gone from members, seen, reachability and version; tombstoned. */
  remove(key: string, at: number): Gossip {
    const members = new Map(this.members);
    members.delete(key);
    const seen = new Set(this.seen);
    seen.delete(key);
    return new Gossip(
      members,
      seen,
      this.reachability.remove([key]),
      this.version.prune(key),
      new Map(this.tombstones).set(key, at),
    );
  }

  /**
   * A copy without the tombstones of members removed at or before `removedBefore` (Akka's
   * `Gossip.pruneTombstones`); the same gossip when there are none.
   */
  pruneTombstones(removedBefore: number): Gossip {
    let tombstones: Map<string, number> | undefined;
    for (const [key, at] of this.tombstones) {
      if (at > removedBefore) continue;
      tombstones ??= new Map(this.tombstones);
      tombstones.delete(key);
    }
    if (tombstones === undefined) return this;
    return new Gossip(this.members, this.seen, this.reachability, this.version, tombstones);
  }

  /**
   * True when this gossip knows at least as much about every member as `that`: each of its
   * members is here at an equal or higher status, or tombstoned here, and nothing it removed is
   * still a member here.
   */
  covers(that: Gossip): boolean {
    for (const [key, m] of that.members) {
      const mine = this.members.get(key);
      if (mine === undefined) {
        if (!this.tombstones.has(key)) return false;
      } else if (STATUS_RANK[mine.status] < STATUS_RANK[m.status]) return false;
    }
    for (const key of that.tombstones.keys()) if (this.members.has(key)) return false;
    return true;
  }

  /**
   * Merges two concurrent gossips, after Akka's `Gossip.merge`: tombstones united, versions
   * merged (without tombstoned entries), each member known to both taken at its highest status,
   * reachability rows by observer version. A member known to only one side is kept unless it is
   * tombstoned or down or exiting (Akka's `Member.pickHighestPriority`): the other side has
   * already removed it, so it must not come back. Nobody has seen the result yet.
   */
  merge(that: Gossip): Gossip {
    const tombstones = new Map(this.tombstones);
    for (const [k, t] of that.tombstones) if (!tombstones.has(k)) tombstones.set(k, t);
    let version = this.version.merge(that.version);
    for (const k of tombstones.keys()) version = version.prune(k);
    const members = new Map<string, Member>();
    for (const [k, m] of this.members) {
      if (tombstones.has(k)) continue;
      const other = that.members.get(k);
      if (other !== undefined) members.set(k, highestPriorityOf(m, other));
      else if (!REMOVED_WHEN_ONE_SIDED.has(m.status)) members.set(k, m);
    }
    for (const [k, m] of that.members) {
      if (tombstones.has(k) || this.members.has(k) || REMOVED_WHEN_ONE_SIDED.has(m.status))
        continue;
      members.set(k, m);
    }
    const reachability = this.reachability.merge(new Set(members.keys()), that.reachability);
    return new Gossip(members, new Set(), reachability, version, tombstones);
  }
}
