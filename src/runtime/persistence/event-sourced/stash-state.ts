import type { ActorContext } from "../../actor/context";
import { SegmentQueue } from "../../actor/mailbox";
import { StashOverflowError } from "../../actor/stash";
import type { StashOverflowStrategy } from "./types";

/**
 * The two stashes of an event-sourced actor, after Akka's `StashState`: the internal one holds
 * commands that arrive during recovery or a write; the user one holds what `Effect.stash()`
 * put aside. Both outlive a restart caused by a journal failure (they are made outside the
 * journal-failure supervisor), and both are discarded to dead letters on any other restart.
 */
export class StashState<C> {
  readonly internal = new SegmentQueue<C>();
  readonly user = new SegmentQueue<C>();

  constructor(
    private readonly ctx: ActorContext<C>,
    readonly capacity: number,
    private readonly overflow: StashOverflowStrategy,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`stash capacity must be a positive integer, got ${capacity}`);
    }
  }

  stashInternal(message: C): void {
    if (this.internal.size >= this.capacity) this.overflowed(message);
    else this.internal.push(message);
  }

  stashUser(message: C): void {
    if (this.user.size >= this.capacity) this.overflowed(message);
    else this.user.push(message);
  }

  /** Moves the user stash in front of the internal one: handled next, in stashed order. */
  unstashUser(): void {
    if (this.user.size === 0) return;
    this.internal.prependAll(this.user.drain());
  }

  /** Sends everything stashed to dead letters. */
  discard(): void {
    for (const buffer of [this.user, this.internal]) {
      for (const message of buffer.drain()) {
        this.ctx.system.deadLetter(message, this.ctx.self.path);
      }
    }
  }

  private overflowed(message: C): void {
    if (this.overflow === "fail") throw new StashOverflowError(this.capacity);
    this.ctx.log.warn(`stash full (capacity ${this.capacity}): command dropped to dead letters`);
    this.ctx.system.deadLetter(message, this.ctx.self.path);
  }
}
