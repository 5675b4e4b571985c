import * as fastCheck from "fast-check";
import { beforeAll, expect, it } from "vitest";
import type { V3Results } from "../results";
import { runChecks } from "./core";

const check = (body: string) => ({
  "checks/a.test.ts": `import { describe, expect, it } from "vitest";\nimport { add } from "@lab/math";\n${body}`,
});

const cases: Record<
  string,
  { files: Record<string, string>; checks: Record<string, string>; fastCheck?: unknown }
> = {
  syntax: {
    files: { "math.ts": "export function add(a: number, b: number) {\n  return a +;\n}\n" },
    checks: check(
      `describe("1. add", () => { it("adds", () => { expect(add(1, 2)).toBe(3); }); });`,
    ),
  },
  missingExport: {
    files: { "math.ts": "export function plus(a: number, b: number) { return a + b; }\n" },
    checks: check(
      `describe("1. add", () => { it("adds", () => { expect(add(1, 2)).toBe(3); }); });`,
    ),
  },
  forbiddenImport: {
    files: {
      "math.ts":
        'import { readFileSync } from "fs";\nexport const add = (a: number, b: number) => a + b;\n',
    },
    checks: check(
      `describe("1. add", () => { it("adds", () => { expect(add(1, 2)).toBe(3); }); });`,
    ),
  },
  fastCheckInLabFile: {
    files: {
      "math.ts":
        'import fc from "fast-check";\nexport const add = (a: number, b: number) => a + b;\nexport const gen = fc;\n',
    },
    checks: check(
      `describe("1. add", () => { it("adds", () => { expect(add(1, 2)).toBe(3); }); });`,
    ),
    fastCheck,
  },
  property: {
    files: { "math.ts": "export const add = (a: number, b: number) => (a > 90 ? a : a + b);\n" },
    checks: {
      "checks/a.test.ts": `import fc from "fast-check";\nimport { describe, expect, it } from "vitest";\nimport { add } from "@lab/math";\ndescribe("1. add", () => {\n  it("commutes", () => {\n    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 }), (a, b) => { expect(add(a, b)).toBe(add(b, a)); }), { seed: 1 });\n  });\n});`,
    },
    fastCheck,
  },
  copies: {
    // Module state: the id a node hands out next.
    files: {
      "ids.ts":
        'import { prefix } from "./prefix";\nlet next = 0;\nexport const nextId = () => prefix + String(next++);\n',
      "prefix.ts": 'export const prefix = "n";\n',
    },
    checks: {
      "checks/a.test.ts": `import { describe, expect, it } from "vitest";\nimport { nextId } from "@lab/ids";\nconst copy = (name: string): Promise<{ nextId: () => string }> => import(\`@lab/ids?copy=\${name}\`);\ndescribe("1. copies", () => {\n  it("each copy has module state of its own", async () => {\n    expect([nextId(), nextId()]).toEqual(["n0", "n1"]);\n    const a = await copy("a");\n    const b = await copy("b");\n    expect([a.nextId(), a.nextId(), b.nextId()]).toEqual(["n0", "n1", "n0"]);\n    expect((await copy("a")).nextId(), "the same copy again").toBe("n2");\n    expect(nextId(), "the shared module").toBe("n2");\n  });\n});`,
    },
  },
  console: {
    files: {
      "math.ts":
        'import { log } from "./log";\nexport function add(a: number, b: number) { log("adding", a, b); return a + b; }\n',
      "log.ts": "export const log = (...args: unknown[]) => console.log(...args);\n",
    },
    checks: check(
      `describe("1. add", () => {\n  it("adds", () => { expect(add(1, 2)).toBe(3); });\n  it("adds wrongly", () => { expect(add(2, 2)).toBe(5); });\n});\ndescribe("helpers", () => { it("counts", () => { expect.assertions(2); expect(1).toBe(1); }); });`,
    ),
  },
};

const results: Record<string, V3Results> = {};
// Transpiled ahead of time by a spare worker: the code is what `runChecks` must use for exactly
// this source. Here it is deliberately not sucrase's output, so the tests can tell.
const ahead = "export const add = (a: number, b: number) => a + b;\n";
const precompiledRuns: Record<string, V3Results> = {};
// A nested @vitest/runner run must start outside a test.
beforeAll(async () => {
  for (const [name, input] of Object.entries(cases))
    results[name] = (await runChecks(input)).results;
  const checks = check(
    `describe("1. add", () => { it("adds", () => { expect(add(1, 2)).toBe(3); }); });`,
  );
  const precompiled = new Map([["math.ts", { source: ahead, code: "exports.add = () => 42;" }]]);
  for (const [name, source] of [
    ["same source", ahead],
    ["edited since", `${ahead}// edited\n`],
  ] as const)
    precompiledRuns[name] = (
      await runChecks({ files: { "math.ts": source }, checks, precompiled })
    ).results;
});

it("uses code transpiled ahead only for the very source it was made from", () => {
  expect(precompiledRuns["same source"]?.tests[0]?.message).toContain("42");
  expect(precompiledRuns["edited since"]?.status).toBe("pass");
});

it("loads @lab/<file>?copy=<name> apart, with module state of its own, as Vite does in the grader", () => {
  expect(results.copies?.tests.map((t) => [t.status, t.message])).toEqual([["pass", undefined]]);
});

it("reports a syntax error like a compiler, with file:line:col", () => {
  expect(results.syntax?.status).toBe("error");
  expect(results.syntax?.message).toMatch(/^math\.ts:2:\d+: Unexpected token/);
});

it("names a missing export and who imported it", () => {
  expect(results.missingExport?.status).toBe("error");
  expect(results.missingExport?.message).toContain('math.ts does not export "add"');
  expect(results.missingExport?.message).toContain("checks/a.test.ts:2");
});

it("refuses imports a lab file may not make, naming the line", () => {
  expect(results.forbiddenImport?.message).toMatch(/math\.ts:1: cannot import "fs"/);
});

it("lets checks use fast-check, and finds the counterexample", () => {
  expect(results.property?.status).toBe("fail");
  expect(results.property?.tests[0]?.message).toMatch(/Property failed[\s\S]*Counterexample/);
});

it("keeps fast-check out of lab files: it is for checks", () => {
  expect(results.fastCheckInLabFile?.status).toBe("error");
  expect(results.fastCheckInLabFile?.message).toMatch(
    /math\.ts:1: lab files may not import "fast-check"; only checks do/,
  );
});

it("captures console output per test, maps tasks and reports failures with a diff", () => {
  const r = results.console;
  expect(r?.status).toBe("fail");
  expect(r?.tests.map((t) => [t.name, t.status, t.task_id])).toEqual([
    ["1. add > adds", "pass", 1],
    ["1. add > adds wrongly", "fail", 1],
    ["helpers > counts", "fail", undefined],
  ]);
  expect(r?.tests[0]?.output).toBe("adding 1 2");
  expect(r?.tests[1]?.output).toBe("adding 2 2");
  expect(r?.tests[1]?.message).toMatch(/expected 4 to be 5[\s\S]*- Expected[\s\S]*\+ Received/);
  expect(r?.tests[2]?.message).toContain("expected number of assertions to be 2, but got 1");
  expect(r?.tests[1]?.test_code).toBe("expect(add(2, 2)).toBe(5);");
});
