import { Behaviors } from "@runtime";
import type { CartCommand, Items } from "./protocol";

/**
 * A shopping cart that keeps its items in a variable. It answers every command correctly...
 * until its actor stops. Turn it into an EventSourcedBehavior (task 2).
 */
export function cart(cartId: string) {
  let items: Items = {};
  return Behaviors.receiveMessage<CartCommand>((command) => {
    switch (command.type) {
      case "AddItem":
        if (!(Number.isInteger(command.quantity) && command.quantity > 0)) {
          command.replyTo.tell({
            ok: false,
            error: `quantity must be a positive whole number, got ${command.quantity}`,
          });
          break;
        }
        items = { ...items, [command.itemId]: (items[command.itemId] ?? 0) + command.quantity };
        command.replyTo.tell({ ok: true, cartId, items });
        break;
      case "RemoveItem":
        if (!(command.itemId in items)) {
          command.replyTo.tell({ ok: false, error: `${command.itemId} is not in the cart` });
          break;
        }
        items = Object.fromEntries(Object.entries(items).filter(([id]) => id !== command.itemId));
        command.replyTo.tell({ ok: true, cartId, items });
        break;
      case "GetCart":
        command.replyTo.tell({ ok: true, cartId, items });
        break;
    }
    return Behaviors.same;
  });
}
