import { type EntityId, hashShardId, type ShardId, type ShardingMessageExtractor } from "@runtime";
import { type CartCommand, NUMBER_OF_SHARDS } from "./protocol";

/** Which cart a command is for: the entity id. */
export const entityIdOf = (command: CartCommand): EntityId => command.cartId;

/** Akka's default: Java's String.hashCode of the id, modulo the number of shards. */
export const shardIdOf = (cartId: EntityId): ShardId => hashShardId(cartId, NUMBER_OF_SHARDS);

export const cartExtractor: ShardingMessageExtractor<CartCommand, CartCommand> = {
  entityId: entityIdOf,
  shardId: shardIdOf,
  unwrapMessage: (command) => command,
};
