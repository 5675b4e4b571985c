import { describe, expect, it } from "vitest";
import { highlightSpec, parseHighlightSteps, stepsByLine } from "./highlight-ranges";

describe("highlight steps in fence meta", () => {
  it("finds the brace group among other meta", () => {
    expect(highlightSpec("{1|3-4|6-8}")).toBe("1|3-4|6-8");
    expect(highlightSpec('title="pool.ts" {2-3}')).toBe("2-3");
    expect(highlightSpec("title=x")).toBeUndefined();
    expect(highlightSpec(undefined)).toBeUndefined();
  });

  it("parses groups of lines and ranges, one per step", () => {
    expect(parseHighlightSteps("1|3-4|6-8")).toEqual([[1], [3, 4], [6, 7, 8]]);
    expect(parseHighlightSteps(" 4-5, 1 | 2 ")).toEqual([[1, 4, 5], [2]]);
  });

  it("rejects malformed, reversed and out-of-block ranges with the step and spec named", () => {
    expect(() => parseHighlightSteps("1|x")).toThrow(/step 2 of "\{1\|x\}" has "x"/);
    expect(() => parseHighlightSteps("5-3")).toThrow(/reversed/);
    expect(() => parseHighlightSteps("0")).toThrow(/reversed/);
    expect(() => parseHighlightSteps("1|9", 8, "deck.mdx")).toThrow(
      /deck.mdx: step 2 .* line 9, but the block has 8 lines/,
    );
    expect(() => parseHighlightSteps("")).toThrow(/empty/);
  });

  it("inverts to the steps that light each line", () => {
    const byLine = stepsByLine(parseHighlightSteps("1-2|2-3"));
    expect(byLine.get(1)).toEqual([1]);
    expect(byLine.get(2)).toEqual([1, 2]);
    expect(byLine.get(3)).toEqual([2]);
    expect(byLine.has(4)).toBe(false);
  });
});
