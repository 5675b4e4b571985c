import { Effect, type EffectBuilder, EventSourcedBehavior } from "@runtime";
import {
  type CartCommand,
  type CartEvent,
  type CartReply,
  type Items,
  persistenceIdOf,
} from "./protocol";

/** More state than the replies show: how many events made the cart. */
interface Cart {
  readonly items: Items;
  readonly version: number;
}

const EMPTY: Cart = { items: {}, version: 0 };

function store(event: CartEvent, cartId: string, replyTo: CartCommand["replyTo"]) {
  return Effect.persist<CartEvent, Cart>(event).thenReply(
    replyTo,
    (after): CartReply => ({ ok: true, cartId, items: after.items }),
  );
}

export function cart(cartId: string) {
  return EventSourcedBehavior.create<CartCommand, CartEvent, Cart>({
    persistenceId: persistenceIdOf(cartId),
    emptyState: EMPTY,
    commandHandler: (cart, command): EffectBuilder<CartEvent, Cart> => {
      if (command.type === "GetCart")
        return Effect.reply(command.replyTo, { ok: true, cartId, items: cart.items });
      if (command.type === "RemoveItem") {
        if (cart.items[command.itemId] === undefined)
          return Effect.reply(command.replyTo, { ok: false, error: `no ${command.itemId} here` });
        return store({ type: "ItemRemoved", itemId: command.itemId }, cartId, command.replyTo);
      }
      const { itemId, quantity } = command;
      if (!Number.isSafeInteger(quantity) || quantity < 1)
        return Effect.reply(command.replyTo, { ok: false, error: `cannot add ${quantity} of it` });
      return store({ type: "ItemAdded", itemId, quantity }, cartId, command.replyTo);
    },
    eventHandler: (cart, event) => {
      const items = new Map(Object.entries(cart.items));
      if (event.type === "ItemRemoved") items.delete(event.itemId);
      else items.set(event.itemId, (items.get(event.itemId) ?? 0) + event.quantity);
      return { items: Object.fromEntries(items), version: cart.version + 1 };
    },
  });
}
