import { type CrashRun, crashRun, type ExtractorsModule } from "@lab/cluster";
import { type CartEvent, persistenceIdOf } from "@lab/protocol";
import { checkBalanced, checkSingleIncarnation } from "@runtime";
import { describe, expect, it } from "vitest";

/** Seeds 1…SEEDS; each is one crash run, replayable in the trace view. */
const SEEDS = 24;

/** Names the seed in a failure and asks the lab page for a link to its trace. */
const traceOf = (seed: number) => `seed ${seed} [trace seed=${seed} lab=sharding-crash]`;

// The three checks look at the same runs: replay each seed once.
const runs = new Map<number, Promise<CrashRun>>();

/**
 * Each node loads extractors.ts on its own, as a separate process would: no node sees what
 * another's module remembers. Loaded once; each node keeps its copy from run to run.
 */
const NODES = ["node-1", "node-2", "node-3"];
const copies = Promise.all(
  NODES.map((node): Promise<ExtractorsModule> => import(`@lab/extractors?copy=crash-${node}`)),
);
copies.catch(() => undefined); // a copy that fails to load fails the first check that awaits it

async function runOf(seed: number): Promise<CrashRun> {
  const loaded = await copies;
  return crashRun(seed, { extractorsOn: (node) => loaded[NODES.indexOf(node)] });
}

async function forEachSeed(check: (run: CrashRun) => Promise<void> | void) {
  for (let seed = 1; seed <= SEEDS; seed++) {
    let run = runs.get(seed);
    if (run === undefined) {
      run = runOf(seed);
      runs.set(seed, run);
    }
    await check(await run);
  }
}

describe("3. Survive a crash", () => {
  it("every acknowledged AddItem is in the journal, whichever node crashes (24 seeds)", async () => {
    await forEachSeed(async (run) => {
      expect(run.acknowledged.length, `${traceOf(run.seed)}: acknowledged adds`).toBeGreaterThan(
        10,
      );
      for (const ack of run.acknowledged) {
        const id = persistenceIdOf(ack.cartId);
        const highest = await run.shop.sharding.journal.highestSequenceNr(id);
        const events = highest === 0 ? [] : await run.shop.sharding.journal.read(id, 1, highest);
        const stored = events.some((r) => {
          const e = r.event as CartEvent;
          return e.type === "ItemAdded" && e.itemId === ack.itemId && e.quantity === ack.quantity;
        });
        expect(
          stored,
          `${traceOf(run.seed)}: ${ack.itemId} ×${ack.quantity} was acknowledged by ${ack.cartId} but is not in ${id}`,
        ).toBe(true);
      }
    });
  });

  it("after the crash, every cart still holds every item it acknowledged (24 seeds)", async () => {
    await forEachSeed((run) => {
      for (const ack of run.acknowledged) {
        const reply = run.finalCarts.get(ack.cartId);
        const where = `${traceOf(run.seed)}: ${run.crashed} crashed at ${run.crashedAt} ms`;
        expect(reply?.ok, `${where}; ${ack.cartId} answered GetCart`).toBe(true);
        const items = reply?.ok ? reply.items : {};
        expect(
          items[ack.itemId],
          `${where}; ${ack.cartId} acknowledged ${ack.itemId} ×${ack.quantity} but now holds ${JSON.stringify(items)}`,
        ).toBe(ack.quantity);
      }
    });
  });

  it("never two copies of a cart, and the shards stay balanced over the survivors (24 seeds; any shard id that depends on the cart id alone, the starter's included, gets this right)", async () => {
    await forEachSeed((run) => {
      const records = run.shop.sharding.trace.records;
      expect(checkSingleIncarnation(records), `${traceOf(run.seed)}: two live copies`).toEqual([]);
      const unbalanced = checkBalanced(records, "cart");
      expect(
        unbalanced && Object.fromEntries(unbalanced.counts),
        `${traceOf(run.seed)}: shards per node after the crash`,
      ).toBeUndefined();
    });
  });
});
