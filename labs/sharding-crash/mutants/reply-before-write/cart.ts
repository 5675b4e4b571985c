import { Effect, EventSourcedBehavior } from "@runtime";
import { type CartCommand, type CartEvent, type Items, persistenceIdOf } from "./protocol";

/**
 * A shopping cart as an event-sourced entity: commands are checked against the state, accepted
 * ones are stored as events, and the reply goes out only after the write. The state is the
 * fold of the events, so any node can rebuild it from the journal.
 */
export function cart(cartId: string) {
  return EventSourcedBehavior.create<CartCommand, CartEvent, Items>({
    persistenceId: persistenceIdOf(cartId),
    emptyState: {},
    commandHandler: (items, command) => {
      switch (command.type) {
        case "AddItem":
          if (!(Number.isInteger(command.quantity) && command.quantity > 0))
            return Effect.reply(command.replyTo, {
              ok: false,
              error: `quantity must be a positive whole number, got ${command.quantity}`,
            });
          // Answer at once, so the shopper does not wait for the disk.
          command.replyTo.tell({
            ok: true,
            cartId,
            items: { ...items, [command.itemId]: (items[command.itemId] ?? 0) + command.quantity },
          });
          return Effect.persist<CartEvent, Items>({
            type: "ItemAdded",
            itemId: command.itemId,
            quantity: command.quantity,
          });
        case "RemoveItem":
          if (!(command.itemId in items))
            return Effect.reply(command.replyTo, {
              ok: false,
              error: `${command.itemId} is not in the cart`,
            });
          return Effect.persist<CartEvent, Items>({
            type: "ItemRemoved",
            itemId: command.itemId,
          }).thenReply(command.replyTo, (after) => ({ ok: true, cartId, items: after }));
        case "GetCart":
          return Effect.reply(command.replyTo, { ok: true, cartId, items });
      }
    },
    eventHandler: (items, event) => {
      if (event.type === "ItemAdded")
        return { ...items, [event.itemId]: (items[event.itemId] ?? 0) + event.quantity };
      const { [event.itemId]: _removed, ...rest } = items;
      return rest;
    },
  });
}
