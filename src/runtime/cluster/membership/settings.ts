import type { Address } from "../../sim/network";
import { DEFAULT_PHI_ACCRUAL, type PhiAccrualSettings } from "./phi-accrual";

/**
 * Timings and knobs of one cluster node. Defaults are Akka's (`akka.cluster`), so failure
 * detection and downing take as long in simulated seconds as they would in production.
 */
export interface ClusterSettings {
  /** Addresses to ask for a way in (InitJoin). A node never asks itself. */
  readonly seedNodes: readonly Address[];
  /** How often a node gossips to one other member (1 s). */
  readonly gossipIntervalMs: number;
  /** How often the leader checks for convergence and moves members on (1 s). */
  readonly leaderActionsIntervalMs: number;
  /** How often failure-detector verdicts are written into the reachability table (1 s). */
  readonly unreachableNodesReaperIntervalMs: number;
  /** Heartbeat period (1 s). */
  readonly heartbeatIntervalMs: number;
  /** After this long without a first response, start the detector's clock anyway (1 s). */
  readonly heartbeatExpectedResponseAfterMs: number;
  /**
   * Each node is monitored by this many others, chosen on a hash ring (Akka's
   * `monitored-by-nr-of-members`, 9): in clusters of up to 10 nodes, everyone monitors everyone.
   */
  readonly monitoredByNrOfMembers: number;
  readonly failureDetector: PhiAccrualSettings;
  /** Let joining members become weakly up while convergence is blocked (true). */
  readonly allowWeaklyUpMembers: boolean;
  /** How long the leader waits without convergence before weakly-up (7 s). */
  readonly weaklyUpAfterMs: number;
  /** How often a joining node repeats InitJoin to the seeds (1 s). */
  readonly joinRetryIntervalMs: number;
  /** Give up on a Join with no Welcome and ask the seeds again (10 s). */
  readonly retryUnsuccessfulJoinAfterMs: number;
  /** Chance of preferring gossip targets that have not seen the current version (0.8). */
  readonly gossipDifferentViewProbability: number;
  /**
   * A downed node waits for the news to spread before shutting down, at most this many gossip
   * ticks (Akka's `MaxTicksBeforeShuttingDownMyself`, 4).
   */
  readonly maxTicksBeforeShuttingDownWhenDown: number;
  /**
   * How long a removed member's tombstone stays in the gossip, so that an old gossip cannot
   * bring it back (Akka's `prune-gossip-tombstones-after`, 24 h). The leader prunes older ones.
   */
  readonly pruneGossipTombstonesAfterMs: number;
}

/** Akka's defaults (`akka.cluster.*`); a simulation overrides only what it needs. */
export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = {
  seedNodes: [],
  gossipIntervalMs: 1000,
  leaderActionsIntervalMs: 1000,
  unreachableNodesReaperIntervalMs: 1000,
  heartbeatIntervalMs: 1000,
  heartbeatExpectedResponseAfterMs: 1000,
  monitoredByNrOfMembers: 9,
  failureDetector: DEFAULT_PHI_ACCRUAL,
  allowWeaklyUpMembers: true,
  weaklyUpAfterMs: 7000,
  joinRetryIntervalMs: 1000,
  retryUnsuccessfulJoinAfterMs: 10_000,
  gossipDifferentViewProbability: 0.8,
  maxTicksBeforeShuttingDownWhenDown: 4,
  pruneGossipTombstonesAfterMs: 24 * 60 * 60 * 1000,
};

/** Settings with defaults filled in; throws a RangeError naming the bad field. */
export function clusterSettings(overrides: Partial<ClusterSettings> = {}): ClusterSettings {
  const s: ClusterSettings = {
    ...DEFAULT_CLUSTER_SETTINGS,
    ...overrides,
    failureDetector: { ...DEFAULT_PHI_ACCRUAL, ...overrides.failureDetector },
  };
  const positive: (keyof ClusterSettings)[] = [
    "gossipIntervalMs",
    "leaderActionsIntervalMs",
    "unreachableNodesReaperIntervalMs",
    "heartbeatIntervalMs",
    "heartbeatExpectedResponseAfterMs",
    "monitoredByNrOfMembers",
    "weaklyUpAfterMs",
    "joinRetryIntervalMs",
    "retryUnsuccessfulJoinAfterMs",
    "maxTicksBeforeShuttingDownWhenDown",
    "pruneGossipTombstonesAfterMs",
  ];
  for (const field of positive) {
    const v = s[field] as number;
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`ClusterSettings.${field} must be a positive number, got ${v}`);
  }
  const p = s.gossipDifferentViewProbability;
  if (!(p >= 0 && p <= 1))
    throw new RangeError(
      `ClusterSettings.gossipDifferentViewProbability must be in [0, 1], got ${p}`,
    );
  return s;
}
