import type { Cancellable, Scheduler } from "./scheduler";

type Soon = (task: () => void) => void;

/** @internal */
// Pick the cheapest macrotask hop the host has: setImmediate in Node, a MessageChannel in
// browsers and workers (setTimeout(0) is clamped to 4 ms once nested), setTimeout otherwise.
export function macrotask(): Soon {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === "function") {
    const setImmediate = g.setImmediate;
    return (task) => setImmediate(task);
  }
  if (typeof MessageChannel === "function") {
    const channel = new MessageChannel();
    const queue: Array<() => void> = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (task) => {
      queue.push(task);
      channel.port2.postMessage(0);
    };
  }
  return (task) => setTimeout(task, 0);
}

/**
 * The wall-clock scheduler for browsers, workers and Node: `performance.now()` for time,
 * `setTimeout` for delays, and a macrotask hop for dispatch so actors never starve the page.
 *
 * @example A demo on the wall clock
 * ```ts
 * declare const guardian: Behavior<string>;
 * const system = ActorSystem.create(guardian, "demo", { scheduler: new RealScheduler() });
 * system.tell("hello"); // handled on a later macrotask; timers fire after real delays
 * ```
 */
export class RealScheduler implements Scheduler {
  private readonly soon = macrotask();
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }

  schedule(delayMs: number, task: () => void): Cancellable {
    const id = setTimeout(task, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(id) };
  }

  executeSoon(task: () => void): void {
    this.soon(task);
  }

  track<T>(io: Promise<T>): Promise<T> {
    return io;
  }
}
