// The cluster, one folder per wing:
// - membership/: the membership core (members, gossip, reachability, vector clock, heartbeat,
//   phi accrual) and the ClusterNode that runs it, with the DowningProvider interface it calls;
// - downing/: the providers (auto-down, split-brain resolver and its strategies, lease);
// - simulation/: the deterministic harness (ClusterSimulation, seeded runs, trace, checkers);
// - ddata/, sharding/, singleton/: the tools built on membership; live/: one Web Worker per node.
export { replicatorTransport } from "./ddata/replicator-transport";
export { AutoDowning, NoDowning } from "./downing/auto-down";
export { type Lease, SimulatedLease } from "./downing/lease";
export {
  LATE_DETECTION_MARGIN,
  LATE_DETECTION_MARGIN_REASON,
  SplitBrainResolver,
  type SplitBrainResolverSettings,
} from "./downing/split-brain-resolver";
export {
  type CustomStrategy,
  type Decision,
  decide,
  indirectlyConnected,
  nodesToDown,
  type ResolverView,
  type StrategyConfig,
} from "./downing/strategy";
export {
  ClusterNode,
  type ClusterNodeOptions,
  type ClusterState,
  type NodePhase,
} from "./membership/cluster-node";
export type { DowningAgent, DowningContext, DowningProvider } from "./membership/downing-provider";
export type { ClusterEvent } from "./membership/events";
export { Gossip } from "./membership/gossip";
export {
  compareAddresses,
  compareAge,
  compareNodes,
  hasRole,
  type Member,
  type MemberStatus,
  nodeKey,
  STATUS_RANK,
  type UniqueAddress,
} from "./membership/member";
export { MembershipState } from "./membership/membership-state";
export {
  DEFAULT_PHI_ACCRUAL,
  PhiAccrualFailureDetector,
  type PhiAccrualSettings,
  phi,
} from "./membership/phi-accrual";
export type { ClusterMessage } from "./membership/protocol";
export {
  Reachability,
  type ReachabilityRecord,
  type ReachabilityStatus,
} from "./membership/reachability";
export {
  type ClusterSettings,
  clusterSettings,
  DEFAULT_CLUSTER_SETTINGS,
} from "./membership/settings";
export { type ClockOrder, VectorClock } from "./membership/vector-clock";
export * from "./sharding/index";
export {
  type BackwardMove,
  checkMembershipMovesForward,
  checkSplitBrain,
  type Failover,
  failoverTimes,
  type SplitBrain,
} from "./simulation/checkers";
export { runSeed, type SeededRun, type SeededRunOptions } from "./simulation/seeded-run";
export { ClusterSimulation, type ClusterSimulationOptions } from "./simulation/simulation";
export { ClusterTrace, type ShutdownReason, type TraceRecord } from "./simulation/trace";
export * from "./singleton/index";
