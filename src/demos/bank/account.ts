/**
 * The bank account of talks 4 and 5. Its rules are the bank-account lab's reference answer,
 * imported rather than copied, so the deck shows exactly what the lab asks for: a balance that
 * never drops below 0 and, when the console has a limit, never rises above it. What is the
 * console's own is reading what the presenter types.
 */
export {
  type Account,
  decide,
  type Event as AccountEvent,
  emptyAccount,
  eventHandler as applyEvent,
  type Transaction,
} from "../../../labs/bank-account/solution/account";

import type { Transaction } from "../../../labs/bank-account/solution/account";

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
