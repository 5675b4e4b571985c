import {
  type Account,
  BALANCE_LIMIT,
  type Command,
  emptyAccount,
  eventHandler,
  type Reply,
} from "@lab/account";
import { accountEntity, persistenceIdOf } from "@lab/entity";
import { type ActorRef, EventSourcedBehaviorTestKit } from "@runtime";
import { describe, expect, it } from "vitest";

const deposit =
  (amount: number) =>
  (replyTo: ActorRef<Reply>): Command => ({
    type: "deposit",
    amount,
    replyTo,
  });
const withdraw =
  (amount: number) =>
  (replyTo: ActorRef<Reply>): Command => ({
    type: "withdraw",
    amount,
    replyTo,
  });

/** A fresh account on the runtime's test kit: virtual clock, in-memory journal. */
function openAccount() {
  return EventSourcedBehaviorTestKit.create(accountEntity("a-1"));
}

type Kit = Awaited<ReturnType<typeof openAccount>>;

/** Runs commands one by one and returns what the last one did. */
async function run(kit: Kit, ...commands: Array<(replyTo: ActorRef<Reply>) => Command>) {
  let last: Awaited<ReturnType<Kit["runCommand"]>> | undefined;
  for (const command of commands) last = await kit.runCommand<Reply>(command);
  return last as Awaited<ReturnType<Kit["runCommand"]>> & { reply: Reply | undefined };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function errorOf(reply: Reply | undefined): string {
  expect(reply, "the command got no reply").toBeDefined();
  expect(reply?.ok, "the command was accepted").toBe(false);
  return reply?.ok === false ? reply.error : "";
}

describe("1. The four-step table", () => {
  it("deposit 100 → deposited 100, balance 100 (the starter's deposit already works)", async () => {
    const kit = await openAccount();
    const step = await run(kit, deposit(100));
    expect(step.events).toMatchObject([{ type: "deposited", amount: 100 }]);
    expect(step.reply).toEqual({ ok: true, balance: 100 });
    expect(step.state.balance).toBe(100);
  });

  it("withdraw 30 → withdrew 30, balance 70", async () => {
    const kit = await openAccount();
    await run(kit, deposit(100));
    const step = await run(kit, withdraw(30));
    expect(step.events).toMatchObject([{ type: "withdrew", amount: 30 }]);
    expect(step.reply).toEqual({ ok: true, balance: 70 });
    expect(step.state.balance).toBe(70);
  });

  it("withdraw 100 → refused: the balance would fall below 0; balance stays 70", async () => {
    const kit = await openAccount();
    await run(kit, deposit(100), withdraw(30));
    const step = await run(kit, withdraw(100));
    expect(errorOf(step.reply)).toMatch(/below 0/);
    expect(step.events).toEqual([]);
    expect(step.state.balance).toBe(70);
  });

  it("deposit 2,000 → refused: the balance limit of 1,000; balance stays 70", async () => {
    const kit = await openAccount();
    await run(kit, deposit(100), withdraw(30));
    const step = await run(kit, deposit(2_000));
    expect(errorOf(step.reply)).toMatch(/limit/);
    expect(step.events).toEqual([]);
    expect(step.state.balance).toBe(70);
  });

  it("the event handler returns a new state and leaves the old one alone", () => {
    // The account's own shape (it may hold more than the balance), frozen all the way down.
    const frozen: Account = deepFreeze({ ...emptyAccount, balance: 50 });
    const before = JSON.stringify(frozen);
    expect(eventHandler(frozen, { type: "deposited", amount: 5 }).balance).toBe(55);
    expect(eventHandler(frozen, { type: "withdrew", amount: 5 }).balance).toBe(45);
    expect(JSON.stringify(frozen)).toBe(before);
  });
});

describe("2. Rejected commands leave no trace", () => {
  it("a refused command writes no event and does not change the account", async () => {
    const kit = await openAccount();
    await run(kit, deposit(100));
    const step = await run(kit, withdraw(500));
    expect(errorOf(step.reply)).not.toBe("");
    expect(step.events).toEqual([]);
    expect(await kit.persistedEvents()).toMatchObject([{ type: "deposited", amount: 100 }]);
    expect(await kit.journal.highestSequenceNr(persistenceIdOf("a-1"))).toBe(1);
    expect(step.state.balance).toBe(100);
  });

  it.each([0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "an amount of %s is refused, for deposits and withdrawals alike",
    async (amount) => {
      const kit = await openAccount();
      await run(kit, deposit(500));
      for (const [name, command] of [
        ["deposit", deposit(amount)],
        ["withdraw", withdraw(amount)],
      ] as const) {
        const step = await run(kit, command);
        expect(step.reply?.ok, `${name} ${amount}`).toBe(false);
        expect(step.events, `${name} ${amount}`).toEqual([]);
      }
      expect((await kit.getState()).balance).toBe(500);
    },
  );

  it("the bounds are inclusive: exactly 0 and exactly 1,000 are fine", async () => {
    const kit = await openAccount();
    expect((await run(kit, deposit(BALANCE_LIMIT))).reply).toEqual({ ok: true, balance: 1_000 });
    expect((await run(kit, withdraw(BALANCE_LIMIT))).reply).toEqual({ ok: true, balance: 0 });
    expect((await run(kit, deposit(999), deposit(2))).reply?.ok).toBe(false);
  });

  it("every refusal says why, in words", async () => {
    const kit = await openAccount();
    for (const command of [withdraw(1), deposit(1_001), deposit(-1)]) {
      expect(errorOf((await run(kit, command)).reply).trim().length).toBeGreaterThan(5);
    }
  });

  it("after a restart, only accepted commands come back", async () => {
    const kit = await openAccount();
    await run(kit, deposit(600), deposit(600), withdraw(700), withdraw(100), deposit(0));
    expect((await kit.restart()).balance).toBe(500);
    expect(await kit.persistedEvents()).toHaveLength(2);
  });
});
