import { type MemberStatus, nodeKey, STATUS_RANK, type UniqueAddress } from "../membership/member";
import type { TraceRecord } from "./trace";

/** Each observer's view of member statuses, by node key. */
type Views = Map<string, Map<string, MemberStatus>>;

/** `observer`'s view, created empty the first time the trace shows it observing. */
function viewOf(views: Views, observer: UniqueAddress): Map<string, MemberStatus> {
  const key = nodeKey(observer);
  let view = views.get(key);
  if (view === undefined) {
    view = new Map();
    views.set(key, view);
  }
  return view;
}

/** A membership change that went backwards in one observer's view. */
export interface BackwardMove {
  readonly at: number;
  readonly observer: UniqueAddress;
  readonly member: UniqueAddress;
  readonly from: MemberStatus | null;
  readonly to: MemberStatus;
}

/**
 * Checks that membership only moves forward: in every observer's view, each member's status
 * only rises in rank (joining < weakly-up < up < leaving < exiting < down < removed), a removed
 * member never reappears, and a member first appears as what the observer was told, never out
 * of nowhere after its removal. Returns every violation (empty when the trace is fine).
 *
 * @example
 * expect(checkMembershipMovesForward(sim.trace.records)).toEqual([]);
 */
export function checkMembershipMovesForward(records: readonly TraceRecord[]): BackwardMove[] {
  const views: Views = new Map();
  const violations: BackwardMove[] = [];
  for (const r of records) {
    if (r.type !== "memberStatus") continue;
    const view = viewOf(views, r.observer);
    const key = nodeKey(r.member);
    const previous = view.get(key);
    if (previous !== undefined && STATUS_RANK[r.to] <= STATUS_RANK[previous])
      violations.push({
        at: r.at,
        observer: r.observer,
        member: r.member,
        from: previous,
        to: r.to,
      });
    else view.set(key, r.to);
  }
  return violations;
}

/** Two live nodes that each think they are in the cluster and that the other is down. */
export interface SplitBrain {
  readonly at: number;
  readonly a: UniqueAddress;
  readonly b: UniqueAddress;
}

/** Statuses in which a node considers itself a working member of the cluster. */
const IN_CLUSTER: ReadonlySet<MemberStatus> = new Set(["weakly-up", "up", "leaving"]);
const GONE: ReadonlySet<MemberStatus> = new Set(["down", "removed"]);

/**
 * Finds split brains. Precisely: at some instant (after every record stamped with that virtual
 * time), two nodes `a` and `b` are both alive (started, not crashed, not shut down), each sees
 * itself as weakly-up, up or leaving, and each sees the other as down or removed. Then both
 * sides have failed the other over while it still runs: two clusters, two copies of every
 * singleton. Reports each pair once, at the first instant it happens.
 *
 * @example Checking a run for split brain
 * ```ts
 * declare const sim: ClusterSimulation;
 * const violations = checkSplitBrain(sim.trace.records);
 * if (violations.length > 0) console.log(`split brain at ${violations[0]?.at} ms`);
 * ```
 */
export function checkSplitBrain(records: readonly TraceRecord[]): SplitBrain[] {
  const alive = new Map<string, UniqueAddress>();
  const views: Views = new Map();
  const reported = new Set<string>();
  const violations: SplitBrain[] = [];
  let dirty = false;
  const check = (at: number) => {
    if (!dirty) return;
    dirty = false;
    const inCluster: [string, UniqueAddress, Map<string, MemberStatus>][] = [];
    for (const [key, node] of alive) {
      const view = views.get(key);
      const self = view?.get(key);
      if (view !== undefined && self !== undefined && IN_CLUSTER.has(self))
        inCluster.push([key, node, view]);
    }
    for (let i = 0; i < inCluster.length; i++) {
      const [ka, a, va] = inCluster[i] as [string, UniqueAddress, Map<string, MemberStatus>];
      for (let j = i + 1; j < inCluster.length; j++) {
        const [kb, b, vb] = inCluster[j] as [string, UniqueAddress, Map<string, MemberStatus>];
        const ab = va.get(kb);
        const ba = vb.get(ka);
        if (ab === undefined || ba === undefined || !GONE.has(ab) || !GONE.has(ba)) continue;
        const pair = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
        if (reported.has(pair)) continue;
        reported.add(pair);
        violations.push({ at, a, b });
      }
    }
  };
  let now = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.at !== now) {
      check(now);
      now = r.at;
    }
    switch (r.type) {
      case "nodeStarted":
        alive.set(nodeKey(r.node), r.node);
        dirty = true;
        break;
      case "nodeCrashed":
      case "nodeShutdown":
        alive.delete(nodeKey(r.node));
        views.delete(nodeKey(r.node));
        break;
      case "memberStatus": {
        const view = viewOf(views, r.observer);
        view.set(nodeKey(r.member), r.to);
        dirty = true;
        break;
      }
      default:
        break;
    }
  }
  check(now);
  return violations;
}

/** How long the cluster took to fail over one crashed incarnation. */
export interface Failover {
  readonly crashed: UniqueAddress;
  readonly crashedAt: number;
  /** Milliseconds from the crash until every live member saw it removed; undefined if never. */
  readonly failoverMs: number | undefined;
}

/**
 * For every crash in the trace, the time until every live node that considers itself in the
 * cluster has removed the crashed incarnation from its view: the point from which its shards
 * and singletons can be started elsewhere. Without downing this never happens.
 *
 * @example How long the first failover took
 * ```ts
 * declare const sim: ClusterSimulation;
 * const [first] = failoverTimes(sim.trace.records);
 * first?.failoverMs; // e.g. 31_400 with keep-majority and the defaults, undefined with "none"
 * ```
 */
export function failoverTimes(records: readonly TraceRecord[]): Failover[] {
  const alive = new Set<string>();
  const views: Views = new Map();
  const open: { crashed: UniqueAddress; key: string; at: number }[] = [];
  const results = new Map<string, Failover>();
  const order: string[] = [];
  const settle = (at: number) => {
    for (let i = open.length - 1; i >= 0; i--) {
      const o = open[i] as (typeof open)[number];
      let everyoneRemoved = true;
      let anyone = false;
      for (const key of alive) {
        const view = views.get(key);
        const self = view?.get(key);
        if (self === undefined || !IN_CLUSTER.has(self)) continue;
        anyone = true;
        if (view?.get(o.key) !== "removed" && view?.has(o.key)) everyoneRemoved = false;
      }
      if (anyone && everyoneRemoved) {
        results.set(o.key, { crashed: o.crashed, crashedAt: o.at, failoverMs: at - o.at });
        open.splice(i, 1);
      }
    }
  };
  let now = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.at !== now) {
      settle(now);
      now = r.at;
    }
    if (r.type === "nodeStarted") alive.add(nodeKey(r.node));
    else if (r.type === "nodeCrashed" || r.type === "nodeShutdown") {
      const key = nodeKey(r.node);
      alive.delete(key);
      views.delete(key);
      if (r.type === "nodeCrashed") {
        open.push({ crashed: r.node, key, at: r.at });
        order.push(key);
        results.set(key, { crashed: r.node, crashedAt: r.at, failoverMs: undefined });
      }
    } else if (r.type === "memberStatus") {
      const view = viewOf(views, r.observer);
      view.set(nodeKey(r.member), r.to);
    }
  }
  settle(now);
  return order.map((k) => results.get(k) as Failover);
}
