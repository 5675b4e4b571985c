import { describe, expect, it } from "vitest";
import { describePacing, formatDuration, pacingDelta } from "./pacing";

describe("presenter timing", () => {
  it("formats durations", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65_400)).toBe("1:05");
    expect(formatDuration(3_725_000)).toBe("1:02:05");
    expect(formatDuration(-5)).toBe("0:00");
  });

  it("spreads the talk's minutes evenly over its slides", () => {
    // 11 slides, 30 minutes: slide 5 (0-based) is half way, due at 15:00.
    expect(pacingDelta(15 * 60_000, 5, 11, 30)).toBe(0);
    expect(pacingDelta(17 * 60_000, 5, 11, 30)).toBe(2 * 60_000);
    expect(pacingDelta(12 * 60_000, 5, 11, 30)).toBe(-3 * 60_000);
  });

  it("describes the gap in words", () => {
    expect(describePacing(10_000)).toBe("on time");
    expect(describePacing(130_000)).toBe("2:10 behind");
    expect(describePacing(-45_000)).toBe("0:45 ahead");
  });
});
