import type { LeastShardAllocationSettings } from "./allocation";

/**
 * Knobs of one sharded entity type, after Akka's `akka.cluster.sharding` (defaults in brackets).
 *
 * @example Thirty shards, passivation after a minute, remembered entities
 * ```ts
 * declare const sharding: ClusterSharding;
 * sharding.init({
 *   typeName: "counter",
 *   createBehavior: counterEntity,
 *   settings: { numberOfShards: 30, passivateIdleAfterMs: 60_000, rememberEntities: true },
 * });
 * ```
 */
export interface ShardingSettings {
  /** Shards for the default extractor [100; Akka's 1,000 is too many for a workshop cluster]. */
  readonly numberOfShards: number;
  /** How often the coordinator looks for shards to rebalance [10 s]. */
  readonly rebalanceIntervalMs: number;
  /** Give up a hand-off that has not finished in this time [60 s]. */
  readonly handOffTimeoutMs: number;
  /** How often regions retry registration and shard-home requests [2 s]. */
  readonly retryIntervalMs: number;
  /** Messages a region buffers while shard homes are unknown; more are dropped [100,000]. */
  readonly bufferSize: number;
  /** Stop entities idle for this long; null turns passivation off [120 s]. */
  readonly passivateIdleAfterMs: number | null;
  /** Restart an entity's shard's remembered entities wherever the shard starts [false]. */
  readonly rememberEntities: boolean;
  /** With remember-entities, restart an entity that stopped on its own after this [10 s]. */
  readonly entityRestartBackoffMs: number;
  /**
   * Wait this long after a downed region's removal before its shards move. Undefined: take
   * the downing provider's margin (see `downRemovalMargin`).
   */
  readonly removalMarginMs: number | undefined;
  readonly leastShardAllocation: LeastShardAllocationSettings;
  /**
   * Run this entity type's entities and its coordinator only on nodes with this role (Akka's
   * `akka.cluster.sharding.role`). Other nodes start a proxy-only region: it routes messages
   * but hosts no shard. Default: every node.
   */
  readonly role: string | undefined;
}

/**
 * The defaults {@link shardingSettings} fills in.
 *
 * @example
 * DEFAULT_SHARDING_SETTINGS.rebalanceIntervalMs; // 10_000
 */
export const DEFAULT_SHARDING_SETTINGS: ShardingSettings = {
  numberOfShards: 100,
  rebalanceIntervalMs: 10_000,
  handOffTimeoutMs: 60_000,
  retryIntervalMs: 2_000,
  bufferSize: 100_000,
  passivateIdleAfterMs: 120_000,
  rememberEntities: false,
  entityRestartBackoffMs: 10_000,
  removalMarginMs: undefined,
  leastShardAllocation: {},
  role: undefined,
};

/**
 * Fills in defaults; throws a RangeError naming the bad field.
 *
 * @example
 * shardingSettings({ numberOfShards: 0 }); // RangeError: ShardingSettings.numberOfShards must be a positive number, got 0
 */
export function shardingSettings(overrides: Partial<ShardingSettings> = {}): ShardingSettings {
  const s: ShardingSettings = { ...DEFAULT_SHARDING_SETTINGS, ...overrides };
  const positive: (keyof ShardingSettings)[] = [
    "numberOfShards",
    "rebalanceIntervalMs",
    "handOffTimeoutMs",
    "retryIntervalMs",
    "bufferSize",
    "entityRestartBackoffMs",
  ];
  for (const field of positive) {
    const v = s[field] as number;
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`ShardingSettings.${field} must be a positive number, got ${v}`);
  }
  if (!Number.isInteger(s.numberOfShards))
    throw new RangeError(
      `ShardingSettings.numberOfShards must be an integer, got ${s.numberOfShards}`,
    );
  if (s.passivateIdleAfterMs !== null && !(s.passivateIdleAfterMs > 0))
    throw new RangeError(
      `ShardingSettings.passivateIdleAfterMs must be > 0 or null, got ${s.passivateIdleAfterMs}`,
    );
  if (s.role !== undefined && (typeof s.role !== "string" || s.role === ""))
    throw new RangeError(
      `ShardingSettings.role must be a non-empty string or undefined, got ${JSON.stringify(s.role)}`,
    );
  if (s.removalMarginMs !== undefined && !(s.removalMarginMs >= 0))
    throw new RangeError(`ShardingSettings.removalMarginMs must be >= 0, got ${s.removalMarginMs}`);
  return s;
}
