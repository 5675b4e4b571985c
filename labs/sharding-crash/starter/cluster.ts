import {
  type ActorRef,
  type Behavior,
  ClusterSharding,
  ClusterSimulation,
  SeededRandom,
  type ShardedEntity,
  type ShardingRecord,
  SplitBrainResolver,
  type TraceRecord,
} from "@runtime";
import { cart } from "./cart";
import { cartExtractor } from "./extractors";
import type { CartCommand, CartReply } from "./protocol";

/** Each node's own copy of extractors.ts, as the checks load them. */
export type ExtractorsModule = { readonly cartExtractor: typeof cartExtractor };

export interface ShopOptions {
  /** Idle carts stop after this long (default: never). */
  readonly passivateIdleAfterMs?: number | null;
  /**
   * The copy of extractors.ts each node runs (default: one copy for the whole shop). The checks
   * load one per node, as separate processes would, so no node shares another's module state.
   */
  readonly extractorsOn?: (node: string) => ExtractorsModule | undefined;
}

/**
 * How long a journal write takes, in virtual ms. A crash can land while a write is under way:
 * the write is lost with the node, so a cart that replied before its write completed has
 * acknowledged an item that was never stored.
 */
export const WRITE_LATENCY_MS = 200;

/**
 * A small shop on a simulated three-node cluster: carts are sharded with your extractor and
 * run your entity; a keep-majority split-brain resolver downs crashed nodes. Journal writes
 * take {@link WRITE_LATENCY_MS}, as a real store's do. Everything runs on a virtual clock, so
 * one seed always replays the same run.
 */
export class Shop {
  readonly sim: ClusterSimulation;
  readonly sharding: ClusterSharding;
  readonly carts: ShardedEntity<CartCommand, CartCommand>;

  constructor(seed: number, options: ShopOptions = {}) {
    this.sim = new ClusterSimulation({
      seed,
      nodes: 3,
      downing: new SplitBrainResolver({
        strategy: { kind: "keep-majority" },
        stableAfterMs: 5_000,
      }),
    });
    this.sharding = new ClusterSharding(this.sim, { journalWriteLatencyMs: WRITE_LATENCY_MS });
    this.carts = this.sharding.init<CartCommand, CartCommand>({
      typeName: "cart",
      createBehavior: (cartId) => cart(cartId) as unknown as Behavior<CartCommand>,
      extractor: cartExtractor,
      extractorOn:
        options.extractorsOn &&
        ((node) => options.extractorsOn?.(node.address)?.cartExtractor ?? cartExtractor),
      settings: { numberOfShards: 12, passivateIdleAfterMs: options.passivateIdleAfterMs ?? null },
    });
  }

  /** Lets `ms` of virtual time pass. */
  advance(ms: number): Promise<void> {
    return this.sharding.advance(ms);
  }

  /** The nodes whose shard region runs. */
  liveNodes(): string[] {
    return this.sim.addresses.filter((a) => this.carts.region(a) !== undefined);
  }

  /**
   * Sends a command for `cartId` through node `from` and returns at once; `reply` is filled in
   * when the cart answers within `timeoutMs` of virtual time.
   */
  send(
    cartId: string,
    from: string,
    build: (replyTo: ActorRef<CartReply>) => CartCommand,
    timeoutMs = 10_000,
  ): { reply?: CartReply } {
    const outcome: { reply?: CartReply } = {};
    this.carts
      .entityRefFor(cartId, from)
      .ask<CartReply>(build, timeoutMs)
      .then(
        (reply) => {
          outcome.reply = reply;
        },
        () => {},
      );
    return outcome;
  }

  /** Sends a command and lets `waitMs` pass; undefined when no answer came in that time. */
  async request(
    cartId: string,
    build: (replyTo: ActorRef<CartReply>) => CartCommand,
    waitMs = 3_000,
  ): Promise<CartReply | undefined> {
    const outcome = this.send(cartId, this.liveNodes()[0] ?? "node-1", build, waitMs);
    await this.advance(waitMs);
    return outcome.reply;
  }

  /** Every cart's items as the shop sees them now (asks again until each answers). */
  async readAll(cartIds: readonly string[]): Promise<Map<string, CartReply | undefined>> {
    const answers = new Map<string, CartReply | undefined>();
    for (let attempt = 0; attempt < 10 && answers.size < cartIds.length; attempt++) {
      const from = this.liveNodes()[0];
      if (from === undefined) break;
      const pending = cartIds
        .filter((id) => !answers.has(id))
        .map(
          (id) =>
            [
              id,
              this.send(id, from, (replyTo) => ({ type: "GetCart", cartId: id, replyTo }), 3_000),
            ] as const,
        );
      await this.advance(3_000);
      for (const [id, outcome] of pending) if (outcome.reply) answers.set(id, outcome.reply);
    }
    return answers;
  }
}

/** An `AddItem` the shop acknowledged: the cart said ok. */
export interface Acknowledged {
  readonly cartId: string;
  readonly itemId: string;
  readonly quantity: number;
}

/** What {@link crashRun} did and saw. */
export interface CrashRun {
  readonly seed: number;
  readonly shop: Shop;
  readonly crashed: string;
  readonly crashedAt: number;
  readonly acknowledged: readonly Acknowledged[];
  /** Each cart's answer to `GetCart` after the crash settled (undefined: never answered). */
  readonly finalCarts: ReadonlyMap<string, CartReply | undefined>;
}

export const CART_IDS = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"];

/** Carts whose shard lives on `node` now. */
function cartsOn(shop: Shop, node: string): string[] {
  const shards = new Set(shop.carts.region(node)?.hostedShards() ?? []);
  return CART_IDS.filter((id) => shards.has(shop.carts.shardId(id)));
}

/**
 * The crash scenario of task 3, drawn from `seed`: the cluster forms, shoppers add items
 * (each `AddItem` has its own item id) through random live nodes, and one random node crashes
 * in the middle, at a random millisecond, just after an item was sent to a cart it hosts: the
 * crash lands while that cart's write is under way. The resolver downs the node and its shards
 * move; then every cart is read back.
 */
export async function crashRun(seed: number, options: ShopOptions = {}): Promise<CrashRun> {
  const random = new SeededRandom(seed);
  const shop = new Shop(seed, options);
  await shop.advance(15_000);
  const crashed = random.pick(shop.sim.addresses);
  const crashedAt = 15_000 + random.int(2_000, 6_000);
  const acknowledged: Acknowledged[] = [];
  const sent: {
    cartId: string;
    itemId: string;
    quantity: number;
    outcome: { reply?: CartReply };
  }[] = [];
  shop.sim.scheduler.schedule(crashedAt - shop.sim.scheduler.now(), () => shop.sim.crash(crashed));
  for (let n = 0; n < 48; n++) {
    const now = shop.sim.scheduler.now();
    const from = random.pick(shop.liveNodes());
    // The last item before the crash goes to a cart on the node about to crash.
    const doomed = now <= crashedAt && crashedAt < now + 250 ? cartsOn(shop, crashed) : [];
    const cartId = random.pick(doomed.length > 0 ? doomed : CART_IDS);
    const itemId = `item-${n}`;
    const quantity = random.int(1, 3);
    const outcome = shop.send(cartId, from, (replyTo) => ({
      type: "AddItem",
      cartId,
      itemId,
      quantity,
      replyTo,
    }));
    sent.push({ cartId, itemId, quantity, outcome });
    await shop.advance(250);
  }
  // Failure detection, the resolver's stable-after, then the shards' move.
  await shop.advance(25_000);
  for (const s of sent)
    if (s.outcome.reply?.ok)
      acknowledged.push({ cartId: s.cartId, itemId: s.itemId, quantity: s.quantity });
  const finalCarts = await shop.readAll(CART_IDS);
  return { seed, shop, crashed, crashedAt, acknowledged, finalCarts };
}

/** The records the trace view draws for one seed of {@link crashRun}. */
export async function traceSeed(
  seed: number,
): Promise<{ cluster: readonly TraceRecord[]; sharding: readonly ShardingRecord[] }> {
  const run = await crashRun(seed);
  return { cluster: run.shop.sim.trace.records, sharding: run.shop.sharding.trace.records };
}
