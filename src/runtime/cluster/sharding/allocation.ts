import type { ShardId } from "./extractor";

/**
 * Shards per region, keyed by the region's node (`address#uid`).
 *
 * @example
 * const current: ShardAllocations = new Map([["node-1#7", ["1", "4"]], ["node-2#9", ["2"]]]);
 */
export type ShardAllocations = ReadonlyMap<string, readonly ShardId[]>;

/**
 * Decides where new shards go and which shards to move, after Akka's `ShardAllocationStrategy`.
 *
 * @example Everything on one region, never rebalanced (a lab's "bad" strategy)
 * ```ts
 * declare const sharding: ClusterSharding;
 * const pinned: ShardAllocationStrategy = {
 *   allocateShard: (_shard, current) => [...current.keys()].sort()[0],
 *   rebalance: () => [],
 * };
 * sharding.init({ typeName: "counter", createBehavior: counterEntity, allocationStrategy: pinned });
 * ```
 */
export interface ShardAllocationStrategy {
  /** The region for a new shard, among `current`'s keys; undefined when there is none. */
  allocateShard(shard: ShardId, current: ShardAllocations): string | undefined;
  /** Shards to hand off now, given the shards already being moved. */
  rebalance(current: ShardAllocations, inProgress: ReadonlySet<ShardId>): ShardId[];
}

/**
 * Limits on how many shards one rebalance round moves (Akka's defaults).
 *
 * @example
 * new LeastShardAllocationStrategy({ absoluteLimit: 5, relativeLimit: 0.2 });
 */
export interface LeastShardAllocationSettings {
  /** At most this many shards per round (Akka's `rebalance-absolute-limit`; here 20). */
  readonly absoluteLimit?: number;
  /** At most this fraction of all shards per round (`rebalance-relative-limit`, 0.1). */
  readonly relativeLimit?: number;
}

interface Entry {
  readonly key: string;
  readonly shards: readonly ShardId[];
}

function sortedEntries(current: ShardAllocations): Entry[] {
  // Fewest shards first; ties in key order, so every replay allocates alike.
  return [...current]
    .map(([key, shards]) => ({ key, shards }))
    .sort(
      (a, b) => a.shards.length - b.shards.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
}

/**
 * Akka's `LeastShardAllocationStrategy` (the 2.6.10 algorithm): a new shard goes to the region
 * with the fewest shards. Rebalancing first moves what sits above the optimal count
 * (⌈shards / regions⌉) and, when nothing does, evens out regions that are two or more below it,
 * so the cluster settles with at most one shard of difference between any two regions.
 *
 * @example Where a new shard goes, and what moves
 * ```ts
 * const strategy = new LeastShardAllocationStrategy();
 * const current: ShardAllocations = new Map([
 *   ["a#1", ["1", "2", "3"]],
 *   ["b#2", []],
 * ]);
 * strategy.allocateShard("4", current); // "b#2"
 * strategy.rebalance(current, new Set()); // ["1"]: a has 3, optimal is 2
 * ```
 */
export class LeastShardAllocationStrategy implements ShardAllocationStrategy {
  readonly absoluteLimit: number;
  readonly relativeLimit: number;

  constructor(settings: LeastShardAllocationSettings = {}) {
    this.absoluteLimit = settings.absoluteLimit ?? 20;
    this.relativeLimit = settings.relativeLimit ?? 0.1;
    if (!(Number.isInteger(this.absoluteLimit) && this.absoluteLimit > 0))
      throw new RangeError(
        `LeastShardAllocationSettings.absoluteLimit must be a positive integer, got ${this.absoluteLimit}`,
      );
    if (!(this.relativeLimit > 0 && this.relativeLimit <= 1))
      throw new RangeError(
        `LeastShardAllocationSettings.relativeLimit must be in (0, 1], got ${this.relativeLimit}`,
      );
  }

  allocateShard(_shard: ShardId, current: ShardAllocations): string | undefined {
    return sortedEntries(current)[0]?.key;
  }

  rebalance(current: ShardAllocations, inProgress: ReadonlySet<ShardId>): ShardId[] {
    if (inProgress.size > 0) return [];
    const entries = sortedEntries(current);
    const regions = entries.length;
    const shards = entries.reduce((n, e) => n + e.shards.length, 0);
    if (regions === 0 || shards === 0) return [];
    const optimal = Math.ceil(shards / regions);
    const limit = Math.max(
      1,
      Math.min(Math.floor(this.relativeLimit * shards), this.absoluteLimit),
    );
    const above: ShardId[] = [];
    for (const e of entries)
      if (e.shards.length > optimal) above.push(...e.shards.slice(0, e.shards.length - optimal));
    if (above.length > 0) return above.slice(0, limit);
    // Rounding up can leave some regions two below optimal while others sit at it.
    const belowOptimal = entries.reduce(
      (n, e) => n + Math.max(0, optimal - 1 - e.shards.length),
      0,
    );
    if (belowOptimal === 0) return [];
    const fromFull: ShardId[] = [];
    for (const e of entries) if (e.shards.length === optimal) fromFull.push(e.shards[0] as ShardId);
    return fromFull.slice(0, Math.min(belowOptimal, limit));
  }
}
