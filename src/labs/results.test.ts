import { expect, it } from "vitest";
import { OUTPUT_LIMIT, TestCodeFinder, taskIdOf, truncateOutput } from "./results";

it("reads the task number off a top-level describe", () => {
  expect(taskIdOf("1. The four-step table")).toBe(1);
  expect(taskIdOf("12) Twelve")).toBe(12);
  expect(taskIdOf("Helpers")).toBeUndefined();
  expect(taskIdOf("Step 1.")).toBeUndefined();
});

it("cuts console output to Exercism's limit", () => {
  expect(truncateOutput("")).toBeUndefined();
  expect(truncateOutput("short")).toBe("short");
  const long = truncateOutput("x".repeat(2_000)) ?? "";
  expect(long.length).toBe(OUTPUT_LIMIT);
  expect(long.endsWith("output truncated")).toBe(true);
});

it("finds test bodies in file order, even when names repeat", () => {
  const src = [
    'describe("a", () => { it("same", () => { expect(1).toBe(1); }); });',
    'describe("b", () => { it("same", () => {',
    '  const s = "}"; // a brace in a string }',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test has a template
    "  expect(s).toBe(`}${1}`);",
    "}); });",
  ].join("\n");
  const finder = new TestCodeFinder(src);
  expect(finder.next("same")).toBe("expect(1).toBe(1);");
  expect(finder.next("same")).toBe(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test has a template
    'const s = "}"; // a brace in a string }\nexpect(s).toBe(`}${1}`);',
  );
  expect(finder.next("same")).toBeUndefined();
});
