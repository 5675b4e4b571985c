import { type Account, type Command, emptyAccount, eventHandler, type Reply } from "@lab/account";
import { type AccountOptions, accountEntity, persistenceIdOf } from "@lab/entity";
import { ask, EventSourcedBehaviorTestKit } from "@runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** A command without its reply address: what the property generators produce. */
type Intent = { readonly type: "deposit" | "withdraw"; readonly amount: number };

/** Amounts biased towards the edges where bugs hide: 0, the limit, just past it, fractions. */
const amount = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 999, 1_000, 1_001, -1, 0.5) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 400 }) },
);
const intent: fc.Arbitrary<Intent> = fc.record({
  type: fc.constantFrom("deposit" as const, "withdraw" as const),
  amount,
});
const history = fc.array(intent, { minLength: 1, maxLength: 40 });

/** Fixed seeds: every learner, and the grader, meets the same random histories. */
const RUNS = { seed: 20_240_501, numRuns: 60, includeErrorInReport: true };

/**
 * The journal acknowledges each write later, as a real store does, so commands sent together
 * wait in the entity's stash while a write is in flight.
 */
function openAccount(options: AccountOptions = {}) {
  return EventSourcedBehaviorTestKit.create(accountEntity("a-1", options), {
    immediateWrites: false,
  });
}

type Kit = Awaited<ReturnType<typeof openAccount>>;

/**
 * Sends every command at once, as busy clients would, then runs the virtual clock until all is
 * done. The runtime stashes what arrives during a write, so replies still come in order.
 */
async function sendAll(kit: Kit, intents: readonly Intent[]): Promise<Reply[]> {
  const replies = intents.map((i) =>
    ask<Command, Reply>(kit.actor, (replyTo) => ({ ...i, replyTo }), { timeout: 1_000 }),
  );
  await kit.scheduler.runUntilIdle();
  return Promise.all(replies);
}

/** Full replay: every stored event, from the empty account. */
async function replayAll(kit: Kit): Promise<Account> {
  return (await kit.persistedEvents()).reduce(eventHandler, emptyAccount);
}

const deposits = (n: number, each = 10): Intent[] =>
  Array.from({ length: n }, () => ({ type: "deposit", amount: each }));

describe("3. Snapshots", () => {
  it("a snapshot is saved after every n-th event, and the two newest are kept", async () => {
    const kit = await openAccount({ snapshotEvery: 3 });
    await sendAll(kit, deposits(7));
    expect(kit.snapshotStore.sequenceNrs(persistenceIdOf("a-1"))).toEqual([3, 6]);
    await sendAll(kit, deposits(4));
    expect(kit.snapshotStore.sequenceNrs(persistenceIdOf("a-1"))).toEqual([6, 9]);
    const latest = await kit.snapshotStore.loadLatest(persistenceIdOf("a-1"));
    expect((latest?.snapshot as Account | undefined)?.balance).toBe(90);
  });

  it("recovery starts from the snapshot: the events it covers may even be deleted", async () => {
    const kit = await openAccount({ snapshotEvery: 5 });
    await sendAll(kit, [...deposits(10, 20), { type: "withdraw", amount: 50 }]);
    const live = await kit.getState();
    expect(live.balance).toBe(150);
    // Events 1..10 are covered by the snapshot at 10; recovery must not need them.
    await kit.journal.deleteTo(persistenceIdOf("a-1"), 10);
    expect(await kit.restart()).toEqual(live);
  });

  it("no snapshots unless asked for (the starter, which never saves one, already gets this right)", async () => {
    const kit = await openAccount();
    await sendAll(kit, deposits(12));
    expect(kit.snapshotStore.sequenceNrs(persistenceIdOf("a-1"))).toEqual([]);
  });

  it("snapshot + later events = full replay, for random histories and every interval 1..12", async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.integer({ min: 1, max: 12 }), async (intents, every) => {
        const kit = await openAccount({ snapshotEvery: every });
        await sendAll(kit, intents);
        const live = await kit.getState();
        const stored = (await kit.persistedEvents()).length;
        expect(
          kit.snapshotStore.sequenceNrs(persistenceIdOf("a-1")).length > 0 || stored < every,
          `${stored} events stored with snapshotEvery ${every}, but no snapshot`,
        ).toBe(true);
        const recovered = await kit.restart();
        expect(recovered, "recovered ≠ live state").toEqual(live);
        expect(recovered, "recovered ≠ full replay").toEqual(await replayAll(kit));
      }),
      RUNS,
    );
  });
});

describe("4. Properties over random histories", () => {
  it("the balance never leaves 0..1,000", async () => {
    await fc.assert(
      fc.asyncProperty(history, async (intents) => {
        const kit = await openAccount();
        const replies = await sendAll(kit, intents);
        for (const reply of replies) {
          if (reply.ok) expect(reply.balance).toBeGreaterThanOrEqual(0);
          if (reply.ok) expect(reply.balance).toBeLessThanOrEqual(1_000);
        }
        const { balance } = await kit.getState();
        expect(balance >= 0 && balance <= 1_000, `final balance ${balance}`).toBe(true);
      }),
      RUNS,
    );
  });

  it("money is conserved: accepted deposits − accepted withdrawals = balance", async () => {
    await fc.assert(
      fc.asyncProperty(history, async (intents) => {
        const kit = await openAccount();
        const replies = await sendAll(kit, intents);
        let expected = 0;
        replies.forEach((reply, i) => {
          const { type, amount } = intents[i] as Intent;
          if (!reply.ok) return;
          expected += type === "deposit" ? amount : -amount;
          expect(reply.balance, `after command ${i + 1}, ${type} ${amount}`).toBe(expected);
        });
        expect((await kit.getState()).balance).toBe(expected);
      }),
      RUNS,
    );
  });

  it("an accepted command stores exactly one event of its kind and amount; a refused one none (the starter, which accepts everything, already stores one event per command)", async () => {
    await fc.assert(
      fc.asyncProperty(history, async (intents) => {
        const kit = await openAccount();
        const replies = await sendAll(kit, intents);
        const expected = intents
          .filter((_, i) => replies[i]?.ok)
          .map(({ type, amount }) => ({
            type: type === "deposit" ? "deposited" : "withdrew",
            amount,
          }));
        expect(await kit.persistedEvents()).toMatchObject(expected);
      }),
      RUNS,
    );
  });
});
