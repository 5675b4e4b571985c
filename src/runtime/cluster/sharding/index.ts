export {
  type LeastShardAllocationSettings,
  LeastShardAllocationStrategy,
  type ShardAllocationStrategy,
  type ShardAllocations,
} from "./allocation";
export {
  type Acknowledged,
  checkAcknowledgedWrites,
  checkBalanced,
  checkSingleIncarnation,
  type IncarnationViolation,
  type LostWrite,
  shardCounts,
} from "./checkers";
export {
  ClusterSharding,
  type ClusterShardingOptions,
  type Entity,
  EntityRef,
  ShardedEntity,
  type ShardingHost,
} from "./cluster-sharding";
export { coordinatorPersistenceId, ShardCoordinator } from "./coordinator";
export { type CoordinatorEvent, CoordinatorState } from "./coordinator-state";
export {
  type CounterCommand,
  type CounterEvent,
  type CounterReply,
  counterEntity,
  counterPersistenceId,
} from "./counter-entity";
export { advanceSimulation } from "./drive";
export {
  type EntityId,
  hashShardId,
  javaStringHash,
  type ShardId,
  type ShardingEnvelope,
  ShardingMessageExtractor,
  shardingEnvelope,
} from "./extractor";
export { type FailoverOptions, measureFailover } from "./failover";
export { NodeJournal, NodeRuntime, NodeStoppedError } from "./node-runtime";
export { RegionStoppedError, ShardRegion, type ShardRegionOptions } from "./region";
export {
  checkRecoveredState,
  type FinalAnswer,
  type RecoveryMismatch,
  runShardingSeed,
  type ShardingRun,
  type ShardingRunOptions,
} from "./seeded-run";
export { DEFAULT_SHARDING_SETTINGS, type ShardingSettings, shardingSettings } from "./settings";
export { rememberedEntitiesId } from "./shard";
export {
  type EntityStopReason,
  type ShardingRecord,
  type ShardingRecordInput,
  ShardingTrace,
} from "./trace";
