import { describe, expect, it } from "vitest";
import { isListed } from "./listing";

describe("draft labs", () => {
  it("are listed on the dev server and left out of a build", () => {
    expect(isListed({ draft: true }, true)).toBe(true);
    expect(isListed({ draft: true }, false)).toBe(false);
    expect(isListed({ draft: false }, false)).toBe(true);
  });
});
