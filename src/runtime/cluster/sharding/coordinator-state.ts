import { nodeKey, type UniqueAddress } from "../membership/member";
import type { ShardAllocations } from "./allocation";
import type { ShardId } from "./extractor";

/**
 * What the coordinator stores in the journal, named after Akka's `ShardCoordinator.Internal`
 * domain events. Akka's `ShardCoordinatorInitialized` (used only by the ddata-mode coordinator)
 * has no counterpart here.
 *
 * @example
 * const e: CoordinatorEvent = { type: "ShardHomeAllocated", shard: "7", region: node.self };
 */
export type CoordinatorEvent =
  | { readonly type: "ShardRegionRegistered"; readonly region: UniqueAddress }
  | { readonly type: "ShardRegionTerminated"; readonly region: UniqueAddress }
  | { readonly type: "ShardRegionProxyRegistered"; readonly proxy: UniqueAddress }
  | { readonly type: "ShardRegionProxyTerminated"; readonly proxy: UniqueAddress }
  | { readonly type: "ShardHomeAllocated"; readonly shard: ShardId; readonly region: UniqueAddress }
  | { readonly type: "ShardHomeDeallocated"; readonly shard: ShardId };

/**
 * Which regions exist and where every shard lives: the coordinator's durable state, the fold of
 * its events, after Akka's `ShardCoordinator.Internal.State`. It is immutable: `updated` returns
 * a new state, so the coordinator's {@link EventSourcedBehavior} can apply an event to a
 * candidate state before writing it, and an event that breaks the state's rules (a second home
 * for a shard, a shard on an unregistered region) throws there and is never stored.
 *
 * A new coordinator (after a crash or hand-over) replays it from the journal, so it never hands
 * out a second home for a shard that already has one.
 *
 * @example Rebuilding allocations from events
 * ```ts
 * declare const a: UniqueAddress;
 * const state = CoordinatorState.empty
 *   .updated({ type: "ShardRegionRegistered", region: a })
 *   .updated({ type: "ShardHomeAllocated", shard: "7", region: a });
 * state.homeOf("7"); // a
 * ```
 */
export class CoordinatorState {
  /** No regions, no shards: where a coordinator with an empty journal starts. */
  static readonly empty = new CoordinatorState(
    new Map(),
    new Map(),
    new Map(),
    new Set(),
    new Map(),
  );

  private constructor(
    private readonly regionNodes: ReadonlyMap<string, UniqueAddress>,
    /** Shards per region key, in the order they were allocated (as Akka's `regions`). */
    private readonly regionShards: ReadonlyMap<string, readonly ShardId[]>,
    private readonly homes: ReadonlyMap<ShardId, string>,
    private readonly homeless: ReadonlySet<ShardId>,
    /** Proxy-only regions (Akka's `regionProxies`): told of hand-offs, never given a shard. */
    private readonly proxyNodes: ReadonlyMap<string, UniqueAddress>,
  ) {}

  /**
   * The state after `event`. Pure; throws (as Akka's `State.updated` does with `require`) on an
   * event that does not fit this state.
   */
  updated(event: CoordinatorEvent): CoordinatorState {
    switch (event.type) {
      case "ShardRegionRegistered": {
        const key = nodeKey(event.region);
        if (this.regionNodes.has(key))
          throw new Error(`ShardRegionRegistered: region ${key} is already registered`);
        return new CoordinatorState(
          new Map(this.regionNodes).set(key, event.region),
          new Map(this.regionShards).set(key, []),
          this.homes,
          this.homeless,
          this.proxyNodes,
        );
      }
      case "ShardRegionProxyRegistered": {
        const key = nodeKey(event.proxy);
        if (this.proxyNodes.has(key))
          throw new Error(`ShardRegionProxyRegistered: proxy ${key} is already registered`);
        return new CoordinatorState(
          this.regionNodes,
          this.regionShards,
          this.homes,
          this.homeless,
          new Map(this.proxyNodes).set(key, event.proxy),
        );
      }
      case "ShardRegionProxyTerminated": {
        const key = nodeKey(event.proxy);
        if (!this.proxyNodes.has(key))
          throw new Error(`ShardRegionProxyTerminated: proxy ${key} is not registered`);
        const proxyNodes = new Map(this.proxyNodes);
        proxyNodes.delete(key);
        return new CoordinatorState(
          this.regionNodes,
          this.regionShards,
          this.homes,
          this.homeless,
          proxyNodes,
        );
      }
      case "ShardRegionTerminated": {
        const key = nodeKey(event.region);
        const shards = this.regionShards.get(key);
        if (shards === undefined)
          throw new Error(`ShardRegionTerminated: region ${key} is not registered`);
        const regionNodes = new Map(this.regionNodes);
        regionNodes.delete(key);
        const regionShards = new Map(this.regionShards);
        regionShards.delete(key);
        const homes = new Map(this.homes);
        const homeless = new Set(this.homeless);
        for (const shard of shards) {
          homes.delete(shard);
          homeless.add(shard);
        }
        return new CoordinatorState(regionNodes, regionShards, homes, homeless, this.proxyNodes);
      }
      case "ShardHomeAllocated": {
        const key = nodeKey(event.region);
        const shards = this.regionShards.get(key);
        if (shards === undefined)
          throw new Error(`ShardHomeAllocated: shard ${event.shard} to unknown region ${key}`);
        if (this.homes.has(event.shard))
          throw new Error(`ShardHomeAllocated: shard ${event.shard} already has a home`);
        const homeless = new Set(this.homeless);
        homeless.delete(event.shard);
        return new CoordinatorState(
          this.regionNodes,
          new Map(this.regionShards).set(key, [...shards, event.shard]),
          new Map(this.homes).set(event.shard, key),
          homeless,
          this.proxyNodes,
        );
      }
      case "ShardHomeDeallocated": {
        const key = this.homes.get(event.shard);
        if (key === undefined)
          throw new Error(`ShardHomeDeallocated: shard ${event.shard} is not allocated`);
        const homes = new Map(this.homes);
        homes.delete(event.shard);
        const shards = this.regionShards.get(key) ?? [];
        return new CoordinatorState(
          this.regionNodes,
          new Map(this.regionShards).set(
            key,
            shards.filter((s) => s !== event.shard),
          ),
          homes,
          new Set(this.homeless).add(event.shard),
          this.proxyNodes,
        );
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

  /** The registered proxy-only region with this node key, if any. */
  proxy(key: string): UniqueAddress | undefined {
    return this.proxyNodes.get(key);
  }

  /** Every registered proxy-only region. */
  proxies(): UniqueAddress[] {
    return [...this.proxyNodes.values()];
  }

  /** The shards hosted by the region with this node key, in the order they were allocated. */
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
