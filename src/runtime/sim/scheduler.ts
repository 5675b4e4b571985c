/** A handle to cancel something scheduled. Cancelling twice, or after it ran, does nothing. */
export interface Cancellable {
  /** Prevents the task from running, if it has not run yet. */
  cancel(): void;
}

/**
 * Time as the runtime sees it. Actors, timers, `ask` timeouts and failure detectors read time
 * and schedule work only through this interface, so a virtual clock can stand in for the real
 * one and replay a run exactly.
 */
export interface Scheduler {
  /** Milliseconds on this scheduler's clock (virtual time under simulation). */
  now(): number;
  /** Runs `task` once, `delayMs` from now. */
  schedule(delayMs: number, task: () => void): Cancellable;
  /** Runs `task` soon, after the current task, without a delay (the dispatcher's hook). */
  executeSoon(task: () => void): void;
  /**
   * Registers asynchronous I/O (a journal write, a read) whose completion the run depends on.
   * A virtual scheduler will not move time forward while tracked I/O is still pending.
   */
  track<T>(io: Promise<T>): Promise<T>;
}
