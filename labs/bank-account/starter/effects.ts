/**
 * What a command handler decides. This is a small stand-in for the runtime's `Effect`: either
 * persist some events, or reject the command with a reason. A decision is only a description —
 * the entity (see `entity.ts`) writes the events and applies them afterwards.
 */
export type Decision<E> = { readonly events: readonly E[] } | { readonly error: string };

/**
 * Accept the command by persisting these events, atomically and in this order.
 *
 * @example
 * return persist({ type: "deposited", amount: 100 });
 */
export function persist<E>(...events: E[]): Decision<E> {
  return { events };
}

/**
 * Refuse the command. Nothing is written, nothing changes; the reason goes back to the sender.
 *
 * @example
 * return reject("the balance would fall below 0");
 */
export function reject(reason: string): Decision<never> {
  return { error: reason };
}

/** True when the decision rejected the command. */
export function isRejection<E>(decision: Decision<E>): decision is { readonly error: string } {
  return "error" in decision;
}
