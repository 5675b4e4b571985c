import { ActorRef, recipientOf } from "../../actor/ref";
import { VersionVector } from "../ddata/version-vector";
import { Gossip } from "../membership/gossip";
import { type Member, nodeKey, type UniqueAddress } from "../membership/member";
import type { ClusterMessage } from "../membership/protocol";
import { Reachability, type ReachabilityRecord } from "../membership/reachability";
import { ReplyAddress } from "../sharding/reply";

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
  if (message.type === "App")
    return { ...message, payload: encodeValue(message.payload, `channel "${message.channel}"`, 0) };
  return message;
}

/** How an ask reference crosses: the node and request it answers to, not the callback. */
interface WireReply {
  readonly $askReply: {
    readonly path: string;
    readonly home: UniqueAddress;
    readonly askId: number;
  };
}

const MAX_DEPTH = 16;

// Sharding's ask references are the only actor references that make sense in another worker:
// they name a node and a pending request, and the receiving region answers over the network.
function encodeValue(value: unknown, where: string, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ActorRef) {
    const recipient = recipientOf(value);
    if (!(recipient instanceof ReplyAddress))
      throw new TypeError(
        `live wire: ${where} holds the actor reference ${value.path}, which cannot leave its worker; only sharding ask replies can`,
      );
    return {
      $askReply: { path: value.path, home: recipient.home, askId: recipient.askId },
    } satisfies WireReply;
  }
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v, i) => encodeValue(v, `${where}[${i}]`, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = encodeValue(v, `${where}.${k}`, depth + 1);
  return out;
}

function decodeValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => decodeValue(v, depth + 1));
  const reply = (value as Partial<WireReply>).$askReply;
  if (reply !== undefined)
    // Answered by the region that delivers it (it swaps in a network proxy), so the local
    // callback is never the one used. Known gap: a reply reference that comes back to its own
    // home node over the wire (forwarded twice) keeps this no-op callback, and that ask times out.
    return new ActorRef(reply.path, new ReplyAddress(reply.home, reply.askId, () => {}));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v, depth + 1);
  return out;
}

/** The message back, with a real {@link Gossip}. Throws naming the field when it is malformed. */
export function decodeMessage(wire: WireMessage): ClusterMessage {
  if (wire === null || typeof wire !== "object" || typeof wire.type !== "string")
    throw new TypeError(`live wire: a message needs a string "type", got ${JSON.stringify(wire)}`);
  if (wire.type === "Welcome" || wire.type === "Gossip")
    return { ...wire, gossip: decodeGossip(wire.gossip) };
  if (wire.type === "App") return { ...wire, payload: decodeValue(wire.payload, 0) };
  return wire;
}

/** A {@link Gossip} as plain structured-cloneable data, for `postMessage` between workers. */
export function encodeGossip(g: Gossip): WireGossip {
  return {
    members: [...g.members.values()],
    seen: [...g.seen],
    reachability: {
      records: g.reachability.records(),
      versions: [...g.reachability.versions],
    },
    version: g.version.entries(),
    tombstones: [...g.tombstones],
  };
}

/** The {@link Gossip} back from its wire form. Throws naming the field when it is malformed. */
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
    VersionVector.fromEntries(w.version, "live wire: gossip.version"),
    new Map(w.tombstones),
  );
}
