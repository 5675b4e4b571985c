import type { Scheduler } from "../../sim/scheduler";

/**
 * A distributed lease, after Akka's `Lease` (Kubernetes or a database in production): at most
 * one owner holds it at a time. Calls answer through callbacks, after some latency.
 */
export interface Lease {
  /** Tries to take (or, for the holder, renew) the lease. */
  acquire(owner: string, onResult: (granted: boolean) => void): void;
  /** Gives the lease up if `owner` holds it; `onResult` says whether it did. */
  release(owner: string, onResult?: (released: boolean) => void): void;
  /** Whether `owner` holds the lease now, as far as its own last answer says. No round trip. */
  checkLease(owner: string): boolean;
}

/**
 * A lease held in one simulated external store that every node reaches with `latencyMs` of
 * delay, even across network partitions (that is the point of a lease: a third party both sides
 * can still ask). A holder that stops renewing loses the lease after `ttlMs`, as Akka's lease
 * implementations do after their heartbeat timeout.
 *
 * @example Two nodes asking for one lease
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const lease = new SimulatedLease(scheduler, { latencyMs: 20, ttlMs: 120_000 });
 * lease.acquire("node-1#7", (granted) => console.log(granted)); // true: it was free
 * lease.acquire("node-4#9", (granted) => console.log(granted)); // false while node-1 holds it
 * ```
 */
export class SimulatedLease implements Lease {
  private holder: string | undefined;
  private expiresAt = 0;
  private readonly latencyMs: number;
  private readonly ttlMs: number;

  constructor(
    private readonly scheduler: Scheduler,
    options: { latencyMs?: number; ttlMs?: number } = {},
  ) {
    this.latencyMs = options.latencyMs ?? 20;
    this.ttlMs = options.ttlMs ?? 120_000;
    if (!(this.latencyMs >= 0)) throw new RangeError(`SimulatedLease.latencyMs must be >= 0`);
    if (!(this.ttlMs > 0)) throw new RangeError(`SimulatedLease.ttlMs must be > 0`);
  }

  /** The current holder, for display and checks. */
  get currentHolder(): string | undefined {
    return this.isHeld() ? this.holder : undefined;
  }

  acquire(owner: string, onResult: (granted: boolean) => void): void {
    this.scheduler.schedule(this.latencyMs, () => {
      const now = this.scheduler.now();
      const granted = !this.isHeld() || this.holder === owner;
      if (granted) {
        this.holder = owner;
        this.expiresAt = now + this.ttlMs;
      }
      onResult(granted);
    });
  }

  /** Frees the lease after `latencyMs` if `owner` holds it; `onResult` says whether it did. */
  release(owner: string, onResult?: (released: boolean) => void): void {
    this.scheduler.schedule(this.latencyMs, () => {
      const released = this.holder === owner;
      if (released) this.holder = undefined;
      onResult?.(released);
    });
  }

  checkLease(owner: string): boolean {
    return this.isHeld() && this.holder === owner;
  }

  private isHeld(): boolean {
    return this.holder !== undefined && this.scheduler.now() < this.expiresAt;
  }
}
