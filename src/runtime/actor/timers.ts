import type { Cancellable, Scheduler } from "../sim/scheduler";
import { InternalEnvelope } from "./mailbox";

interface Timer<T> {
  generation: number;
  message: T;
  handle: Cancellable;
  repeatMs: number | undefined;
}

/**
 * Keyed timers that send messages to the actor itself. A key has at most one live timer:
 * starting it again, or cancelling it, guarantees the older message is never handled.
 *
 * @example A session that ticks every second and ends after 30 s idle
 * ```ts
 * type Msg = { type: "activity" } | { type: "idle-timeout" } | { type: "tick" };
 * const session = Behaviors.withTimers<Msg>((timers) => {
 *   timers.startTimerWithFixedDelay("tick", { type: "tick" }, 1_000);
 *   timers.startSingleTimer("idle", { type: "idle-timeout" }, 30_000);
 *   return Behaviors.receiveMessage((msg) => {
 *     // Same key: the old countdown is replaced, and its message never arrives.
 *     if (msg.type === "activity") timers.startSingleTimer("idle", { type: "idle-timeout" }, 30_000);
 *     if (msg.type === "idle-timeout") return Behaviors.stopped;
 *     return Behaviors.same;
 *   });
 * });
 * ```
 */
export interface TimerScheduler<T> {
  /** Sends `message` once after `delayMs`, replacing any timer with the same key. */
  startSingleTimer(key: unknown, message: T, delayMs: number): void;
  /** Sends `message` every `delayMs` (measured from the previous send), replacing `key`. */
  startTimerWithFixedDelay(
    key: unknown,
    message: T,
    delayMs: number,
    initialDelayMs?: number,
  ): void;
  /** Cancels the timer; its pending message, if already sent, is dropped. */
  cancel(key: unknown): void;
  /** Cancels every timer of this actor. */
  cancelAll(): void;
  /** True while `key` has a timer that has not fired (single) or been cancelled. */
  isTimerActive(key: unknown): boolean;
}

/** @internal A timer message on its way through the mailbox, checked against its generation. */
export class TimerEnvelope extends InternalEnvelope {
  constructor(
    readonly key: unknown,
    readonly generation: number,
  ) {
    super();
  }
}

/** @internal */
export class Timers<T> implements TimerScheduler<T> {
  private readonly active = new Map<unknown, Timer<T>>();
  private generation = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly deliver: (envelope: TimerEnvelope) => void,
  ) {}

  startSingleTimer(key: unknown, message: T, delayMs: number): void {
    this.start(key, message, delayMs, undefined);
  }

  startTimerWithFixedDelay(
    key: unknown,
    message: T,
    delayMs: number,
    initialDelayMs = delayMs,
  ): void {
    if (!(delayMs > 0))
      throw new RangeError(`timer ${String(key)}: delay must be > 0, got ${delayMs}`);
    this.start(key, message, initialDelayMs, delayMs);
  }

  cancel(key: unknown): void {
    this.active.get(key)?.handle.cancel();
    this.active.delete(key);
  }

  cancelAll(): void {
    for (const timer of this.active.values()) timer.handle.cancel();
    this.active.clear();
  }

  isTimerActive(key: unknown): boolean {
    return this.active.has(key);
  }

  /**
   * Called when a timer envelope reaches the head of the mailbox. Returns the message to handle,
   * or undefined when the timer was cancelled or replaced after the envelope was sent.
   */
  accept(envelope: TimerEnvelope): { message: T } | undefined {
    const timer = this.active.get(envelope.key);
    if (!timer || timer.generation !== envelope.generation) return undefined;
    if (timer.repeatMs === undefined) this.active.delete(envelope.key);
    return { message: timer.message };
  }

  private start(key: unknown, message: T, delayMs: number, repeatMs: number | undefined): void {
    this.cancel(key);
    const generation = ++this.generation;
    const fire = () => {
      const timer = this.active.get(key);
      if (!timer || timer.generation !== generation) return;
      if (timer.repeatMs !== undefined)
        timer.handle = this.scheduler.schedule(timer.repeatMs, fire);
      this.deliver(new TimerEnvelope(key, generation));
    };
    const handle = this.scheduler.schedule(delayMs, fire);
    this.active.set(key, { generation, message, handle, repeatMs });
  }
}
