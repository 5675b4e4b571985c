import type { ShardingRecord } from "../sharding/trace";

type WithoutAt<R> = R extends unknown ? Omit<R, "at"> : never;
/** A sharding record before the trace stamps it with a time. */
export type UnstampedRecord = WithoutAt<ShardingRecord>;

/**
 * What one node incarnation runs, as its own sharding records told it: regions, shards,
 * entities, shard coordinators and singletons. A worker that is terminated (crashed, or shut
 * down after downing itself) cannot report their end, so the main thread reports it for it:
 * {@link stopAll} gives the stop records, all at the instant of the termination, after which
 * nothing of that incarnation runs. Without them the trace would keep every part of a dead
 * worker alive forever, and the single-incarnation checker would see double runs that never
 * happened.
 *
 * @internal
 */
export class RunningParts {
  private readonly parts = new Map<string, UnstampedRecord>();

  /** Follows one record the incarnation reported. */
  observe(record: ShardingRecord): void {
    const stop = stopFor(record);
    if (stop === undefined) return;
    const key = JSON.stringify(stop);
    if (record.type.endsWith("Started")) this.parts.set(key, stop);
    else this.parts.delete(key);
  }

  /** The stop records of everything still running: children before what holds them. */
  stopAll(): UnstampedRecord[] {
    const order = [
      "entityStopped",
      "shardStopped",
      "singletonStopped",
      "coordinatorStopped",
      "regionStopped",
    ];
    const stops = [...this.parts.values()].sort(
      (a, b) => order.indexOf(a.type) - order.indexOf(b.type),
    );
    this.parts.clear();
    return stops;
  }
}

// The stop record matching a start (or the stop itself), without its time and with the reason a
// dead node gives; undefined for records that start or stop nothing.
function stopFor(r: ShardingRecord): UnstampedRecord | undefined {
  switch (r.type) {
    case "entityStarted":
    case "entityStopped":
      return {
        type: "entityStopped",
        typeName: r.typeName,
        entityId: r.entityId,
        shard: r.shard,
        node: r.node,
        reason: "node-stopped",
      };
    case "shardStarted":
    case "shardStopped":
      return { type: "shardStopped", typeName: r.typeName, shard: r.shard, node: r.node };
    case "regionStarted":
    case "regionStopped":
      return { type: "regionStopped", typeName: r.typeName, node: r.node };
    case "coordinatorStarted":
    case "coordinatorStopped":
      return { type: "coordinatorStopped", typeName: r.typeName, node: r.node };
    case "singletonStarted":
    case "singletonStopped":
      return { type: "singletonStopped", name: r.name, node: r.node, reason: "node-stopped" };
    default:
      return undefined;
  }
}
