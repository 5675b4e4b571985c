import { CART_IDS, Shop } from "@lab/cluster";
import { cartExtractor, entityIdOf, shardIdOf } from "@lab/extractors";
import { type CartCommand, NUMBER_OF_SHARDS } from "@lab/protocol";
import type { ActorRef } from "@runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const nobody = { tell: () => {} } as unknown as ActorRef<never>;

/**
 * A copy of extractors.ts loaded on its own, with module state of its own: what one node of a
 * cluster runs. A crashed node loses that state, and every node has its own, so the shard of a
 * cart must follow from its id alone.
 */
function extractorsOfNode(node: string): Promise<typeof import("@lab/extractors")> {
  return import(`@lab/extractors?copy=${node}`);
}

describe("1. Route by cart", () => {
  it("the entity id is the cart the command names, for every command", () => {
    const commands: CartCommand[] = [
      { type: "AddItem", cartId: "cart-7", itemId: "tea", quantity: 1, replyTo: nobody },
      { type: "RemoveItem", cartId: "cart-7", itemId: "tea", replyTo: nobody },
      { type: "GetCart", cartId: "cart-7", replyTo: nobody },
    ];
    for (const command of commands) expect(entityIdOf(command), command.type).toBe("cart-7");
    expect(cartExtractor.unwrapMessage(commands[0] as CartCommand)).toBe(commands[0]);
  });

  it("a shard id is a whole number below NUMBER_OF_SHARDS, the same every time for the same cart", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), (cartId) => {
        const shard = shardIdOf(cartId);
        expect(shard, `shardIdOf(${JSON.stringify(cartId)})`).toMatch(/^\d+$/);
        expect(Number(shard)).toBeLessThan(NUMBER_OF_SHARDS);
        expect(shardIdOf(cartId), "asked twice").toBe(shard);
      }),
      { seed: 101, numRuns: 300, includeErrorInReport: true },
    );
  });

  it("copies of extractors.ts loaded apart, as on three nodes, give every cart the same shard, whatever order they meet the carts in", async () => {
    const carts = [...CART_IDS, ...Array.from({ length: 30 }, (_, i) => `cart-${i}`)];
    const [first, second, third] = await Promise.all(
      ["node-1", "node-2", "node-3"].map(extractorsOfNode),
    );
    const inOrder = carts.map((id) => first?.shardIdOf(id));
    const backwards = [...carts].reverse().map((id) => second?.shardIdOf(id));
    const interleaved = carts.map((_, i) => (i % 2 === 0 ? i / 2 : carts.length - 1 - (i - 1) / 2));
    const shuffled = new Map(interleaved.map((i) => [i, third?.shardIdOf(carts[i] as string)]));
    carts.forEach((cartId, i) => {
      const mine = inOrder[i];
      expect(
        backwards[carts.length - 1 - i],
        `${cartId} on the node that met the carts backwards`,
      ).toBe(mine);
      expect(shuffled.get(i), `${cartId} on the node that met the carts in another order`).toBe(
        mine,
      );
    });
  });

  it("carts spread over the shards: 120 carts use at least 10 shards, none holds more than a quarter", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 120; i++) {
      const shard = shardIdOf(`cart-${i}`);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    const summary = [...counts].map(([s, n]) => `shard ${s}: ${n}`).join(", ");
    expect(counts.size, `shards used by cart-0 … cart-119 (${summary})`).toBeGreaterThanOrEqual(10);
    expect(Math.max(...counts.values()), `largest shard (${summary})`).toBeLessThanOrEqual(30);
  });

  it("on the cluster, each cart's commands reach one entity, and the carts spread over all three nodes", async () => {
    const shop = new Shop(1);
    await shop.advance(15_000);
    for (const [i, cartId] of CART_IDS.entries())
      shop.send(cartId, `node-${(i % 3) + 1}`, (replyTo) => ({ type: "GetCart", cartId, replyTo }));
    await shop.advance(3_000);
    const started = shop.sharding.trace.records.filter((r) => r.type === "entityStarted");
    expect(
      started.map((r) => (r.type === "entityStarted" ? r.entityId : "")).sort(),
      "entities started",
    ).toEqual([...CART_IDS].sort());
    const nodes = new Set(started.map((r) => r.node.address));
    expect([...nodes].sort(), "nodes that run a cart").toEqual(["node-1", "node-2", "node-3"]);
  });
});
