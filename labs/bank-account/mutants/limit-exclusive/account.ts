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

/** Amounts are whole, positive units of money. */
function invalidAmount(amount: number): string | undefined {
  if (!Number.isSafeInteger(amount)) return `the amount must be a whole number, not ${amount}`;
  if (amount <= 0) return `the amount must be positive, not ${amount}`;
  return undefined;
}

/** What a command asks for, without who to answer: all the rules look at. */
export type Transaction = Pick<Command, "type" | "amount">;

/**
 * The account's rules, as a pure function: the event a transaction becomes, or why it is
 * refused. `limit` is the highest balance allowed (Infinity for none); the decks' bank console
 * runs these same rules.
 */
export function decide(
  account: Account,
  tx: Transaction,
  limit: number = BALANCE_LIMIT,
): Event | { readonly refused: string } {
  const problem = invalidAmount(tx.amount);
  if (problem) return { refused: problem };
  switch (tx.type) {
    case "deposit":
      if (account.balance + tx.amount >= limit) {
        return { refused: `the balance limit of ${limit} would be exceeded` };
      }
      return { type: "deposited", amount: tx.amount };
    case "withdraw":
      if (account.balance - tx.amount < 0) {
        return { refused: "the balance would fall below 0" };
      }
      return { type: "withdrew", amount: tx.amount };
  }
}

function refuse(command: Command, error: string): EffectBuilder<Event, Account> {
  return Effect.reply(command.replyTo, { ok: false, error });
}

function accept(command: Command, event: Event): EffectBuilder<Event, Account> {
  return Effect.persist<Event, Account>(event).thenReply(command.replyTo, (account) => ({
    ok: true,
    balance: account.balance,
  }));
}

/** Decide: check the command against the current state, then persist an event or refuse. */
export function commandHandler(account: Account, command: Command): EffectBuilder<Event, Account> {
  const decision = decide(account, command);
  return "refused" in decision ? refuse(command, decision.refused) : accept(command, decision);
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
