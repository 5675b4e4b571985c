import { describe, expect, it } from "vitest";
import { PhiAccrualFailureDetector, phi } from "./phi-accrual";

/** The normal CDF from erf (Abramowitz & Stegun 7.1.26, error < 1.5e-7): an independent reference. */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Phi is -log10(1 - CDF), so 1 - 10^-phi recovers the CDF the formula approximates. */
const cdfFromPhi = (p: number) => 1 - 10 ** -p;

function detector(settings = {}) {
  let now = 0;
  const fd = new PhiAccrualFailureDetector(() => now, settings);
  return {
    fd,
    at(t: number) {
      now = t;
    },
  };
}

describe("phi", () => {
  it("approximates the normal CDF closely (Akka's logistic approximation)", () => {
    for (const x of [0, 0.3, 0.6, 1, 1.5, 2, 2.5, 3, 3.5]) {
      expect(cdfFromPhi(phi(x * 10, 0, 10))).toBeCloseTo(normalCdf(x), 3);
    }
  });

  it("gives Akka's realistic values for mean 1 s, deviation 100 ms", () => {
    // The table in Akka's AccrualFailureDetectorSpec, to within 0.1.
    const expected: [number, number][] = [
      [0, 0],
      [500, 0.1],
      [1000, 0.3],
      [1200, 1.6],
      [1400, 4.7],
      [1600, 10.8],
      [1700, 15.3],
    ];
    for (const [t, p] of expected) expect(Math.abs(phi(t, 1000, 100) - p)).toBeLessThan(0.1);
  });

  it("rises monotonically with silence", () => {
    let last = -1;
    for (let t = 0; t <= 10_000; t += 50) {
      const p = phi(t, 1000, 100);
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
  });
});

describe("PhiAccrualFailureDetector", () => {
  it("treats a node as healthy before the first heartbeat", () => {
    const { fd, at } = detector();
    at(1_000_000);
    expect(fd.phi()).toBe(0);
    expect(fd.isAvailable()).toBe(true);
    expect(fd.isMonitoring).toBe(false);
  });

  it("with Akka's defaults, suspects a node after about 4.5 s of silence following 1 s heartbeats", () => {
    const { fd, at } = detector();
    for (let t = 0; t <= 20_000; t += 1000) {
      at(t);
      fd.heartbeat();
      expect(fd.isAvailable()).toBe(true);
    }
    // mean 1 s + acceptable pause 3 s, deviation floored at 100 ms: phi = 8 near 4.52 s.
    at(20_000 + 4400);
    expect(fd.isAvailable()).toBe(true);
    at(20_000 + 4650);
    expect(fd.isAvailable()).toBe(false);
    expect(fd.phi()).toBeGreaterThanOrEqual(8);
  });

  it("tolerates jittery heartbeats that never pause longer than the acceptable pause", () => {
    const { fd, at } = detector();
    let t = 0;
    for (let i = 0; i < 200; i++) {
      t += 700 + ((i * 37) % 600); // 0.7..1.3 s
      at(t - 1);
      expect(fd.isAvailable()).toBe(true);
      at(t);
      fd.heartbeat();
    }
  });

  it("does not learn an outage as a normal interval", () => {
    const { fd, at } = detector();
    for (let t = 0; t <= 10_000; t += 1000) {
      at(t);
      fd.heartbeat();
    }
    at(40_000); // a 30 s outage, detected
    expect(fd.isAvailable()).toBe(false);
    fd.heartbeat(); // the node is back; the 30 s gap is not a sample
    at(45_000);
    expect(fd.isAvailable()).toBe(false);
  });

  it("respects a lower threshold", () => {
    const { fd, at } = detector({ threshold: 1 });
    for (let t = 0; t <= 10_000; t += 1000) {
      at(t);
      fd.heartbeat();
    }
    at(10_000 + 3500);
    expect(fd.isAvailable()).toBe(true);
    at(10_000 + 4200);
    expect(fd.isAvailable()).toBe(false);
  });

  it("rejects bad settings with the field name", () => {
    expect(() => detector({ threshold: 0 })).toThrow(/PhiAccrualSettings.threshold/);
    expect(() => detector({ acceptableHeartbeatPauseMs: -1 })).toThrow(
      /acceptableHeartbeatPauseMs/,
    );
  });
});
