import { type Decision, persist } from "./effects";

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

/**
 * Decide: validate the command against the current state, then persist events or reject.
 *
 * This first draft accepts everything. Task 1 and task 2 ask you to refuse what would break
 * the account (use `reject` from "./effects").
 */
export function commandHandler(_account: Account, command: Command): Decision<Event> {
  switch (command.type) {
    case "deposit":
      return persist({ type: "deposited", amount: command.amount });
    case "withdraw":
      return persist({ type: "withdrew", amount: command.amount });
  }
}

/** Apply: a fact changes the state. No checks, no side effects, no mutation. */
export function eventHandler(account: Account, event: Event): Account {
  switch (event.type) {
    case "deposited":
      return { balance: account.balance + event.amount };
    case "withdrew":
      // Task 1: a withdrawal should lower the balance.
      return account;
  }
}
