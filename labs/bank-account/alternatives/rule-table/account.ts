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

/** How each event moves the balance. */
const SIGN: Record<Event["type"], 1 | -1> = { deposited: 1, withdrew: -1 };
const EVENT_OF: Record<Command["type"], Event["type"]> = {
  deposit: "deposited",
  withdraw: "withdrew",
};

/** Each rule names what is wrong, or nothing; the first complaint wins. */
type Rule = (balance: number, command: Command) => string | undefined;

export const RULES: readonly Rule[] = [
  (_, { amount }) => (Number.isInteger(amount) ? undefined : `${amount} is not a whole amount`),
  (_, { amount }) => (amount > 0 ? undefined : `${amount} is not a positive amount`),
  (balance, { type, amount }) =>
    type === "withdraw" && balance < amount ? "that would take the balance below 0" : undefined,
  (balance, { type, amount }) =>
    type === "deposit" && balance + amount > BALANCE_LIMIT
      ? `that would pass the limit of ${BALANCE_LIMIT}`
      : undefined,
];

export function commandHandler(account: Account, command: Command): EffectBuilder<Event, Account> {
  for (const rule of RULES) {
    const error = rule(account.balance, command);
    if (error !== undefined) return Effect.reply(command.replyTo, { ok: false, error });
  }
  const event: Event = { type: EVENT_OF[command.type], amount: command.amount };
  return Effect.persist<Event, Account>(event).thenReply(command.replyTo, (after) => ({
    ok: true,
    balance: after.balance,
  }));
}

export function eventHandler(account: Account, event: Event): Account {
  return { ...account, balance: account.balance + SIGN[event.type] * event.amount };
}
