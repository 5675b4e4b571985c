export { LiveCluster, type LiveClusterOptions, type NodeWorker } from "./live-cluster";
export { type NodeRunnerOptions, nodeRunner } from "./node-runner";
export { PortTransport } from "./port-transport";
export {
  type DowningSpec,
  downingFrom,
  type FromNode,
  type LiveMemberView,
  type LiveNodeState,
  type LiveShardingSpec,
  type NodeStart,
  type ToNode,
} from "./protocol";
export { Relay, type RelayEndpoint } from "./relay";
export {
  decodeGossip,
  decodeMessage,
  encodeGossip,
  encodeMessage,
  type WireGossip,
  type WireMessage,
} from "./wire";
