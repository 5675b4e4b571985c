import type { Behavior } from "./behavior";

/** Thrown when a message is stashed into a full {@link StashBuffer}. */
export class StashOverflowError extends Error {
  constructor(readonly capacity: number) {
    super(`stash is full (capacity ${capacity}); the message was not stashed`);
    this.name = "StashOverflowError";
  }
}

/**
 * A bounded buffer for messages an actor cannot handle yet (while it waits for a database,
 * say). `unstashAll` puts them back in front of the mailbox, in the order they were stashed.
 *
 * @example
 * Behaviors.withStash<Msg>(100, (stash) =>
 *   Behaviors.receiveMessage((msg) => {
 *     if (msg.type === "ready") return stash.unstashAll(active);
 *     stash.stash(msg);
 *     return Behaviors.same;
 *   }),
 * );
 */
export interface StashBuffer<T> {
  readonly capacity: number;
  readonly size: number;
  isEmpty(): boolean;
  isFull(): boolean;
  /** Keeps `message` for later. Throws {@link StashOverflowError} when full. */
  stash(message: T): void;
  /** Moves every stashed message in front of the mailbox and continues with `behavior`. */
  unstashAll(behavior: Behavior<T>): Behavior<T>;
  /** Drops everything stashed. */
  clear(): void;
}

/** @internal */
export class BoundedStash<T> implements StashBuffer<T> {
  private items: T[] = [];

  constructor(
    readonly capacity: number,
    private readonly prepend: (messages: readonly T[]) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`stash capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.items.length;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  isFull(): boolean {
    return this.items.length >= this.capacity;
  }

  stash(message: T): void {
    if (this.isFull()) throw new StashOverflowError(this.capacity);
    this.items.push(message);
  }

  unstashAll(behavior: Behavior<T>): Behavior<T> {
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.prepend(items);
    return behavior;
  }

  clear(): void {
    this.items = [];
  }
}
