import { Gossip } from "../gossip";
import { type Member, nodeKey } from "../member";
import type { ClusterMessage } from "../protocol";
import { Reachability, type ReachabilityRecord } from "../reachability";
import { VectorClock } from "../vector-clock";

/**
 * A gossip as plain data. `postMessage` clones with the structured-clone algorithm, which keeps
 * Maps and arrays but drops class prototypes, so a `Gossip` must cross as fields and be rebuilt.
 */
export interface WireGossip {
  readonly members: readonly Member[];
  readonly seen: readonly string[];
  readonly reachability: {
    readonly records: readonly ReachabilityRecord[];
    readonly versions: readonly (readonly [string, number])[];
  };
  readonly version: readonly (readonly [string, number])[];
  readonly tombstones: readonly (readonly [string, number])[];
}

/** A {@link ClusterMessage} with its gossip (if any) as {@link WireGossip}. */
export type WireMessage =
  | Exclude<ClusterMessage, { readonly gossip: Gossip }>
  | (Omit<Extract<ClusterMessage, { type: "Welcome" }>, "gossip"> & {
      readonly gossip: WireGossip;
    })
  | (Omit<Extract<ClusterMessage, { type: "Gossip" }>, "gossip"> & {
      readonly gossip: WireGossip;
    });

/** The message as structured-cloneable data. */
export function encodeMessage(message: ClusterMessage): WireMessage {
  if (message.type === "Welcome" || message.type === "Gossip")
    return { ...message, gossip: encodeGossip(message.gossip) };
  return message;
}

/** The message back, with a real {@link Gossip}. Throws naming the field when it is malformed. */
export function decodeMessage(wire: WireMessage): ClusterMessage {
  if (wire === null || typeof wire !== "object" || typeof wire.type !== "string")
    throw new TypeError(`live wire: a message needs a string "type", got ${JSON.stringify(wire)}`);
  if (wire.type === "Welcome" || wire.type === "Gossip")
    return { ...wire, gossip: decodeGossip(wire.gossip) };
  return wire;
}

export function encodeGossip(g: Gossip): WireGossip {
  return {
    members: [...g.members.values()],
    seen: [...g.seen],
    reachability: {
      records: g.reachability.records(),
      versions: [...g.reachability.versions],
    },
    version: [...g.version.entries],
    tombstones: [...g.tombstones],
  };
}

export function decodeGossip(w: WireGossip): Gossip {
  for (const field of ["members", "seen", "version", "tombstones"] as const)
    if (!Array.isArray(w?.[field]))
      throw new TypeError(`live wire: gossip.${field} must be an array`);
  if (!Array.isArray(w.reachability?.records) || !Array.isArray(w.reachability?.versions))
    throw new TypeError("live wire: gossip.reachability needs records and versions arrays");
  return new Gossip(
    new Map(w.members.map((m) => [nodeKey(m.node), m])),
    new Set(w.seen),
    Reachability.fromRecords(w.reachability.records, w.reachability.versions),
    VectorClock.fromEntries(w.version),
    new Map(w.tombstones),
  );
}
