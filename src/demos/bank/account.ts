/**
 * The bank account of talks 4 and 5 (and of the bank-account lab): a balance that never drops
 * below 0 and, when the account has a limit, never rises above it.
 */

export type AccountEvent =
  | { readonly type: "deposited"; readonly amount: number }
  | { readonly type: "withdrew"; readonly amount: number };

export interface Account {
  readonly balance: number;
}

export const emptyAccount: Account = { balance: 0 };

/** A change the user asks for; it may be refused. */
export interface Transaction {
  readonly type: "deposit" | "withdraw";
  readonly amount: number;
}

/** Decides a transaction: the events to store, or why it is refused. */
export function decide(
  account: Account,
  tx: Transaction,
  limit: number | null,
): { events: AccountEvent[] } | { rejected: string } {
  if (!Number.isSafeInteger(tx.amount)) return { rejected: `the amount must be a whole number` };
  if (tx.amount <= 0) return { rejected: `the amount must be positive, not ${tx.amount}` };
  if (tx.type === "deposit") {
    if (limit !== null && account.balance + tx.amount > limit)
      return { rejected: `the balance limit of ${limit} would be exceeded` };
    return { events: [{ type: "deposited", amount: tx.amount }] };
  }
  if (account.balance - tx.amount < 0)
    return { rejected: `the balance would fall below 0 (it is ${account.balance})` };
  return { events: [{ type: "withdrew", amount: tx.amount }] };
}

/** f(state, event) = state′. Pure: it runs again on every replay and every time-travel step. */
export function applyEvent(account: Account, event: AccountEvent): Account {
  return event.type === "deposited"
    ? { balance: account.balance + event.amount }
    : { balance: account.balance - event.amount };
}

/**
 * Reads what the user typed: `deposit 50`, `withdraw 20` (also `d 50`, `w 20`, `+50`, `-20`).
 * Returns the transaction, or an error that says what a command looks like.
 */
export function parseTransaction(text: string): Transaction | { error: string } {
  const input = text.trim().toLowerCase();
  if (input === "") return { error: "type a command, such as deposit 50 or withdraw 20" };
  const signed = input.match(/^([+-])\s*(\S+)$/);
  const worded = input.match(/^(deposit|withdraw|d|w)\s+(\S+)$/);
  const match = signed
    ? { verb: signed[1] === "+" ? "deposit" : "withdraw", amount: signed[2] }
    : worded
      ? { verb: worded[1]?.startsWith("d") ? "deposit" : "withdraw", amount: worded[2] }
      : undefined;
  if (!match) return { error: `"${text.trim()}" is not a command: try deposit 50 or withdraw 20` };
  const amountText = match.amount ?? "";
  if (!/^-?\d+$/.test(amountText))
    return { error: `"${amountText}" is not a whole number of money` };
  return { type: match.verb as Transaction["type"], amount: Number(amountText) };
}
