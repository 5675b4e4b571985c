import type { Cancellable, Scheduler } from "@runtime";

interface Timer {
  time: number;
  seq: number;
  run: (() => void) | null;
}

/**
 * A virtual clock that runs the runtime's work one task at a time, on request. With a
 * dispatcher that handles one message per task, "run the next task" is "let one actor take one
 * message": the mailbox demo shows the queue between steps. Timers run when nothing else is
 * ready, in time order, and move the clock.
 */
export class SteppingScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  private readonly soon: Array<() => void> = [];
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  executeSoon(task: () => void): void {
    this.soon.push(task);
  }

  schedule(delayMs: number, task: () => void): Cancellable {
    const timer: Timer = { time: this.time + Math.max(0, delayMs), seq: this.seq++, run: task };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.time - b.time || a.seq - b.seq);
    return {
      cancel: () => {
        timer.run = null;
      },
    };
  }

  track<T>(io: Promise<T>): Promise<T> {
    // The mailbox demo does no I/O; nothing to wait for.
    return io;
  }

  /** Runs the next task; false when nothing is left to run. */
  runNext(): boolean {
    const task = this.soon.shift();
    if (task) {
      task();
      return true;
    }
    this.timers = this.timers.filter((t) => t.run !== null);
    const timer = this.timers.shift();
    if (!timer?.run) return false;
    this.time = Math.max(this.time, timer.time);
    timer.run();
    return true;
  }

  /** Runs tasks until none is left (bounded, so a re-arming timer cannot hang the demo). */
  runAll(limit = 10_000): void {
    for (let i = 0; i < limit && this.runNext(); i++);
  }
}
