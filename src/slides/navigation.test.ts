import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSlideHash, parseSlideHash } from "./deep-link";
import { activeGroup, clampPosition, nextPosition, previousPosition, stepPlan } from "./navigation";

const steps = [0, 2, 0, 3];

describe("moving through a deck", () => {
  it("reveals steps before leaving a slide, and stops at the end", () => {
    const seen = [{ slide: 0, step: 0 }];
    for (let i = 0; i < 10; i++) seen.push(nextPosition(seen[seen.length - 1] as never, steps));
    expect(seen.slice(0, 9).map((p) => `${p.slide}.${p.step}`)).toEqual([
      "0.0",
      "1.0",
      "1.1",
      "1.2",
      "2.0",
      "3.0",
      "3.1",
      "3.2",
      "3.3",
    ]);
    expect(seen[10]).toEqual({ slide: 3, step: 3 });
  });

  it("goes back to the previous slide fully revealed", () => {
    expect(previousPosition({ slide: 2, step: 0 }, steps)).toEqual({ slide: 1, step: 2 });
    expect(previousPosition({ slide: 1, step: 1 }, steps)).toEqual({ slide: 1, step: 0 });
    expect(previousPosition({ slide: 0, step: 0 }, steps)).toEqual({ slide: 0, step: 0 });
  });

  it("next then previous is the identity everywhere but the very end", () => {
    const counts = fc.array(fc.nat(4), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(counts, fc.nat(), fc.nat(), (c, s, t) => {
        const at = clampPosition({ slide: s % c.length, step: t }, c);
        const forward = nextPosition(at, c);
        if (forward.slide === at.slide && forward.step === at.step) return;
        expect(previousPosition(forward, c)).toEqual(at);
      }),
      { numRuns: 500 },
    );
  });

  it("clamps positions from links into the deck", () => {
    expect(clampPosition({ slide: 99, step: 99 }, steps)).toEqual({ slide: 3, step: 3 });
    expect(clampPosition({ slide: 1, step: 7 }, steps)).toEqual({ slide: 1, step: 2 });
    expect(clampPosition({ slide: -2, step: -1 }, steps)).toEqual({ slide: 0, step: 0 });
  });

  it("plans steps across <Step> blocks and code groups in document order", () => {
    const { total, offsets } = stepPlan([1, 3, 1]);
    expect(total).toBe(5);
    expect(offsets).toEqual([0, 1, 4]);
    // The code block (offset 1, three groups) is dark before step 2, then walks 1..3 and stays.
    expect([0, 1, 2, 3, 4, 5].map((s) => activeGroup(1, 3, s))).toEqual([0, 0, 1, 2, 3, 3]);
  });
});

describe("deep links", () => {
  it("reads #12 and #12.2 as 1-based slides with a step", () => {
    expect(parseSlideHash("#12")).toEqual({ slide: 11, step: 0 });
    expect(parseSlideHash("#12.2")).toEqual({ slide: 11, step: 2 });
    expect(parseSlideHash("3.1")).toEqual({ slide: 2, step: 1 });
  });

  it("reads a stable slide id, with or without a step, and keeps numbers working beside it", () => {
    const ids = [undefined, "bank-table", undefined, "snapshots"];
    expect(parseSlideHash("#bank-table", ids)).toEqual({ slide: 1, step: 0 });
    expect(parseSlideHash("#snapshots.2", ids)).toEqual({ slide: 3, step: 2 });
    expect(parseSlideHash("#3", ids)).toEqual({ slide: 2, step: 0 });
    expect(parseSlideHash("#no-such-slide", ids)).toBeUndefined();
  });

  it("leaves other anchors alone", () => {
    for (const hash of ["", "#", "#0", "#intro", "#1.x", "#-1", "#1.2.3"])
      expect(parseSlideHash(hash)).toBeUndefined();
  });

  it("round-trips every position", () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(20), (slide, step) => {
        expect(parseSlideHash(formatSlideHash({ slide, step }))).toEqual({ slide, step });
      }),
    );
    expect(formatSlideHash({ slide: 0, step: 0 })).toBe("#1");
    expect(formatSlideHash({ slide: 11, step: 2 })).toBe("#12.2");
  });
});
