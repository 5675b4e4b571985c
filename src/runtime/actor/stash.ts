import { type Behavior, Tag } from "./behavior";
import { SegmentQueue } from "./mailbox";

/** Thrown when a message is stashed into a full {@link StashBuffer}. */
export class StashOverflowError extends Error {
  constructor(readonly capacity: number) {
    super(`stash is full (capacity ${capacity}); the message was not stashed`);
    this.name = "StashOverflowError";
  }
}

/**
 * A bounded buffer for messages an actor cannot handle yet (while it waits for a database,
 * say). `unstashAll` hands them, in the order they were stashed, to the behaviour you pass,
 * right away and ahead of the mailbox, as Akka's `StashBuffer` does.
 *
 * @example Holding requests until the data has loaded
 * ```ts
 * type Msg = { type: "loaded"; value: string } | { type: "get"; replyTo: ActorRef<string> };
 * const ready = (value: string): Behavior<Msg> =>
 *   Behaviors.receiveMessage((msg) => {
 *     if (msg.type === "get") msg.replyTo.tell(value);
 *     return Behaviors.same;
 *   });
 * const loading = Behaviors.withStash<Msg>(100, (stash) =>
 *   Behaviors.receiveMessage((msg) => {
 *     if (msg.type === "loaded") return stash.unstashAll(ready(msg.value));
 *     stash.stash(msg); // a "get" waits, in order, until the value is there
 *     return Behaviors.same;
 *   }),
 * );
 * ```
 */
export interface StashBuffer<T> {
  /** How many messages the stash can hold. */
  readonly capacity: number;
  /** How many messages are stashed now. */
  readonly size: number;
  /** True when nothing is stashed. */
  isEmpty(): boolean;
  /** True when one more `stash` would throw {@link StashOverflowError}. */
  isFull(): boolean;
  /** Keeps `message` for later. Throws {@link StashOverflowError} when full. */
  stash(message: T): void;
  /**
   * Handles every stashed message now, in order, with `behavior` (each with the behaviour the
   * previous one returned), and returns the behaviour to continue with.
   */
  unstashAll(behavior: Behavior<T>): Behavior<T>;
  /** Like {@link unstashAll} for the oldest `count` messages; the rest stay stashed. */
  unstash(behavior: Behavior<T>, count: number): Behavior<T>;
  /** Drops everything stashed. */
  clear(): void;
  /**
   * @internal Removes and returns the oldest stashed message, for a behaviour that handles it
   * in place rather than sending it back through the mailbox; `undefined` when empty.
   */
  take(): T | undefined;
}

/** @internal What a stash needs from its actor to hand messages back in place. */
export interface UnstashTarget<T> {
  unstashStart(behavior: Behavior<T>): Behavior<T>;
  unstashOne(behavior: Behavior<T>, message: T): Behavior<T>;
  unstashFailed(behavior: Behavior<T>): void;
  unstashDropped(message: T): void;
}

/** @internal */
export class BoundedStash<T> implements StashBuffer<T> {
  private items = new SegmentQueue<T>();

  constructor(
    readonly capacity: number,
    private readonly target: UnstashTarget<T>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`stash capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.items.size;
  }

  isEmpty(): boolean {
    return this.items.size === 0;
  }

  isFull(): boolean {
    return this.items.size >= this.capacity;
  }

  stash(message: T): void {
    if (this.isFull()) throw new StashOverflowError(this.capacity);
    this.items.push(message);
  }

  unstashAll(behavior: Behavior<T>): Behavior<T> {
    return this.unstash(behavior, this.items.size);
  }

  unstash(behavior: Behavior<T>, count: number): Behavior<T> {
    // As in Akka: the messages are handled right here, in order, each by the behaviour the
    // previous one returned. Only those stashed before the call go; one stashed again meanwhile
    // waits for the next unstash.
    const n = Math.min(count, this.items.size);
    let current = this.target.unstashStart(behavior);
    // A `clear()` from a handler meanwhile ends the unstash.
    for (let i = 0; i < n && this.items.size > 0; i++) {
      const message = this.items.shift() as T;
      if (current.tag === Tag.Stopped) {
        this.target.unstashDropped(message);
        continue;
      }
      try {
        current = this.target.unstashOne(current, message);
      } catch (error) {
        this.target.unstashFailed(current);
        throw error;
      }
    }
    return current;
  }

  clear(): void {
    this.items = new SegmentQueue<T>();
  }

  take(): T | undefined {
    return this.items.shift();
  }
}
