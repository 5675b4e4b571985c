import type { Scheduler } from "../../sim/scheduler";
import type { TraceRecord } from "../simulation/trace";
import type { ClusterEvent } from "./events";
import type { UniqueAddress } from "./member";
import type { MembershipState } from "./membership-state";

/** What a node offers the downing agent running on it. */
export interface DowningContext {
  readonly self: UniqueAddress;
  readonly scheduler: Scheduler;
  /** The node's current membership state. */
  state(): MembershipState;
  /** Marks `node` down in this node's gossip (Akka's `cluster.down`). */
  down(node: UniqueAddress): void;
  /** Listens to this node's cluster events; returns an unsubscribe function. */
  subscribe(listener: (event: ClusterEvent) => void): () => void;
  /** Appends to the cluster trace (decisions, lease outcomes), stamped with this node's time. */
  record(record: DistributiveOmit<TraceRecord, "at">): void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A running downing agent on one node incarnation. */
export interface DowningAgent {
  /** Called when the node stops (crash or shutdown): cancel timers. */
  stop(): void;
}

/**
 * Decides which unreachable members to down, after Akka's `DowningProvider`. One agent runs on
 * every node; whether it acts (only on the leader, or everywhere) is its own business.
 *
 * @example Down a member that stays unreachable for 30 s (from the leader only)
 * ```ts
 * const downAfter30s: DowningProvider = {
 *   name: "down-after-30s",
 *   start(ctx) {
 *     const timers = new Map<string, Cancellable>();
 *     const unsubscribe = ctx.subscribe((e) => {
 *       if (e.type === "unreachableMember") {
 *         const timer = ctx.scheduler.schedule(30_000, () => {
 *           if (ctx.state().isLeader()) ctx.down(e.member.node);
 *         });
 *         timers.set(nodeKey(e.member.node), timer);
 *       }
 *       if (e.type === "reachableMember") timers.get(nodeKey(e.member.node))?.cancel();
 *     });
 *     return {
 *       stop: () => {
 *         unsubscribe();
 *         for (const timer of timers.values()) timer.cancel();
 *       },
 *     };
 *   },
 * };
 * ```
 */
export interface DowningProvider {
  /** For traces and logs, e.g. "split-brain-resolver:keep-majority". */
  readonly name: string;
  /** Starts the agent for one node incarnation, once the node has joined. */
  start(context: DowningContext): DowningAgent;
}
