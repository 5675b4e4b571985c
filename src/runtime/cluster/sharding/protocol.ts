import type { UniqueAddress } from "../membership/member";
import type { EntityId, ShardId } from "./extractor";

/** Messages to a shard coordinator, over the simulated network. */
export type CoordinatorMessage =
  | { readonly type: "Register" }
  | { readonly type: "RegisterProxy" }
  | { readonly type: "GetShardHome"; readonly shard: ShardId }
  | { readonly type: "ShardStarted"; readonly shard: ShardId }
  | { readonly type: "BeginHandOffAck"; readonly shard: ShardId }
  | { readonly type: "ShardStopped"; readonly shard: ShardId }
  | { readonly type: "GracefulShutdownReq" };

/** Messages to a shard region, from the coordinator or from other regions. */
export type RegionMessage =
  | { readonly type: "RegisterAck" }
  | { readonly type: "ShardHome"; readonly shard: ShardId; readonly region: UniqueAddress }
  | { readonly type: "HostShard"; readonly shard: ShardId }
  | { readonly type: "BeginHandOff"; readonly shard: ShardId }
  | { readonly type: "HandOff"; readonly shard: ShardId }
  | { readonly type: "Deliver"; readonly entityId: EntityId; readonly message: unknown }
  | { readonly type: "Reply"; readonly askId: number; readonly message: unknown };

export const coordinatorChannel = (typeName: string) => `sharding:${typeName}:coordinator`;
export const regionChannel = (typeName: string) => `sharding:${typeName}:region`;
