import { macrotask } from "./real-scheduler";
import type { Cancellable, Scheduler } from "./scheduler";

interface Task {
  time: number;
  seq: number;
  run: (() => void) | null;
}

const hop = macrotask();
const nextMacrotask = () => new Promise<void>((resolve) => hop(resolve));

/**
 * A virtual clock with a deterministic scheduler. Nothing happens until the test or simulation
 * moves time: tasks run in (time, insertion) order, so the same seed and the same inputs give
 * the same trace, and an hour of simulated faults takes milliseconds.
 *
 * Reproducible runs are for simulation and tests only: pair it with a `seed` on the
 * `ActorSystem`. A production system leaves the seed out, so its random draws never repeat
 * after a restart.
 *
 * @example Five virtual seconds in a few milliseconds
 * ```ts
 * declare const guardian: Behavior<{ type: "start" }>;
 * const sim = new VirtualScheduler();
 * const system = ActorSystem.create(guardian, "test", { scheduler: sim, seed: 7 });
 * system.tell({ type: "start" });
 * await sim.advanceBy(5_000); // timers and journal I/O due in the next 5 s run, in order
 * await sim.runUntilIdle(); // then everything still pending, however far ahead
 * sim.now(); // virtual milliseconds since the start
 * ```
 */
export class VirtualScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  private heap: Task[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  /** I/O made by {@link ioAfter}: it needs time to move, so tracking it waits for nothing. */
  private readonly timed = new WeakSet<Promise<unknown>>();
  private ioSinceHop = false;
  /** Guards against a run that never goes idle (a timer that keeps re-arming, say). */
  maxTasksPerRun = 50_000_000;

  constructor(startTime = 0) {
    this.time = startTime;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, task: () => void): Cancellable {
    const entry: Task = { time: this.time + Math.max(0, delayMs), seq: this.seq++, run: task };
    this.push(entry);
    return {
      cancel: () => {
        entry.run = null;
      },
    };
  }

  executeSoon(task: () => void): void {
    this.push({ time: this.time, seq: this.seq++, run: task });
  }

  track<T>(io: Promise<T>): Promise<T> {
    if (this.timed.has(io)) return io;
    // The scheduler waits for the I/O to settle; success or failure is the caller's business.
    const settled: Promise<unknown> = io.then(
      () => this.pending.delete(settled),
      () => this.pending.delete(settled),
    );
    this.pending.add(settled);
    this.ioSinceHop = true;
    return io;
  }

  /**
   * I/O that takes `ms` of virtual time, such as a journal write with latency: `start` runs
   * after `ms`, and the I/O it returns is tracked from then on. Until then, tracking the
   * promise returned here holds nothing up, since time has to move for it to finish.
   *
   * @example A write that completes 200 virtual ms after it is made
   * ```ts
   * declare const journal: Journal;
   * declare const events: AtomicWrite;
   * const scheduler = new VirtualScheduler();
   * const written = scheduler.track(scheduler.ioAfter(200, () => journal.append(events)));
   * await scheduler.advanceBy(200); // the write is stored now, and `written` settles
   * ```
   */
  ioAfter<T>(ms: number, start: () => Promise<T>): Promise<T> {
    const io = new Promise<T>((resolve, reject) => {
      this.schedule(ms, () => {
        this.track(start()).then(resolve, reject);
      });
    });
    this.timed.add(io);
    return io;
  }

  /** Number of scheduled tasks not yet run (cancelled ones included until they surface). */
  get queued(): number {
    return this.heap.length;
  }

  /** True when tracked I/O has not completed yet. */
  get ioPending(): boolean {
    return this.pending.size > 0;
  }

  /** Time of the next scheduled task, or undefined when nothing is scheduled. */
  nextTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.time;
  }

  /**
   * Runs every task due now, synchronously, including tasks they schedule for now. Does not
   * wait for I/O; use {@link advanceBy} or {@link runUntilIdle} when journals are involved.
   */
  flush(): number {
    return this.runDue(this.time);
  }

  /** Moves time forward synchronously, running tasks in order. Ignores pending I/O. */
  advanceBySync(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.runDue(this.time);
      const next = this.nextTime();
      if (next === undefined || next > target) break;
      this.time = next;
    }
    this.time = target;
  }

  /**
   * Moves virtual time forward by `ms`, running tasks in order and, at each instant, waiting for
   * tracked I/O to finish before time moves on.
   */
  async advanceBy(ms: number): Promise<void> {
    if (ms < 0) throw new RangeError(`advanceBy: negative duration ${ms}`);
    await this.runUntil(this.time + ms);
  }

  /** Moves virtual time to `time` (no-op if it is in the past). */
  async advanceTo(time: number): Promise<void> {
    await this.runUntil(Math.max(time, this.time));
  }

  /**
   * Runs until nothing is scheduled and no I/O is pending, jumping time to each next task.
   * Throws if the run exceeds `maxTasksPerRun` or reaches `limitMs` of virtual time.
   */
  async runUntilIdle(limitMs = 24 * 3_600_000): Promise<void> {
    await this.runUntil(this.time + limitMs, true);
  }

  private async runUntil(target: number, untilIdle = false): Promise<void> {
    let budget = this.maxTasksPerRun;
    for (;;) {
      budget -= this.runDue(this.time);
      if (budget < 0)
        throw new Error(
          `VirtualScheduler: more than ${this.maxTasksPerRun} tasks in one run; is a timer re-arming forever?`,
        );
      if (this.pending.size > 0) {
        await Promise.race(this.pending);
        await nextMacrotask();
        this.ioSinceHop = false;
        continue;
      }
      if (this.ioSinceHop) {
        // Completions of already-settled I/O run as microtasks; let them land at this instant.
        this.ioSinceHop = false;
        await nextMacrotask();
        continue;
      }
      const next = this.nextTime();
      if (next === undefined) break;
      if (next > target) {
        if (untilIdle)
          throw new Error(`VirtualScheduler: still busy after ${target} ms of virtual time`);
        break;
      }
      this.time = next;
    }
    if (!untilIdle) this.time = Math.max(this.time, target);
  }

  private runDue(limit: number): number {
    let ran = 0;
    const heap = this.heap;
    while (heap.length > 0) {
      const top = heap[0] as Task;
      if (top.time > limit) break;
      this.pop();
      if (top.run === null) continue;
      const run = top.run;
      top.run = null;
      run();
      ran++;
    }
    return ran;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && (this.heap[0] as Task).run === null) this.pop();
  }

  private push(task: Task): void {
    const heap = this.heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Task;
      if (p.time < task.time || (p.time === task.time && p.seq < task.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = task;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as Task;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      const lt = heap[l] as Task;
      if (r < n) {
        const rt = heap[r] as Task;
        if (rt.time < lt.time || (rt.time === lt.time && rt.seq < lt.seq)) c = r;
      }
      const ct = heap[c] as Task;
      if (last.time < ct.time || (last.time === ct.time && last.seq < ct.seq)) break;
      heap[i] = ct;
      i = c;
    }
    heap[i] = last;
  }
}
