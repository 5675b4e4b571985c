/**
 * Settings of the phi-accrual failure detector. The defaults are Akka's
 * (`akka.cluster.failure-detector`).
 */
export interface PhiAccrualSettings {
  /** Phi above which the monitored node is considered unavailable (default 8). */
  readonly threshold: number;
  /** Heartbeat intervals kept for the mean and deviation (default 1000). */
  readonly maxSampleSize: number;
  /** Floor on the standard deviation, so a very regular history is not too eager (100 ms). */
  readonly minStdDeviationMs: number;
  /** Extra silence tolerated before suspicion rises, e.g. for GC pauses (3 s). */
  readonly acceptableHeartbeatPauseMs: number;
  /** Expected interval before any heartbeat has been measured (1 s). */
  readonly firstHeartbeatEstimateMs: number;
}

/** Akka's default failure-detector settings (`akka.cluster.failure-detector`). */
export const DEFAULT_PHI_ACCRUAL: PhiAccrualSettings = {
  threshold: 8,
  maxSampleSize: 1000,
  minStdDeviationMs: 100,
  acceptableHeartbeatPauseMs: 3000,
  firstHeartbeatEstimateMs: 1000,
};

/** A bounded window of heartbeat intervals with running sums for mean and variance. */
export class HeartbeatHistory {
  private readonly intervals: number[] = [];
  private head = 0;
  private sum = 0;
  private squaredSum = 0;

  constructor(private readonly maxSampleSize: number) {}

  add(interval: number): void {
    if (this.intervals.length - this.head >= this.maxSampleSize) {
      const dropped = this.intervals[this.head++] as number;
      this.sum -= dropped;
      this.squaredSum -= dropped * dropped;
      if (this.head > 4096) {
        this.intervals.splice(0, this.head);
        this.head = 0;
      }
    }
    this.intervals.push(interval);
    this.sum += interval;
    this.squaredSum += interval * interval;
  }

  get mean(): number {
    return this.sum / (this.intervals.length - this.head);
  }

  /** Population variance of the kept intervals, as Akka's `HeartbeatHistory.variance`. */
  get variance(): number {
    const n = this.intervals.length - this.head;
    const mean = this.sum / n;
    return Math.max(0, this.squaredSum / n - mean * mean);
  }

  get stdDeviation(): number {
    return Math.sqrt(this.variance);
  }
}

/**
 * Phi for a silence of `timeDiff` ms given the interval mean and standard deviation: minus log10
 * of the probability that a heartbeat is still to come. Akka's formula, which replaces the
 * normal CDF with its logistic approximation `1 / (1 + e^(-y(1.5976 + 0.070566 y²)))`
 * (Bowling et al. 2009) and picks the numerically stable branch on each side of the mean.
 */
export function phi(timeDiff: number, mean: number, stdDeviation: number): number {
  const y = (timeDiff - mean) / stdDeviation;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  if (timeDiff > mean) return -Math.log10(e / (1 + e));
  return -Math.log10(1 - 1 / (1 + e));
}

/**
 * The phi-accrual failure detector (Hayashibara et al.), as Akka implements it, for one
 * monitored node. Instead of a yes/no timeout it computes a suspicion level, phi, from the
 * distribution of past heartbeat intervals; the node counts as unavailable when phi reaches the
 * threshold. Time comes from the caller, so it works on a virtual clock.
 *
 * @example Suspicion that grows with silence
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const fd = new PhiAccrualFailureDetector(() => scheduler.now());
 * fd.heartbeat(); // at every heartbeat response
 * fd.phi(); // grows with the silence since the last heartbeat
 * fd.isAvailable(); // phi < 8 with the defaults
 * ```
 */
export class PhiAccrualFailureDetector {
  private readonly settings: PhiAccrualSettings;
  private history: HeartbeatHistory | undefined;
  private lastTimestamp: number | undefined;

  constructor(
    private readonly clock: () => number,
    settings: Partial<PhiAccrualSettings> = {},
  ) {
    this.settings = validate({ ...DEFAULT_PHI_ACCRUAL, ...settings });
  }

  /** True once at least one heartbeat arrived. */
  get isMonitoring(): boolean {
    return this.lastTimestamp !== undefined;
  }

  /** Records a heartbeat arriving now. */
  heartbeat(): void {
    const now = this.clock();
    const last = this.lastTimestamp;
    if (last === undefined || this.history === undefined) {
      // Seed the history with two samples around the estimate, so phi is defined from the first
      // heartbeat on (Akka: mean ± mean/4).
      const history = new HeartbeatHistory(this.settings.maxSampleSize);
      const mean = this.settings.firstHeartbeatEstimateMs;
      history.add(mean - mean / 4);
      history.add(mean + mean / 4);
      this.history = history;
    } else if (this.isAvailableAt(now)) {
      // Intervals that span an outage would teach the detector to tolerate outages: skip them.
      this.history.add(now - last);
    }
    this.lastTimestamp = now;
  }

  /** Phi now: 0 before the first heartbeat (an unmonitored node is presumed healthy). */
  phi(): number {
    return this.phiAt(this.clock());
  }

  /** True while phi is below the threshold: the monitored node is presumed alive. */
  isAvailable(): boolean {
    return this.isAvailableAt(this.clock());
  }

  private isAvailableAt(now: number): boolean {
    return this.phiAt(now) < this.settings.threshold;
  }

  private phiAt(now: number): number {
    if (this.lastTimestamp === undefined || this.history === undefined) return 0;
    const mean = this.history.mean + this.settings.acceptableHeartbeatPauseMs;
    const std = Math.max(this.history.stdDeviation, this.settings.minStdDeviationMs);
    return phi(now - this.lastTimestamp, mean, std);
  }
}

function validate(s: PhiAccrualSettings): PhiAccrualSettings {
  const positive = (v: number, name: string) => {
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`PhiAccrualSettings.${name} must be a positive number, got ${v}`);
  };
  positive(s.threshold, "threshold");
  positive(s.maxSampleSize, "maxSampleSize");
  positive(s.minStdDeviationMs, "minStdDeviationMs");
  positive(s.firstHeartbeatEstimateMs, "firstHeartbeatEstimateMs");
  if (!(Number.isFinite(s.acceptableHeartbeatPauseMs) && s.acceptableHeartbeatPauseMs >= 0))
    throw new RangeError(
      `PhiAccrualSettings.acceptableHeartbeatPauseMs must be >= 0, got ${s.acceptableHeartbeatPauseMs}`,
    );
  return s;
}
