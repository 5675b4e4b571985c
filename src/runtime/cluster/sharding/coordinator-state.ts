import { nodeKey, type UniqueAddress } from "../membership/member";
import type { ShardAllocations } from "./allocation";
import type { ShardId } from "./extractor";

/**
 * What the coordinator stores in the journal, after Akka's `ShardCoordinator.DomainEvent`.
 *
 * @example
 * const e: CoordinatorEvent = { type: "shardHomeAllocated", shard: "7", region: node.self };
 */
export type CoordinatorEvent =
  | { readonly type: "regionRegistered"; readonly region: UniqueAddress }
  | { readonly type: "regionTerminated"; readonly region: UniqueAddress }
  | { readonly type: "shardHomeAllocated"; readonly shard: ShardId; readonly region: UniqueAddress }
  | { readonly type: "shardHomeDeallocated"; readonly shard: ShardId };

/**
 * Which regions exist and where every shard lives: the coordinator's durable state, the fold of
 * its events. A new coordinator (after a crash or hand-over) replays it from the journal, so it
 * never hands out a second home for a shard that already has one.
 *
 * @example Rebuilding allocations from events
 * ```ts
 * declare const a: UniqueAddress;
 * const state = new CoordinatorState();
 * state.apply({ type: "regionRegistered", region: a });
 * state.apply({ type: "shardHomeAllocated", shard: "7", region: a });
 * state.homeOf("7"); // a
 * ```
 */
export class CoordinatorState {
  private readonly regionNodes = new Map<string, UniqueAddress>();
  private readonly regionShards = new Map<string, Set<ShardId>>();
  private readonly homes = new Map<ShardId, string>();
  private readonly homeless = new Set<ShardId>();

  /** Applies one coordinator event (as in recovery: pure, no side effects). */
  apply(event: CoordinatorEvent): void {
    switch (event.type) {
      case "regionRegistered": {
        const key = nodeKey(event.region);
        if (this.regionNodes.has(key)) return;
        this.regionNodes.set(key, event.region);
        this.regionShards.set(key, new Set());
        return;
      }
      case "regionTerminated": {
        const key = nodeKey(event.region);
        for (const shard of this.regionShards.get(key) ?? []) {
          this.homes.delete(shard);
          this.homeless.add(shard);
        }
        this.regionNodes.delete(key);
        this.regionShards.delete(key);
        return;
      }
      case "shardHomeAllocated": {
        const key = nodeKey(event.region);
        const shards = this.regionShards.get(key);
        if (shards === undefined)
          throw new Error(`shardHomeAllocated: shard ${event.shard} to unknown region ${key}`);
        if (this.homes.has(event.shard))
          throw new Error(`shardHomeAllocated: shard ${event.shard} already has a home`);
        shards.add(event.shard);
        this.homes.set(event.shard, key);
        this.homeless.delete(event.shard);
        return;
      }
      case "shardHomeDeallocated": {
        const key = this.homes.get(event.shard);
        if (key === undefined) return;
        this.regionShards.get(key)?.delete(event.shard);
        this.homes.delete(event.shard);
        this.homeless.add(event.shard);
        return;
      }
    }
  }

  /** The region (node) that hosts `shard`, if it has a home. */
  homeOf(shard: ShardId): UniqueAddress | undefined {
    const key = this.homes.get(shard);
    return key === undefined ? undefined : this.regionNodes.get(key);
  }

  /**
   * Shards that had a home and lost it (their region died, or a hand-off finished) and have
   * none yet: the coordinator gives them one without waiting for a message.
   */
  unallocated(): ShardId[] {
    return [...this.homeless];
  }

  /** The registered region with this node key, if any. */
  region(key: string): UniqueAddress | undefined {
    return this.regionNodes.get(key);
  }

  /** Every registered region. */
  regions(): UniqueAddress[] {
    return [...this.regionNodes.values()];
  }

  /** The shards hosted by the region with this node key. */
  shardsOf(key: string): ShardId[] {
    return [...(this.regionShards.get(key) ?? [])];
  }

  /** Shards per region for the allocation strategy, restricted to `eligible` regions. */
  allocations(eligible: (key: string) => boolean): ShardAllocations {
    const out = new Map<string, ShardId[]>();
    for (const [key, shards] of this.regionShards) if (eligible(key)) out.set(key, [...shards]);
    return out;
  }
}
