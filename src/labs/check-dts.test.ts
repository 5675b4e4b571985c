import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { COMPILER_OPTIONS } from "../grader/program";
import { checkDeclarations } from "./runtime-dts.mjs";

/**
 * The page type-checks check files with `virtual:check-dts` in Monaco, the grader with the real
 * `node_modules` (src/grader/program.ts). Both must see the same `vitest`: with a loose `expect`,
 * a check that does not compile in CI compiled on the page. Monaco resolves modules the Node 10
 * way, over the declaration files it was given; this lays them out the same way and compares.
 */
const work = mkdtempSync(join(tmpdir(), "check-dts-"));
const declarations = checkDeclarations();
for (const [path, text] of Object.entries(declarations)) {
  mkdirSync(dirname(join(work, "monaco", path)), { recursive: true });
  writeFileSync(join(work, "monaco", path), text);
}
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `line TScode` of each error in `source`, type-checked as the page does, or as the grader does. */
function errors(source: string, as: "page" | "grader"): string[] {
  const dir = as === "page" ? join(work, "monaco") : join(process.cwd(), "src/labs");
  const file = join(dir, `check-${as}-${Math.random().toString(36).slice(2)}.test.ts`);
  writeFileSync(file, source);
  try {
    const options: ts.CompilerOptions =
      as === "page"
        ? {
            ...COMPILER_OPTIONS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            ignoreDeprecations: "6.0",
          }
        : COMPILER_OPTIONS;
    const program = ts.createProgram([file], options);
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map(
        (d) => `${(d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0) + 1} TS${d.code}`,
      );
  } finally {
    rmSync(file, { force: true });
  }
}

describe("virtual:check-dts: Vitest's own types, as the grader has them", () => {
  it("serves Vitest's declaration files, with `vitest` resolving to them", () => {
    expect(declarations["node_modules/vitest/index.d.ts"]).toMatch(
      /^export \* from "\.\.\/\.vitest-types\//,
    );
    const paths = Object.keys(declarations);
    expect(paths.some((p) => p.includes("/@vitest/expect/"))).toBe(true);
    expect(paths.some((p) => p.includes("/@types/chai/"))).toBe(true);
  });

  it("a check that compiles in CI compiles on the page", () => {
    const good = [
      'import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from "vitest";',
      'import * as fc from "fast-check";',
      "beforeAll(() => {}); beforeEach(async () => {}); afterAll(() => undefined);",
      'describe("a", () => {',
      '  it.each([[1, 2]])("b %i", (x, y) => { expect(x + 1, "why").toBe(y); });',
      '  test("c", async () => {',
      "    expect([1]).toEqual([1]); expect({ a: 1 }).toMatchObject({ a: 1 });",
      "    await expect(Promise.resolve(1)).resolves.toBe(1); expect.assertions(1);",
      '    expect(() => 1).toThrow(/x/); expect(1).not.toBe(3); expect("a").toMatch(/a/);',
      "    expect([1]).toHaveLength(1); expect(1).toBeGreaterThan(0); expect(undefined).toBeUndefined();",
      "    expect({ a: 1 }).toEqual(expect.objectContaining({ a: expect.any(Number) }));",
      "    fc.assert(fc.property(fc.integer(), (n) => n === n), { seed: 1 });",
      "  }, 5_000);",
      "});",
    ].join("\n");
    expect(errors(good, "grader")).toEqual([]);
    expect(errors(good, "page")).toEqual([]);
  });

  it("a check that does not compile in CI does not compile on the page, with the same errors", () => {
    const bad = [
      'import { expect, it } from "vitest";',
      'it("a", () => {',
      "  const n: number = expect(1).toBe(1);",
      "  expect(1).toBeFooBar();",
      "  expect([1]).toHaveLength('one');",
      "  expect.assertions();",
      "});",
    ].join("\n");
    const ci = errors(bad, "grader");
    expect(ci).toEqual(["3 TS2322", "4 TS2339", "5 TS2345", "6 TS2554"]);
    expect(errors(bad, "page")).toEqual(ci);
  });
});
