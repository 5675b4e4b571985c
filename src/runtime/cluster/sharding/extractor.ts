/**
 * Identifies one entity within its entity type.
 *
 * @example
 * const id: EntityId = "account-42";
 */
export type EntityId = string;
/**
 * Identifies a shard: a group of entities that moves between nodes as one.
 *
 * @example
 * const shard: ShardId = hashShardId("account-42", 30); // "13"
 */
export type ShardId = string;

/**
 * A message for the entity `entityId`, after Akka Typed's `ShardingEnvelope`: use it when the
 * message itself does not say which entity it is for.
 *
 * @example
 * accounts.tell("node-1", shardingEnvelope("account-42", { type: "deposit", amount: 10 }));
 */
export interface ShardingEnvelope<M> {
  readonly entityId: EntityId;
  readonly message: M;
}

/**
 * Builds a {@link ShardingEnvelope}; the entity id must be a non-empty string.
 *
 * @example
 * shardingEnvelope("account-42", { type: "deposit", amount: 10 });
 */
export function shardingEnvelope<M>(entityId: EntityId, message: M): ShardingEnvelope<M> {
  if (typeof entityId !== "string" || entityId.length === 0)
    throw new TypeError(
      `shardingEnvelope: entityId must be a non-empty string, got ${String(entityId)}`,
    );
  return { entityId, message };
}

/**
 * Tells the shard region which entity a message of type `E` is for, which shard that entity
 * lives in, and what the entity itself receives (`M`), after Akka Typed's
 * `ShardingMessageExtractor`. The shard id depends only on the entity id, so an entity never
 * changes shard.
 *
 * @example Messages that carry their own entity id, 30 shards
 * ```ts
 * type AccountCommand = { accountId: string; type: "deposit"; amount: number };
 * const byAccount = ShardingMessageExtractor.noEnvelope<AccountCommand>(30, (cmd) => cmd.accountId);
 * byAccount.entityId({ accountId: "acc-1", type: "deposit", amount: 5 }); // "acc-1"
 * byAccount.shardId("acc-1"); // the same shard for this id on every node
 * ```
 */
export interface ShardingMessageExtractor<E, M> {
  /** Which entity a message is for. */
  entityId(message: E): EntityId;
  /** Which shard an entity lives in; must never change for a given id. */
  shardId(entityId: EntityId): ShardId;
  /** The message the entity itself receives (the envelope's payload, or the message as is). */
  unwrapMessage(message: E): M;
}

/**
 * Java's `String.hashCode`, so shard numbers match what Akka's `HashCodeMessageExtractor`
 * computes for the same ids (handy when a lab compares with Akka's docs).
 *
 * @example
 * javaStringHash("hello"); // 99162322, as in Java
 */
export function javaStringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * `abs(hashCode(entityId)) % numberOfShards`, as a string: Akka's default shard id.
 *
 * @example
 * hashShardId("hello", 10); // "2"
 */
export function hashShardId(entityId: EntityId, numberOfShards: number): ShardId {
  return String(Math.abs(javaStringHash(entityId)) % numberOfShards);
}

function checkShards(numberOfShards: number, where: string): void {
  if (!(Number.isInteger(numberOfShards) && numberOfShards > 0))
    throw new RangeError(
      `${where}: numberOfShards must be a positive integer, got ${numberOfShards}`,
    );
}

/** Extractors after Akka Typed's built-in ones. */
export const ShardingMessageExtractor = {
  /**
   * For {@link ShardingEnvelope}s, with shards by hash code (Akka's `HashCodeMessageExtractor`).
   */
  hashCode<M>(numberOfShards: number): ShardingMessageExtractor<ShardingEnvelope<M>, M> {
    checkShards(numberOfShards, "ShardingMessageExtractor.hashCode");
    return {
      entityId: (envelope) => envelope.entityId,
      shardId: (entityId) => hashShardId(entityId, numberOfShards),
      unwrapMessage: (envelope) => envelope.message,
    };
  },
  /**
   * For messages that name their entity themselves (Akka's
   * `HashCodeNoEnvelopeMessageExtractor`): the entity receives the message as it is.
   */
  noEnvelope<M>(
    numberOfShards: number,
    entityId: (message: M) => EntityId,
  ): ShardingMessageExtractor<M, M> {
    checkShards(numberOfShards, "ShardingMessageExtractor.noEnvelope");
    return {
      entityId,
      shardId: (id) => hashShardId(id, numberOfShards),
      unwrapMessage: (message) => message,
    };
  },
} as const;
