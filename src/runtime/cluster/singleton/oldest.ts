import type { ClusterEvent } from "../membership/events";
import {
  compareAge,
  hasRole,
  type Member,
  type MemberStatus,
  NOT_UP,
  nodeKey,
} from "../membership/member";

/** Statuses of members that can hold a singleton, or still block the next in line. */
const HOLDING: ReadonlySet<MemberStatus> = new Set(["up", "down"]);

/**
 * How a member left a node's view: when, and from which status.
 *
 * @example
 * const r: Removal = { at: 31_000, previousStatus: "down" }; // successors wait the margin
 */
export interface Removal {
  readonly at: number;
  readonly previousStatus: MemberStatus;
}

/**
 * The oldest member of a view: the up member with the smallest up number. A leaving member
 * stops counting at once (it hands over), but a downed member keeps its place until it is
 * removed: its node may still run on the other side of a partition, so nobody may take over
 * before it is gone. With a `role`, only members that have it count (Akka's
 * `ClusterSingletonManagerSettings.role`).
 *
 * @example The oldest member, and the oldest with a role
 * ```ts
 * declare const node: ClusterNode;
 * oldestMember(node.state().members)?.node.address; // "node-1"
 * oldestMember(node.state().members, "backend")?.node.address; // the oldest with that role
 * ```
 */
export function oldestMember(members: Iterable<Member>, role?: string): Member | undefined {
  let best: Member | undefined;
  for (const m of members) {
    if (!HOLDING.has(m.status) || m.upNumber === NOT_UP) continue;
    if (role !== undefined && !hasRole(m, role)) continue;
    if (best === undefined || compareAge(m, best) < 0) best = m;
  }
  return best;
}

/**
 * Remembers when and from which status members left one node's view, from its
 * `memberRemoved` events: a downed member's successor waits a margin, an exited one's does not.
 *
 * @example Remembering removals from one node's events
 * ```ts
 * declare const node: ClusterNode;
 * declare const scheduler: Scheduler;
 * const removals = new Removals();
 * node.subscribe((e) => removals.apply(e, scheduler.now()));
 * removals.of("node-3#123")?.previousStatus; // "down"
 * ```
 */
export class Removals {
  private readonly removals = new Map<string, Removal>();
  private downedAt = Number.NEGATIVE_INFINITY;

  /** Records a `memberRemoved` event seen at `now`; other events are ignored. */
  apply(event: ClusterEvent, now: number): void {
    if (event.type !== "memberRemoved") return;
    this.removals.set(nodeKey(event.member.node), {
      at: now,
      previousStatus: event.previousStatus,
    });
    if (event.previousStatus === "down") this.downedAt = now;
  }

  /** When and from which status the member with this node key was removed, if it was. */
  of(key: string): Removal | undefined {
    return this.removals.get(key);
  }

  /** When the last downed member was removed from this view (-Infinity if none was). */
  get lastDownedRemovalAt(): number {
    return this.downedAt;
  }
}
