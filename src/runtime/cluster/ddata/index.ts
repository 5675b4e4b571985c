export { assertJson, canonicalJson, type JsonValue } from "./canonical";
export {
  type Consistency,
  quorumSize,
  type ReadConsistency,
  readAll,
  readLocal,
  readMajority,
  type WriteConsistency,
  writeAll,
  writeLocal,
  writeMajority,
} from "./consistency";
export {
  type DataKind,
  DataKindMismatchError,
  digestOf,
  fromWire,
  GCounterKey,
  type Key,
  LWWMapKey,
  mergeData,
  ORSetKey,
  PNCounterKey,
  type ReplicatedData,
  type ReplicatedDataWire,
  toWire,
} from "./data";
export { GCounter, type GCounterWire } from "./gcounter";
export { type LoopbackFaults, LoopbackNetwork } from "./loopback-network";
export { type LWWEntry, LWWMap, type LWWMapWire } from "./lww-map";
export { ORSet, type ORSetElement, type ORSetWire } from "./orset";
export { PNCounter, type PNCounterWire } from "./pncounter";
export type { ReplicatorMessage, ReplicatorTransport } from "./protocol";
export {
  type ChangeCause,
  type GetResponse,
  Replicator,
  type ReplicatorEvent,
  type ReplicatorOptions,
  type UpdateContext,
  type UpdateResponse,
} from "./replicator";
export { type ReplicaId, type VersionOrder, VersionVector } from "./version-vector";
