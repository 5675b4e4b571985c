import { describe, expect, it } from "vitest";
import { interleave, median } from "./types";

describe("interleaved rounds", () => {
  it("rotates the order each round, after one warm-up run per arm", async () => {
    const order: string[] = [];
    const arm = (name: string) => ({ name, once: () => order.push(name) });
    await interleave([arm("a"), arm("b"), arm("c")], 3);
    expect(order).toEqual(["a", "b", "c", "a", "b", "c", "b", "c", "a", "c", "a", "b"]);
  });

  it("takes each ratio within one round, so a slow round slows both sides of it", async () => {
    // A clock the arms move: "fast" takes 5 ms, "slow" 10 ms, and everything in round 2 (the
    // third and fourth measured runs) is ten times slower, as on a busy machine.
    let clock = 0;
    let runs = 0;
    const arm = (name: string, ms: number) => ({
      name,
      once: () => {
        runs++;
        // Runs 1–2 are the warm-up; 3–4 round 0; 5–6 round 1; 7–8 round 2.
        clock += runs >= 7 ? ms * 10 : ms;
        return 1;
      },
    });
    const result = await interleave([arm("fast", 5), arm("slow", 10)], 3, () => clock);
    expect(result.rates.fast).toEqual([200, 200, 20]);
    expect(result.ratio("fast", "slow")).toEqual({ best: 2, median: 2 });
    expect(result.best("fast")).toBe(200);
    expect(result.median("slow")).toBe(100);
  });

  it("median of odd and even lists", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
