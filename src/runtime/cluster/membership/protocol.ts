import type { Gossip } from "./gossip";
import type { UniqueAddress } from "./member";

/**
 * Everything nodes say to each other over the simulated network: the cluster's own protocol
 * (joining, gossip, heartbeats) and application messages on named channels, which is how
 * sharding, singletons and replicated data talk between nodes.
 */
export type ClusterMessage =
  | { readonly type: "InitJoin"; readonly from: UniqueAddress }
  | { readonly type: "InitJoinAck"; readonly from: UniqueAddress }
  | { readonly type: "InitJoinNack"; readonly from: UniqueAddress }
  | { readonly type: "Join"; readonly node: UniqueAddress; readonly roles?: readonly string[] }
  | { readonly type: "Welcome"; readonly from: UniqueAddress; readonly gossip: Gossip }
  | {
      readonly type: "Gossip";
      readonly from: UniqueAddress;
      readonly to: UniqueAddress;
      readonly gossip: Gossip;
    }
  | { readonly type: "Heartbeat"; readonly from: UniqueAddress; readonly sequenceNr: number }
  | { readonly type: "HeartbeatRsp"; readonly from: UniqueAddress; readonly sequenceNr: number }
  | { readonly type: "ExitingConfirmed"; readonly node: UniqueAddress }
  | { readonly type: "Quarantined"; readonly from: UniqueAddress; readonly to: UniqueAddress }
  | {
      readonly type: "App";
      readonly channel: string;
      readonly from: UniqueAddress;
      /** When set, only this incarnation may receive it; a restarted node drops it. */
      readonly toUid: number | undefined;
      readonly payload: unknown;
    };
