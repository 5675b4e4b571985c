import { describe, expect, it } from "vitest";
import {
  HeartbeatHistory,
  PhiAccrualFailureDetector,
  type PhiAccrualSettings,
  phi,
} from "../membership/phi-accrual";

// Ported from Akka's AccrualFailureDetectorSpec (akka-remote/src/test/scala/akka/remote): the
// phi formula, the detector fed by a fake clock, and the heartbeat statistics. Behaviour carried
// over, not code. Akka's spec detector has no acceptable pause unless a test sets one.

const spec = (name: string) => `AccrualFailureDetectorSpec: ${name}`;

/** Akka's `fakeTimeGenerator`: each read of the clock moves it on by the next interval. */
function fakeClock(intervals: readonly number[]): () => number {
  let now = 0;
  let i = 0;
  return () => {
    const step = intervals[i++];
    if (step === undefined) throw new Error("the fake clock ran out of intervals");
    now += step;
    return now;
  };
}

function detector(
  intervals: readonly number[],
  settings: Partial<PhiAccrualSettings> = {},
): PhiAccrualFailureDetector {
  return new PhiAccrualFailureDetector(fakeClock(intervals), {
    threshold: 8,
    maxSampleSize: 1000,
    minStdDeviationMs: 100,
    acceptableHeartbeatPauseMs: 0,
    firstHeartbeatEstimateMs: 1000,
    ...settings,
  });
}

const cdf = (p: number) => 1 - 10 ** -p;

describe("AccrualFailureDetectorSpec: A PhiAccrualFailureDetector", () => {
  it(spec("must use good enough cumulative distribution function"), () => {
    expect(cdf(phi(0, 0, 10))).toBeCloseTo(0.5, 3);
    expect(Math.abs(cdf(phi(6, 0, 10)) - 0.7257)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phi(15, 0, 10)) - 0.9332)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phi(20, 0, 10)) - 0.97725)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phi(25, 0, 10)) - 0.99379)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phi(35, 0, 10)) - 0.99977)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phi(40, 0, 10)) - 0.99997)).toBeLessThan(0.0001);
    for (let x = 0; x < 40; x++) expect(phi(x, 0, 10)).toBeLessThan(phi(x + 1, 0, 10));
    expect(Math.abs(cdf(phi(22, 20, 3)) - 0.7475)).toBeLessThan(0.001);
  });

  it(spec("must handle outliers without losing precision or hitting exceptions"), () => {
    expect(Math.abs(phi(10, 0, 1) - 38)).toBeLessThanOrEqual(1);
    // Numerically zero, as Scala's == compares (the formula gives -0 here).
    expect(phi(-25, 0, 1) === 0).toBe(true);
  });

  it(spec("must return realistic phi values"), () => {
    const expected: [number, number][] = [
      [0, 0],
      [500, 0.1],
      [1000, 0.3],
      [1200, 1.6],
      [1400, 4.7],
      [1600, 10.8],
      [1700, 15.3],
    ];
    for (const [timeDiff, p] of expected)
      expect(Math.abs(phi(timeDiff, 1000, 100) - p), `phi(${timeDiff})`).toBeLessThanOrEqual(0.1);
    // A larger deviation gives a lower phi.
    expect(phi(1100, 1000, 500)).toBeLessThan(phi(1100, 1000, 100));
  });

  it(spec("must return phi value of 0.0 on startup for each address, when no heartbeats"), () => {
    const fd = detector([0, 0]);
    expect(fd.phi()).toBe(0);
    expect(fd.phi()).toBe(0);
  });

  it(spec("must return phi based on guess when only one heartbeat"), () => {
    const fd = detector([0, 1000, 1000, 1000, 1000], { firstHeartbeatEstimateMs: 1000 });
    fd.heartbeat();
    expect(Math.abs(fd.phi() - 0.3)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(fd.phi() - 4.5)).toBeLessThanOrEqual(0.3);
    expect(fd.phi()).toBeGreaterThan(15);
  });

  it(spec("must return phi value using first interval after second heartbeat"), () => {
    const fd = detector([0, 100, 100, 100]);
    fd.heartbeat();
    expect(fd.phi()).toBeGreaterThan(0);
    fd.heartbeat();
    expect(fd.phi()).toBeGreaterThan(0);
  });

  it(spec("must mark node as monitored after a series of successful heartbeats"), () => {
    const fd = detector([0, 1000, 100, 100]);
    expect(fd.isMonitoring).toBe(false);
    fd.heartbeat();
    fd.heartbeat();
    fd.heartbeat();
    expect(fd.isMonitoring).toBe(true);
    expect(fd.isAvailable()).toBe(true);
  });

  it(spec("must mark node as dead if heartbeat are missed"), () => {
    const fd = detector([0, 1000, 100, 100, 7000], { threshold: 3 });
    fd.heartbeat(); // 0
    fd.heartbeat(); // 1000
    fd.heartbeat(); // 1100
    expect(fd.isAvailable()).toBe(true); // 1200
    expect(fd.isAvailable()).toBe(false); // 8200
  });

  it(
    spec(
      "must mark node as available if it starts heartbeat again after being marked dead due to detection of failure",
    ),
    () => {
      // 1000 regular intervals, a five-minute pause, then a 7 s pause that must trip it again.
      const intervals = [
        0,
        ...Array.from({ length: 999 }, () => 1000),
        5 * 60 * 1000,
        100,
        900,
        100,
        7000,
        100,
        900,
        100,
        900,
      ];
      const fd = detector(intervals, { threshold: 8, acceptableHeartbeatPauseMs: 3000 });
      for (let i = 0; i < 1000; i++) fd.heartbeat();
      expect(fd.isAvailable()).toBe(false); // after the long pause
      fd.heartbeat();
      expect(fd.isAvailable()).toBe(true);
      fd.heartbeat();
      expect(fd.isAvailable()).toBe(false); // after the 7 s pause
      fd.heartbeat();
      expect(fd.isAvailable()).toBe(true);
      fd.heartbeat();
      expect(fd.isAvailable()).toBe(true);
    },
  );

  it(spec("must accept some configured missing heartbeats"), () => {
    const fd = detector([0, 1000, 1000, 1000, 4000, 1000, 1000], {
      acceptableHeartbeatPauseMs: 3000,
    });
    fd.heartbeat();
    fd.heartbeat();
    fd.heartbeat();
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
  });

  it(spec("must fail after configured acceptable missing heartbeats"), () => {
    const fd = detector([0, 1000, 1000, 1000, 1000, 1000, 500, 500, 5000], {
      acceptableHeartbeatPauseMs: 3000,
    });
    for (let i = 0; i < 6; i++) fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(false);
  });

  it(spec("must use maxSampleSize heartbeats"), () => {
    const fd = detector([0, 100, 100, 100, 100, 600, 500, 500, 500, 500, 500], {
      maxSampleSize: 3,
    });
    // 100 ms intervals...
    fd.heartbeat(); // 0
    fd.heartbeat(); // 100
    fd.heartbeat(); // 200
    fd.heartbeat(); // 300
    const phi1 = fd.phi(); // 400
    // ...then 500 ms ones: the same phi once the 100 ms samples have been dropped.
    fd.heartbeat(); // 1000
    fd.heartbeat(); // 1500
    fd.heartbeat(); // 2000
    fd.heartbeat(); // 2500
    const phi2 = fd.phi(); // 3000
    expect(Math.abs(phi2 - phi1)).toBeLessThan(0.001);
  });
});

describe("AccrualFailureDetectorSpec: Statistics for heartbeats", () => {
  const history = (maxSampleSize: number, ...samples: number[]) => {
    const h = new HeartbeatHistory(maxSampleSize);
    for (const s of samples) h.add(s);
    return h;
  };

  it(spec("Statistics for heartbeats must calculate correct mean and variance"), () => {
    const h = history(20, 100, 200, 125, 340, 130);
    expect(h.mean).toBeCloseTo(179, 5);
    expect(h.variance).toBeCloseTo(7584, 5);
  });

  it(spec("Statistics for heartbeats must have 0.0 variance for one sample"), () => {
    expect(history(600, 1000).variance).toBeCloseTo(0, 5);
  });

  it(spec("Statistics for heartbeats must be capped by the specified maxSampleSize"), () => {
    const h = history(3, 100, 110, 90);
    expect(h.mean).toBeCloseTo(100, 5);
    expect(h.variance).toBeCloseTo(66.6666667, 5);
    h.add(140);
    expect(h.mean).toBeCloseTo(113.333333, 5);
    expect(h.variance).toBeCloseTo(422.222222, 5);
    h.add(80);
    expect(h.mean).toBeCloseTo(103.333333, 5);
    expect(h.variance).toBeCloseTo(688.88888889, 5);
  });
});
