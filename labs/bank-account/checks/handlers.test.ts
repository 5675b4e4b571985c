import {
  type Account,
  BALANCE_LIMIT,
  type Command,
  commandHandler,
  emptyAccount,
  eventHandler,
} from "@lab/account";
import { AccountEntity, newStores } from "@lab/entity";
import { describe, expect, it } from "vitest";

/** Decide, and when accepted apply the events: one step of the table. */
function step(account: Account, command: Command) {
  const decision = commandHandler(account, command);
  if ("error" in decision) return { decision, account };
  return { decision, account: decision.events.reduce(eventHandler, account) };
}

/** The account after a list of commands, each applied only when accepted. */
function accountAfter(commands: Command[]): Account {
  return commands.reduce((account, command) => step(account, command).account, emptyAccount);
}

const deposit = (amount: number): Command => ({ type: "deposit", amount });
const withdraw = (amount: number): Command => ({ type: "withdraw", amount });

describe("1. The four-step table", () => {
  it("deposit 100 → deposited 100, balance 100", () => {
    const { decision, account } = step(emptyAccount, deposit(100));
    expect(decision).toEqual({ events: [{ type: "deposited", amount: 100 }] });
    expect(account.balance).toBe(100);
  });

  it("withdraw 30 → withdrew 30, balance 70", () => {
    const { decision, account } = step(accountAfter([deposit(100)]), withdraw(30));
    expect(decision).toEqual({ events: [{ type: "withdrew", amount: 30 }] });
    expect(account.balance).toBe(70);
  });

  it("withdraw 100 → error: the balance would fall below 0; balance stays 70", () => {
    const before = accountAfter([deposit(100), withdraw(30)]);
    const { decision, account } = step(before, withdraw(100));
    expect(decision).toHaveProperty("error");
    expect((decision as { error: string }).error).toMatch(/below 0/);
    expect(account.balance).toBe(70);
  });

  it("deposit 2,000 → error: the balance limit of 1,000; balance stays 70", () => {
    const before = accountAfter([deposit(100), withdraw(30)]);
    const { decision, account } = step(before, deposit(2_000));
    expect(decision).toHaveProperty("error");
    expect((decision as { error: string }).error).toMatch(/limit/);
    expect(account.balance).toBe(70);
  });

  it("the event handler returns a new state and leaves the old one alone", () => {
    const frozen = Object.freeze({ balance: 50 });
    const next = eventHandler(frozen, { type: "deposited", amount: 5 });
    expect(next).toEqual({ balance: 55 });
    expect(frozen).toEqual({ balance: 50 });
  });
});

describe("2. Rejected commands leave no trace", () => {
  it("a rejected command writes no event and does not change the entity", () => {
    const stores = newStores();
    const entity = AccountEntity.start("acc-1", stores);
    entity.handle(deposit(100));
    const reply = entity.handle(withdraw(500));
    expect(reply.accepted).toBe(false);
    expect(stores.journal.read("acc-1")).toHaveLength(1);
    expect(entity.state).toEqual({ balance: 100 });
    expect(entity.lastSequenceNr).toBe(1);
  });

  it.each([0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "an amount of %s is rejected, for deposits and withdrawals alike",
    (amount) => {
      const rich = accountAfter([deposit(500)]);
      for (const command of [deposit(amount), withdraw(amount)]) {
        const decision = commandHandler(rich, command);
        expect(decision, `${command.type} ${amount}`).toHaveProperty("error");
      }
    },
  );

  it("the bounds are inclusive: exactly 0 and exactly 1,000 are fine", () => {
    expect(accountAfter([deposit(BALANCE_LIMIT)]).balance).toBe(1_000);
    expect(accountAfter([deposit(400), withdraw(400)]).balance).toBe(0);
    expect(commandHandler(accountAfter([deposit(999)]), deposit(2))).toHaveProperty("error");
  });

  it("every rejection says why, in words", () => {
    for (const command of [withdraw(1), deposit(1_001), deposit(-1)]) {
      const decision = commandHandler(emptyAccount, command);
      expect(decision).toHaveProperty("error");
      expect((decision as { error: string }).error.trim().length).toBeGreaterThan(5);
    }
  });
});
