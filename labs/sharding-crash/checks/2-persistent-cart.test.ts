import { Shop } from "@lab/cluster";
import { type CartEvent, type CartReply, persistenceIdOf } from "@lab/protocol";
import { describe, expect, it } from "vitest";

async function eventsOf(shop: Shop, cartId: string): Promise<CartEvent[]> {
  const id = persistenceIdOf(cartId);
  const highest = await shop.sharding.journal.highestSequenceNr(id);
  const stored = highest === 0 ? [] : await shop.sharding.journal.read(id, 1, highest);
  return stored.map((r) => r.event as CartEvent);
}

const itemsOf = (reply: CartReply | undefined) => (reply?.ok ? reply.items : reply);

describe("2. A cart that remembers", () => {
  it("an accepted AddItem is stored as ItemAdded in the cart's journal stream", async () => {
    const shop = new Shop(2);
    await shop.advance(15_000);
    const reply = await shop.request("ann", (replyTo) => ({
      type: "AddItem",
      cartId: "ann",
      itemId: "tea",
      quantity: 2,
      replyTo,
    }));
    expect(itemsOf(reply)).toEqual({ tea: 2 });
    expect(await eventsOf(shop, "ann"), `events of ${persistenceIdOf("ann")}`).toEqual([
      { type: "ItemAdded", itemId: "tea", quantity: 2 },
    ]);
  });

  it("quantities of one item add up, and RemoveItem takes the item out", async () => {
    const shop = new Shop(5);
    await shop.advance(15_000);
    const cartId = "dee";
    await shop.request(cartId, (replyTo) => ({
      type: "AddItem",
      cartId,
      itemId: "tea",
      quantity: 2,
      replyTo,
    }));
    const more = await shop.request(cartId, (replyTo) => ({
      type: "AddItem",
      cartId,
      itemId: "tea",
      quantity: 3,
      replyTo,
    }));
    expect(itemsOf(more), "after 2 and 3 tea").toEqual({ tea: 5 });
    await shop.request(cartId, (replyTo) => ({
      type: "AddItem",
      cartId,
      itemId: "jam",
      quantity: 1,
      replyTo,
    }));
    const removed = await shop.request(cartId, (replyTo) => ({
      type: "RemoveItem",
      cartId,
      itemId: "tea",
      replyTo,
    }));
    expect(itemsOf(removed), "after removing the tea").toEqual({ jam: 1 });
  });

  it("a refused command stores nothing", async () => {
    const shop = new Shop(3);
    await shop.advance(15_000);
    const add = await shop.request("bob", (replyTo) => ({
      type: "AddItem",
      cartId: "bob",
      itemId: "tea",
      quantity: 1,
      replyTo,
    }));
    expect(add?.ok, "adding tea").toBe(true);
    const zero = await shop.request("bob", (replyTo) => ({
      type: "AddItem",
      cartId: "bob",
      itemId: "jam",
      quantity: 0,
      replyTo,
    }));
    const missing = await shop.request("bob", (replyTo) => ({
      type: "RemoveItem",
      cartId: "bob",
      itemId: "jam",
      replyTo,
    }));
    expect(zero?.ok, "adding 0 jam is refused").toBe(false);
    expect(missing?.ok, "removing jam that is not there is refused").toBe(false);
    expect((await eventsOf(shop, "bob")).map((e) => e.type)).toEqual(["ItemAdded"]);
  });

  it("a passivated cart comes back with its items", async () => {
    const shop = new Shop(4, { passivateIdleAfterMs: 5_000 });
    await shop.advance(15_000);
    const cartId = "cy";
    for (const [itemId, quantity] of [
      ["tea", 1],
      ["jam", 2],
      ["tea", 3],
    ] as const)
      await shop.request(cartId, (replyTo) => ({
        type: "AddItem",
        cartId,
        itemId,
        quantity,
        replyTo,
      }));
    await shop.request(cartId, (replyTo) => ({
      type: "RemoveItem",
      cartId,
      itemId: "jam",
      replyTo,
    }));
    const before = await shop.request(cartId, (replyTo) => ({ type: "GetCart", cartId, replyTo }));
    expect(itemsOf(before), "before it goes idle").toEqual({ tea: 4 });
    await shop.advance(20_000);
    const passivated = shop.sharding.trace.records.filter(
      (r) => r.type === "entityStopped" && r.entityId === cartId && r.reason === "passivated",
    );
    expect(passivated.length, "times the idle cart was passivated").toBeGreaterThan(0);
    const after = await shop.request(cartId, (replyTo) => ({ type: "GetCart", cartId, replyTo }));
    expect(itemsOf(after), "after passivation, the cart starts again from its events").toEqual({
      tea: 4,
    });
  });
});
