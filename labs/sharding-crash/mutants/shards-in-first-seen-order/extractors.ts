import type { EntityId, ShardId, ShardingMessageExtractor } from "@runtime";
import { type CartCommand, NUMBER_OF_SHARDS } from "./protocol";

/** Which cart a command is for: the entity id. */
export function entityIdOf(command: CartCommand): EntityId {
  return command.cartId;
}

/** Shards handed out in turn, to the carts in the order they first show up: a perfect spread. */
const shardOfCart = new Map<EntityId, ShardId>();

/** Which of the NUMBER_OF_SHARDS shards a cart lives in. */
export function shardIdOf(cartId: EntityId): ShardId {
  let shard = shardOfCart.get(cartId);
  if (shard === undefined) {
    shard = String(shardOfCart.size % NUMBER_OF_SHARDS);
    shardOfCart.set(cartId, shard);
  }
  return shard;
}

/** What the shard regions use: commands carry their cart id, so they go to the cart as they are. */
export const cartExtractor: ShardingMessageExtractor<CartCommand, CartCommand> = {
  entityId: entityIdOf,
  shardId: shardIdOf,
  unwrapMessage: (command) => command,
};
