import { type ActorRef, Effect, type EffectBuilder } from "@runtime";

/** The highest balance an account may hold. */
export const BALANCE_LIMIT = 1_000;

/** What the sender hears back: the new balance, or why nothing happened. */
export type Reply =
  | { readonly ok: true; readonly balance: number }
  | { readonly ok: false; readonly error: string };

/** Requests to change the account. They may be refused. */
export type Command =
  | { readonly type: "deposit"; readonly amount: number; readonly replyTo: ActorRef<Reply> }
  | { readonly type: "withdraw"; readonly amount: number; readonly replyTo: ActorRef<Reply> };

/** Facts that have happened. They are never refused: they are already true. */
export type Event =
  | { readonly type: "deposited"; readonly amount: number }
  | { readonly type: "withdrew"; readonly amount: number };

export interface Account {
  readonly balance: number;
}

/** Where every replay starts. */
export const emptyAccount: Account = { balance: 0 };

function accept(command: Command, event: Event): EffectBuilder<Event, Account> {
  return Effect.persist<Event, Account>(event).thenReply(command.replyTo, (account) => ({
    ok: true,
    balance: account.balance,
  }));
}

/**
 * Decide: check the command against the current state, then persist an event or refuse.
 *
 * This first draft accepts everything. Tasks 1 and 2 ask you to refuse what would break the
 * account: `Effect.reply(command.replyTo, { ok: false, error: "…" })` stores nothing.
 */
export function commandHandler(_account: Account, command: Command): EffectBuilder<Event, Account> {
  switch (command.type) {
    case "deposit":
      return accept(command, { type: "deposited", amount: command.amount });
    case "withdraw":
      return accept(command, { type: "withdrew", amount: command.amount });
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
