import type { ShardingRecord, TraceRecord } from "../runtime/index";

/**
 * What the trace view draws for one seed, boiled down from the cluster and sharding traces:
 * one row per node with its incarnations, the partitions, and the events a learner needs to see
 * why a check failed (membership, downing, shard moves, entity incarnations). Pure data, so it
 * is tested in Node and drawn in the page.
 */
export type TimelineKind = "node" | "membership" | "partition" | "downing" | "shard" | "entity";

export interface TimelineEvent {
  readonly at: number;
  /** The node it happened on (its address), or null for the whole cluster. */
  readonly node: string | null;
  readonly kind: TimelineKind;
  readonly text: string;
}

export interface Incarnation {
  readonly uid: number;
  readonly from: number;
  readonly to: number;
  /** How it ended; "running" when it outlived the trace. */
  readonly end: "crashed" | "downed" | "left" | "removed" | "running";
}

export interface PartitionSpan {
  readonly from: number;
  readonly to: number;
  readonly sideA: readonly string[];
  readonly sideB: readonly string[];
}

export interface Timeline {
  readonly endMs: number;
  readonly nodes: readonly { readonly address: string; readonly incarnations: Incarnation[] }[];
  readonly partitions: readonly PartitionSpan[];
  readonly events: readonly TimelineEvent[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Builds the timeline. Membership changes are seen by every observer; only the first sighting
 * of each change is kept, since that is when the cluster started to act on it.
 *
 * @example
 * const timeline = buildTimeline(trace.cluster, trace.sharding);
 * timeline.events.filter((e) => e.kind === "shard"); // "shard 3 → node-2", …
 */
export function buildTimeline(
  cluster: readonly TraceRecord[],
  sharding: readonly ShardingRecord[],
): Timeline {
  const endMs = Math.max(0, ...cluster.map((r) => r.at), ...sharding.map((r) => r.at));
  const nodes = new Map<string, Incarnation[]>();
  const open = new Map<string, { uid: number; from: number }>();
  const events: TimelineEvent[] = [];
  const partitions: PartitionSpan[] = [];
  const openPartitions = new Map<number, { from: number; sideA: string[]; sideB: string[] }>();
  const seenStatus = new Set<string>();
  const seenReach = new Map<string, boolean>();

  const close = (address: string, at: number, end: Incarnation["end"]) => {
    const running = open.get(address);
    if (!running) return;
    open.delete(address);
    nodes.get(address)?.push({ uid: running.uid, from: running.from, to: at, end });
  };

  for (const r of cluster) {
    switch (r.type) {
      case "nodeStarted":
        if (!nodes.has(r.node.address)) nodes.set(r.node.address, []);
        open.set(r.node.address, { uid: r.node.uid, from: r.at });
        events.push({ at: r.at, node: r.node.address, kind: "node", text: "node started" });
        break;
      case "nodeCrashed":
        close(r.node.address, r.at, "crashed");
        events.push({ at: r.at, node: r.node.address, kind: "node", text: "node crashed" });
        break;
      case "nodeShutdown":
        close(r.node.address, r.at, r.reason);
        events.push({
          at: r.at,
          node: r.node.address,
          kind: "node",
          text: `node shut down (${r.reason})`,
        });
        break;
      case "memberStatus": {
        const key = `${r.member.address}#${r.member.uid}:${r.to}`;
        if (seenStatus.has(key)) break;
        seenStatus.add(key);
        events.push({
          at: r.at,
          node: r.member.address,
          kind: "membership",
          text: `member ${r.to} (seen by ${r.observer.address})`,
        });
        break;
      }
      case "reachability": {
        const key = `${r.member.address}#${r.member.uid}`;
        if (seenReach.get(key) === r.reachable || (r.reachable && !seenReach.has(key))) break;
        seenReach.set(key, r.reachable);
        events.push({
          at: r.at,
          node: r.member.address,
          kind: "membership",
          text: `${r.reachable ? "reachable again" : "unreachable"} (seen by ${r.observer.address})`,
        });
        break;
      }
      case "downingDecision":
        events.push({
          at: r.at,
          node: r.node.address,
          kind: "downing",
          text: `${r.provider}: ${r.decision}${r.downed.length ? `, downs ${r.downed.map((d) => d.address).join(", ")}` : ""}`,
        });
        break;
      case "partition":
        openPartitions.set(r.id, { from: r.at, sideA: [...r.sideA], sideB: [...r.sideB] });
        events.push({
          at: r.at,
          node: null,
          kind: "partition",
          text: `partition ${r.sideA.join(", ")} | ${r.sideB.join(", ")}${r.direction === "a-to-b" ? " (one way)" : ""}`,
        });
        break;
      case "heal":
        for (const [id, p] of openPartitions)
          if (r.id === "all" || r.id === id) {
            partitions.push({ from: p.from, to: r.at, sideA: p.sideA, sideB: p.sideB });
            openPartitions.delete(id);
          }
        events.push({
          at: r.at,
          node: null,
          kind: "partition",
          text: r.id === "all" ? "network healed" : `partition ${r.id} healed`,
        });
        break;
      default:
        break;
    }
  }
  for (const address of [...open.keys()]) close(address, endMs, "running");
  for (const p of openPartitions.values())
    partitions.push({ from: p.from, to: endMs, sideA: p.sideA, sideB: p.sideB });

  for (const r of sharding) {
    switch (r.type) {
      case "shardAllocated":
        events.push({
          at: r.at,
          node: r.region.address,
          kind: "shard",
          text: `${r.typeName} shard ${r.shard} allocated here`,
        });
        break;
      case "shardHandOffStarted":
        events.push({
          at: r.at,
          node: r.region.address,
          kind: "shard",
          text: `${r.typeName} shard ${r.shard} handed off`,
        });
        break;
      case "shardDeallocated":
        events.push({
          at: r.at,
          node: null,
          kind: "shard",
          text: `${r.typeName} shard ${r.shard} has no home`,
        });
        break;
      case "coordinatorStarted":
        events.push({
          at: r.at,
          node: r.node.address,
          kind: "shard",
          text: `${r.typeName} coordinator started`,
        });
        break;
      case "entityStarted":
        events.push({
          at: r.at,
          node: r.node.address,
          kind: "entity",
          text: `${r.entityId} started (shard ${r.shard})`,
        });
        break;
      case "entityStopped":
        events.push({
          at: r.at,
          node: r.node.address,
          kind: "entity",
          text: `${r.entityId} stopped: ${r.reason}`,
        });
        break;
      default:
        break;
    }
  }
  events.sort((a, b) => a.at - b.at);
  return {
    endMs,
    nodes: [...nodes]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([address, incarnations]) => ({ address, incarnations })),
    partitions,
    events,
  };
}

/** "12.3 s": how the view writes virtual times. */
export const formatTime = seconds;
