import { describe, expect, it } from "vitest";
import { href } from "./paths";

describe("href", () => {
  it("joins onto the root base", () => {
    expect(href("talks/", "/")).toBe("/talks/");
  });
  it("joins onto a sub-path base with or without a trailing slash", () => {
    expect(href("/labs/", "/workshop")).toBe("/workshop/labs/");
    expect(href("labs/", "/workshop/")).toBe("/workshop/labs/");
  });
  it("gives the base itself for the home page", () => {
    expect(href("", "/workshop/")).toBe("/workshop/");
  });
});
