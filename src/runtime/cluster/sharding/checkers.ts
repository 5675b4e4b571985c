import type { Journal } from "../../persistence/journal";
import { nodeKey, type UniqueAddress } from "../membership/member";
import type { ShardingRecord } from "./trace";

/**
 * Two live incarnations of one thing at one instant, or a second writer the journal caught.
 *
 * @example The first violation of a run, if any
 * ```ts
 * declare const sharding: ClusterSharding;
 * const [first] = checkSingleIncarnation(sharding.trace.records);
 * // e.g. { kind: "entity", id: "counter/c3", at: 31_200, nodes: [node-1#…, node-3#…] }
 * ```
 */
export type IncarnationViolation =
  | {
      readonly kind: "entity" | "singleton" | "coordinator";
      /** `typeName/entityId`, the singleton's name, or the coordinator's type name. */
      readonly id: string;
      readonly at: number;
      /** Every incarnation alive at that instant (two or more). */
      readonly nodes: readonly UniqueAddress[];
    }
  | {
      readonly kind: "journal-conflict";
      readonly id: string;
      readonly at: number;
      readonly nodes: readonly UniqueAddress[];
    };

type Kind = "entity" | "singleton" | "coordinator";

function lifecycle(r: ShardingRecord): { kind: Kind; id: string; up: boolean } | undefined {
  switch (r.type) {
    case "entityStarted":
    case "entityStopped":
      return { kind: "entity", id: `${r.typeName}/${r.entityId}`, up: r.type === "entityStarted" };
    case "singletonStarted":
    case "singletonStopped":
      return { kind: "singleton", id: r.name, up: r.type === "singletonStarted" };
    case "coordinatorStarted":
    case "coordinatorStopped":
      return { kind: "coordinator", id: r.typeName, up: r.type === "coordinatorStarted" };
    default:
      return undefined;
  }
}

/**
 * The single-incarnation property: at no instant (after every record stamped with that virtual
 * time) do two node incarnations run the same entity, the same singleton or the same shard
 * coordinator; and the journal never caught a second writer (a `SequenceConflict`). Each
 * overlap is reported once, when it begins. With a split-brain resolver this must be empty;
 * with auto-down a partition breaks it.
 *
 * @example
 * expect(checkSingleIncarnation(sharding.trace.records)).toEqual([]);
 */
export function checkSingleIncarnation(records: readonly ShardingRecord[]): IncarnationViolation[] {
  const live = new Map<string, Map<string, UniqueAddress>>();
  const touched = new Set<string>();
  const overlapping = new Set<string>();
  const violations: IncarnationViolation[] = [];
  const settle = (at: number) => {
    for (const key of touched) {
      const nodes = live.get(key);
      const size = nodes?.size ?? 0;
      if (size > 1 && !overlapping.has(key)) {
        overlapping.add(key);
        const [kind, id] = splitKey(key);
        violations.push({
          kind,
          id,
          at,
          nodes: [...(nodes as Map<string, UniqueAddress>).values()],
        });
      } else if (size <= 1) overlapping.delete(key);
    }
    touched.clear();
  };
  let now = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.at !== now) {
      settle(now);
      now = r.at;
    }
    if (r.type === "journalConflict") {
      violations.push({
        kind: "journal-conflict",
        id: r.persistenceId,
        at: r.at,
        nodes: [r.writer],
      });
      continue;
    }
    const l = lifecycle(r);
    if (l === undefined || !("node" in r)) continue;
    const key = `${l.kind}\u0000${l.id}`;
    let nodes = live.get(key);
    if (nodes === undefined) {
      nodes = new Map();
      live.set(key, nodes);
    }
    if (l.up) nodes.set(nodeKey(r.node), r.node);
    else nodes.delete(nodeKey(r.node));
    touched.add(key);
  }
  settle(now);
  return violations;
}

function splitKey(key: string): [Kind, string] {
  const i = key.indexOf("\u0000");
  return [key.slice(0, i) as Kind, key.slice(i + 1)];
}

/**
 * A command whose reply said its events were stored at `sequenceNr` of `persistenceId`.
 *
 * @example
 * acks.push({ persistenceId: "counter-c1", sequenceNr: reply.sequenceNr, event: { type: "added", n: 1 } });
 */
export interface Acknowledged {
  readonly persistenceId: string;
  readonly sequenceNr: number;
  /** The event the command stored, when the check should compare payloads too. */
  readonly event?: unknown;
}

/**
 * An acknowledged write that the journal does not hold (or holds with another payload).
 *
 * @example
 * for (const { ack, found } of await checkAcknowledgedWrites(journal, acks)) console.log(ack.persistenceId, found);
 */
export interface LostWrite {
  readonly ack: Acknowledged;
  readonly found: unknown;
}

/**
 * No lost acknowledged writes: every acknowledged command's event is in the journal at the
 * sequence number the reply named (and, when given, with the same payload, compared as JSON).
 * Pair it with a recovery check: ask each entity after a restart and compare its state.
 *
 * @example Every acknowledged add is in the journal
 * ```ts
 * declare const sharding: ClusterSharding;
 * declare const replies: readonly CounterReply[]; // the answers to acknowledged `add`s
 * const acks: Acknowledged[] = replies.map((r) => ({
 *   persistenceId: counterPersistenceId(r.entityId),
 *   sequenceNr: r.sequenceNr,
 * }));
 * const lost = await checkAcknowledgedWrites(sharding.journal, acks);
 * lost.length === 0; // nothing acknowledged was lost
 * ```
 */
export async function checkAcknowledgedWrites(
  journal: Journal,
  acks: readonly Acknowledged[],
): Promise<LostWrite[]> {
  const lost: LostWrite[] = [];
  const byId = new Map<string, Acknowledged[]>();
  for (const a of acks) {
    const list = byId.get(a.persistenceId) ?? [];
    list.push(a);
    byId.set(a.persistenceId, list);
  }
  for (const [id, list] of byId) {
    const highest = await journal.highestSequenceNr(id);
    const stored = await journal.read(id, 1, highest);
    const bySeq = new Map(stored.map((r) => [r.sequenceNr, r.event]));
    for (const ack of list) {
      const found = bySeq.get(ack.sequenceNr);
      const same =
        found !== undefined &&
        (ack.event === undefined || JSON.stringify(found) === JSON.stringify(ack.event));
      if (!same) lost.push({ ack, found });
    }
  }
  return lost;
}

/**
 * How many shards each live region of `typeName` hosts according to the coordinators'
 * decisions in the trace (allocations minus deallocations), including regions with none.
 *
 * @example
 * shardCounts(sharding.trace.records, "account"); // Map { "node-1#…" => 4, "node-2#…" => 4, … }
 */
export function shardCounts(
  records: readonly ShardingRecord[],
  typeName: string,
): Map<string, number> {
  const home = new Map<string, string>();
  const regions = new Set<string>();
  for (const r of records) {
    if (!("typeName" in r) || r.typeName !== typeName) continue;
    if (r.type === "regionStarted") regions.add(nodeKey(r.node));
    else if (r.type === "regionStopped") regions.delete(nodeKey(r.node));
    else if (r.type === "shardAllocated") home.set(r.shard, nodeKey(r.region));
    else if (r.type === "shardDeallocated") home.delete(r.shard);
  }
  const counts = new Map<string, number>([...regions].map((k) => [k, 0]));
  for (const region of home.values())
    if (counts.has(region)) counts.set(region, (counts.get(region) as number) + 1);
  return counts;
}

/**
 * The balance property after rebalancing settles: the regions with the most and the fewest
 * shards differ by at most one. Returns undefined when balanced, else the counts.
 *
 * @example
 * expect(checkBalanced(sharding.trace.records, "account")).toBeUndefined();
 */
export function checkBalanced(
  records: readonly ShardingRecord[],
  typeName: string,
):
  | { readonly max: number; readonly min: number; readonly counts: Map<string, number> }
  | undefined {
  const counts = shardCounts(records, typeName);
  if (counts.size === 0) return undefined;
  const values = [...counts.values()];
  const max = Math.max(...values);
  const min = Math.min(...values);
  return max - min <= 1 ? undefined : { max, min, counts };
}
