/**
 * Thrown when code sends a message while an event handler runs. Event handlers rebuild state
 * during replay; a send there would repeat an old side effect on every recovery (talk 2's rule).
 */
export class ReplaySideEffectError extends Error {
  constructor(target: string, reason: string) {
    super(`cannot send to ${target} while ${reason}: event handlers must not have side effects`);
    this.name = "ReplaySideEffectError";
  }
}

/** @internal Set while an event handler runs; `tell` refuses to send meanwhile. */
export const sendGuard: { reason: string | null } = { reason: null };

/** Where a reference delivers: an actor's mailbox, or a function for ask and adapters. */
export interface Recipient {
  enqueue(message: unknown): void;
}

let readRecipient: (ref: ActorRef<never>) => Recipient;

/** @internal Where a reference delivers: the runtime's own view, not part of `@runtime`. */
export function recipientOf(ref: ActorRef<never>): Recipient {
  return readRecipient(ref);
}

/**
 * The only way to reach an actor: an address you can `tell`. Holding a reference never gives
 * access to the actor's state.
 *
 * @example Telling, and asking for a reply
 * ```ts
 * type CounterMsg = { type: "increment" } | { type: "get"; replyTo: ActorRef<number> };
 * declare const counter: ActorRef<CounterMsg>; // from ctx.spawn, or carried in a message
 * counter.tell({ type: "increment" }); // fire and forget
 * // Name the request and reply types: the reply type cannot be inferred from `replyTo`.
 * const n = await ask<CounterMsg, number>(counter, (replyTo) => ({ type: "get", replyTo }), {
 *   timeout: 1_000,
 * });
 * ```
 */
export class ActorRef<T> {
  // A true private field, and a frozen reference: code handed a reference (lab code, in the
  // grader) can neither reach the actor's cell, and through it the system, nor swap `tell`.
  readonly #recipient: Recipient;
  /** A readable, unique path such as `shop/user/orders/order-42`. */
  readonly path: string;

  static {
    readRecipient = (ref) => ref.#recipient;
  }

  /** @internal References are created by the system and contexts, not by user code. */
  constructor(path: string, recipient: Recipient) {
    this.path = path;
    this.#recipient = recipient;
    Object.freeze(this);
  }

  /** Sends a message without waiting (fire and forget). Delivery is at most once. */
  tell(message: T): void {
    if (sendGuard.reason !== null) throw new ReplaySideEffectError(this.path, sendGuard.reason);
    this.#recipient.enqueue(message);
  }

  /** `ActorRef(<path>)`, for logs and error messages. */
  toString(): string {
    return `ActorRef(${this.path})`;
  }
}
