import type { NetworkEvent } from "../../sim/network";
import type { MemberStatus, UniqueAddress } from "../membership/member";

/** Why a running node stopped on its own. */
export type ShutdownReason = "downed" | "left" | "removed";

/**
 * One thing that happened in a simulated cluster, stamped with virtual time (`at`, ms). Records
 * are plain data so they can be stored, compared between runs, drawn by widgets and checked.
 */
export type TraceRecord =
  | { readonly at: number; readonly type: "nodeStarted"; readonly node: UniqueAddress }
  | { readonly at: number; readonly type: "nodeCrashed"; readonly node: UniqueAddress }
  | {
      readonly at: number;
      readonly type: "nodeShutdown";
      readonly node: UniqueAddress;
      readonly reason: ShutdownReason;
    }
  | {
      readonly at: number;
      readonly type: "quarantined";
      readonly node: UniqueAddress;
      readonly by: UniqueAddress;
    }
  | {
      readonly at: number;
      readonly type: "leaveRequested";
      readonly node: UniqueAddress;
    }
  | {
      /** `observer`'s view of `member` changed status ("removed" when it left the view). */
      readonly at: number;
      readonly type: "memberStatus";
      readonly observer: UniqueAddress;
      readonly member: UniqueAddress;
      readonly from: MemberStatus | null;
      readonly to: MemberStatus;
    }
  | {
      /** The unreachable flag on `member`, in `observer`'s gossiped reachability table. */
      readonly at: number;
      readonly type: "reachability";
      readonly observer: UniqueAddress;
      readonly member: UniqueAddress;
      readonly reachable: boolean;
    }
  | {
      readonly at: number;
      readonly type: "leaderChanged";
      readonly observer: UniqueAddress;
      readonly leader: UniqueAddress | null;
    }
  | {
      /** A downing provider on `node` decided to down `downed` (maybe itself among them). */
      readonly at: number;
      readonly type: "downingDecision";
      readonly node: UniqueAddress;
      readonly provider: string;
      readonly decision: string;
      readonly downed: readonly UniqueAddress[];
    }
  | {
      readonly at: number;
      readonly type: "lease";
      readonly node: UniqueAddress;
      readonly outcome: "acquired" | "denied" | "released";
    }
  | {
      /**
       * A record from a layer on top of the cluster (sharding, singleton, replicated data):
       * `event` names it ("shardAllocated", "entityStarted", …), `detail` carries plain data.
       */
      readonly at: number;
      readonly type: "app";
      readonly node: UniqueAddress | null;
      readonly event: string;
      readonly detail: Readonly<Record<string, unknown>>;
    }
  | ({ readonly at: number } & NetworkEvent);

/**
 * The observation stream of a simulated cluster: every node, the network and the downing
 * providers append records; subscribers (checkers, widgets, the sharding layer) see each one as
 * it happens, and the full list stays available for checking afterwards.
 *
 * @example Watching members come up
 * ```ts
 * const sim = new ClusterSimulation({ seed: 3, nodes: 3 });
 * const stop = sim.trace.subscribe((r) => {
 *   if (r.type === "memberStatus" && r.to === "up") console.log(`${r.at} ms: ${r.member.address} up`);
 * });
 * sim.runFor(30_000);
 * stop();
 * ```
 */
export class ClusterTrace {
  private readonly list: TraceRecord[] = [];
  private readonly listeners = new Set<(record: TraceRecord) => void>();

  /**
   * @param retain keep records in {@link records} (default true); a long benchmark can turn it
   * off and rely on subscribers.
   */
  constructor(private readonly retain = true) {}

  /** Appends a record and tells every subscriber. */
  emit(record: TraceRecord): void {
    if (this.retain) this.list.push(record);
    for (const listener of this.listeners) listener(record);
  }

  /** Calls `listener` with each record from now on; returns an unsubscribe function. */
  subscribe(listener: (record: TraceRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every record so far, oldest first (empty when constructed with `retain = false`). */
  get records(): readonly TraceRecord[] {
    return this.list;
  }
}
