import { type Decision, persist, reject } from "./effects";

/** The highest balance an account may hold. */
export const BALANCE_LIMIT = 1_000;

/** Requests to change the account. They may be refused. */
export type Command =
  | { readonly type: "deposit"; readonly amount: number }
  | { readonly type: "withdraw"; readonly amount: number };

/** Facts that have happened. They are never refused: they are already true. */
export type Event =
  | { readonly type: "deposited"; readonly amount: number }
  | { readonly type: "withdrew"; readonly amount: number };

export interface Account {
  readonly balance: number;
}

/** Where every replay starts. */
export const emptyAccount: Account = { balance: 0 };

/** Amounts are whole, positive units of money. */
function invalidAmount(amount: number): string | undefined {
  if (!Number.isSafeInteger(amount)) return `the amount must be a whole number, not ${amount}`;
  if (amount <= 0) return `the amount must be positive, not ${amount}`;
  return undefined;
}

/** Decide: validate the command against the current state, then persist events or reject. */
export function commandHandler(account: Account, command: Command): Decision<Event> {
  const problem = invalidAmount(command.amount);
  if (problem) return reject(problem);
  switch (command.type) {
    case "deposit":
      if (account.balance + command.amount > BALANCE_LIMIT) {
        return reject(`the balance limit of ${BALANCE_LIMIT} would be exceeded`);
      }
      return persist({ type: "deposited", amount: command.amount });
    case "withdraw":
      if (account.balance - command.amount < 0) {
        return reject("the balance would fall below 0");
      }
      return persist({ type: "withdrew", amount: command.amount });
  }
}

/** Apply: a fact changes the state. No checks, no side effects, no mutation. */
export function eventHandler(account: Account, event: Event): Account {
  switch (event.type) {
    case "deposited":
      return { balance: account.balance + event.amount };
    case "withdrew":
      return { balance: account.balance - event.amount };
  }
}
