import type { EntityId, ShardId, ShardingMessageExtractor } from "@runtime";
import { type CartCommand, NUMBER_OF_SHARDS } from "./protocol";

/** Which cart a command is for: the entity id. */
export function entityIdOf(command: CartCommand): EntityId {
  return command.cartId;
}

/**
 * Which of the NUMBER_OF_SHARDS shards a cart lives in. It depends on the id alone, so a cart
 * never changes shard, and a string hash spreads ids that differ in one letter.
 */
export function shardIdOf(cartId: EntityId): ShardId {
  // FNV-1a, 32 bits: any hash of the id alone will do.
  let hash = 0x811c9dc5;
  for (let i = 0; i < cartId.length; i++) hash = Math.imul(hash ^ cartId.charCodeAt(i), 0x01000193);
  return String((hash >>> 0) % NUMBER_OF_SHARDS);
}

/** What the shard regions use: commands carry their cart id, so they go to the cart as they are. */
export const cartExtractor: ShardingMessageExtractor<CartCommand, CartCommand> = {
  entityId: entityIdOf,
  shardId: shardIdOf,
  unwrapMessage: (command) => command,
};
