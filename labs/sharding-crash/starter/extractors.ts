import type { EntityId, ShardId, ShardingMessageExtractor } from "@runtime";
import { type CartCommand, NUMBER_OF_SHARDS } from "./protocol";

/** Which cart a command is for: the entity id. */
export function entityIdOf(command: CartCommand): EntityId {
  // TODO: every command names its cart.
  return command.type;
}

/** Which of the NUMBER_OF_SHARDS shards a cart lives in. */
export function shardIdOf(cartId: EntityId): ShardId {
  // TODO: quick, stable, and in range, but is it spread?
  return String(cartId.length % NUMBER_OF_SHARDS);
}

/** What the shard regions use: commands carry their cart id, so they go to the cart as they are. */
export const cartExtractor: ShardingMessageExtractor<CartCommand, CartCommand> = {
  entityId: entityIdOf,
  shardId: shardIdOf,
  unwrapMessage: (command) => command,
};
