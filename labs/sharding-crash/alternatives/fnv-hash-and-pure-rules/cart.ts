import { Effect, EventSourcedBehavior } from "@runtime";
import { type CartCommand, type CartEvent, type Items, persistenceIdOf } from "./protocol";

/** The cart's rules, apart from any actor: the event a change becomes, or why it is refused. */
export function decide(
  items: Items,
  command: Exclude<CartCommand, { type: "GetCart" }>,
): CartEvent | { readonly refused: string } {
  if (command.type === "RemoveItem")
    return command.itemId in items
      ? ({ type: "ItemRemoved", itemId: command.itemId } as const)
      : { refused: `${command.itemId} is not in the cart` };
  return Number.isInteger(command.quantity) && command.quantity > 0
    ? ({ type: "ItemAdded", itemId: command.itemId, quantity: command.quantity } as const)
    : { refused: `quantity must be a positive whole number, got ${command.quantity}` };
}

export function applyEvent(items: Items, event: CartEvent): Items {
  const next: Record<string, number> = { ...items };
  if (event.type === "ItemAdded") next[event.itemId] = (next[event.itemId] ?? 0) + event.quantity;
  else delete next[event.itemId];
  return next;
}

export function cart(cartId: string) {
  return EventSourcedBehavior.create<CartCommand, CartEvent, Items>({
    persistenceId: persistenceIdOf(cartId),
    emptyState: {},
    commandHandler: (items, command) => {
      if (command.type === "GetCart")
        return Effect.reply(command.replyTo, { ok: true, cartId, items });
      const decision = decide(items, command);
      if ("refused" in decision)
        return Effect.reply(command.replyTo, { ok: false, error: decision.refused });
      return Effect.persist<CartEvent, Items>(decision).thenReply(command.replyTo, (after) => ({
        ok: true,
        cartId,
        items: after,
      }));
    },
    eventHandler: applyEvent,
  });
}
