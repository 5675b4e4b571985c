export {
  type BackwardMove,
  checkMembershipMovesForward,
  checkSplitBrain,
  type Failover,
  failoverTimes,
  type SplitBrain,
} from "./checkers";
export {
  ClusterNode,
  type ClusterNodeOptions,
  type ClusterState,
  type NodePhase,
} from "./cluster-node";
export { AutoDowning, NoDowning } from "./downing/auto-down";
export { type Lease, SimulatedLease } from "./downing/lease";
export type { DowningAgent, DowningContext, DowningProvider } from "./downing/provider";
export {
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
export type { ClusterEvent } from "./events";
export { Gossip } from "./gossip";
export {
  compareAddresses,
  compareAge,
  compareNodes,
  type Member,
  type MemberStatus,
  nodeKey,
  STATUS_RANK,
  type UniqueAddress,
} from "./member";
export { MembershipState } from "./membership-state";
export {
  DEFAULT_PHI_ACCRUAL,
  PhiAccrualFailureDetector,
  type PhiAccrualSettings,
  phi,
} from "./phi-accrual";
export type { ClusterMessage } from "./protocol";
export { Reachability, type ReachabilityRecord, type ReachabilityStatus } from "./reachability";
export { replicatorTransport } from "./replicator-transport";
export { runSeed, type SeededRun, type SeededRunOptions } from "./seeded-run";
export { type ClusterSettings, clusterSettings, DEFAULT_CLUSTER_SETTINGS } from "./settings";
export * from "./sharding/index";
export { ClusterSimulation, type ClusterSimulationOptions } from "./simulation";
export * from "./singleton/index";
export { ClusterTrace, type ShutdownReason, type TraceRecord } from "./trace";
export { type ClockOrder, VectorClock } from "./vector-clock";
