import type { UniqueAddress } from "../membership/member";
import type { SingletonRecord } from "../singleton/records";

/**
 * Why an entity stopped.
 *
 * @example
 * const crashed = records.filter((r) => r.type === "entityStopped" && r.reason === "node-stopped");
 */
export type EntityStopReason =
  /** Idle for longer than `passivateIdleAfterMs`. */
  | "passivated"
  /** Its shard was handed off to another region (rebalance or graceful leave). */
  | "hand-off"
  /** Its node incarnation crashed or shut down: the actor system died with it. */
  | "node-stopped"
  /** The entity stopped itself, or failed. */
  | "stopped";

/**
 * One thing the sharding layer did, stamped with virtual time (`at`, ms): a parallel stream to
 * the cluster trace, in the same clock. Every record names the node incarnation (`address#uid`)
 * where it happened, so a checker can tell a restarted node from the crashed one.
 *
 * @example Listing shard allocations
 * ```ts
 * declare const sharding: ClusterSharding;
 * for (const r of sharding.trace.records)
 *   if (r.type === "shardAllocated") console.log(`${r.at} ms: shard ${r.shard} -> ${r.region.address}`);
 * ```
 */
export type ShardingRecord =
  | SingletonRecord
  | {
      readonly at: number;
      readonly type: "coordinatorStarted" | "coordinatorStopped";
      readonly typeName: string;
      readonly node: UniqueAddress;
    }
  | {
      readonly at: number;
      readonly type: "regionStarted" | "regionStopped";
      readonly typeName: string;
      readonly node: UniqueAddress;
    }
  | {
      /** The coordinator on `node` decided that `shard` lives in `region` (persisted). */
      readonly at: number;
      readonly type: "shardAllocated";
      readonly typeName: string;
      readonly shard: string;
      readonly region: UniqueAddress;
      readonly node: UniqueAddress;
    }
  | {
      /** The coordinator begins moving `shard` away from `region`. */
      readonly at: number;
      readonly type: "shardHandOffStarted";
      readonly typeName: string;
      readonly shard: string;
      readonly region: UniqueAddress;
      readonly node: UniqueAddress;
    }
  | {
      /** The coordinator on `node` forgot `shard`'s home (after a hand-off or a dead region). */
      readonly at: number;
      readonly type: "shardDeallocated";
      readonly typeName: string;
      readonly shard: string;
      readonly node: UniqueAddress;
    }
  | {
      readonly at: number;
      readonly type: "shardStarted" | "shardStopped";
      readonly typeName: string;
      readonly shard: string;
      readonly node: UniqueAddress;
    }
  | {
      readonly at: number;
      readonly type: "entityStarted";
      readonly typeName: string;
      readonly entityId: string;
      readonly shard: string;
      readonly node: UniqueAddress;
    }
  | {
      readonly at: number;
      readonly type: "entityStopped";
      readonly typeName: string;
      readonly entityId: string;
      readonly shard: string;
      readonly node: UniqueAddress;
      readonly reason: EntityStopReason;
    }
  | {
      /** Events `fromSequenceNr`..`toSequenceNr` of `persistenceId` were stored by `writer`. */
      readonly at: number;
      readonly type: "journalWrite";
      readonly persistenceId: string;
      readonly fromSequenceNr: number;
      readonly toSequenceNr: number;
      readonly writer: UniqueAddress;
    }
  | {
      /** The journal refused `writer`'s append: someone else wrote `persistenceId` first. */
      readonly at: number;
      readonly type: "journalConflict";
      readonly persistenceId: string;
      readonly expected: number;
      readonly attempted: number;
      readonly writer: UniqueAddress;
    };

/**
 * A record without its timestamp, as producers hand it in.
 *
 * @example
 * trace.emit({ type: "regionStarted", typeName: "counter", node: node.self });
 */
export type ShardingRecordInput = ShardingRecord extends infer R
  ? R extends { at: number }
    ? Omit<R, "at">
    : never
  : never;

/**
 * The observation stream of sharding and singletons in a simulation, beside `ClusterTrace`:
 * shard allocations and moves, entity starts and stops, journal writes, coordinator and
 * singleton life cycles. Widgets subscribe to it; checkers read {@link records}.
 *
 * @example Following entity starts, then checking the run
 * ```ts
 * declare const sim: ClusterSimulation;
 * const sharding = new ClusterSharding(sim);
 * sharding.trace.subscribe((r) => {
 *   if (r.type === "entityStarted") console.log(`${r.at} ms: ${r.entityId} on ${r.node.address}`);
 * });
 * checkSingleIncarnation(sharding.trace.records); // []
 * ```
 */
export class ShardingTrace {
  private readonly list: ShardingRecord[] = [];
  private readonly listeners = new Set<(record: ShardingRecord) => void>();

  /**
   * @param now the simulation's clock
   * @param retain keep records in {@link records} (default true)
   */
  constructor(
    private readonly now: () => number,
    private readonly retain = true,
  ) {}

  /** Stamps a record with the clock's time, appends it and tells every subscriber. */
  emit(record: ShardingRecordInput): void {
    const stamped = { at: this.now(), ...record } as ShardingRecord;
    if (this.retain) this.list.push(stamped);
    for (const listener of this.listeners) listener(stamped);
  }

  /** Calls `listener` with each record from now on; returns an unsubscribe function. */
  subscribe(listener: (record: ShardingRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every record so far, oldest first (empty when constructed with `retain = false`). */
  get records(): readonly ShardingRecord[] {
    return this.list;
  }
}
