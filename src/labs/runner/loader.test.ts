import "./lockdown";
import { describe, expect, it } from "vitest";
import { labConfinement } from "./confine";
import { importSpecifiers, ModuleLoader } from "./loader";
import { transpile } from "./transpile";

/**
 * Module instances in the browser's loader, as the lab page's worker builds it: lab files in a
 * SES compartment. A lab file that keeps state (a first-seen shard order, say) must not share it
 * between the copies a cluster check loads for its nodes, nor between check files.
 */
const files = {
  "counter.ts": [
    "let count = 0;",
    "export function next(): number {",
    "  count += 1;",
    "  return count;",
    "}",
  ].join("\n"),
  "user.ts": [
    'import { next } from "./counter";',
    "export const first = next();",
    "export const again = () => next();",
  ].join("\n"),
};

function loaderFor(checks: Record<string, string>): ModuleLoader {
  return new ModuleLoader({
    files,
    checks,
    externals: { vitest: {} },
    transpile,
    ...labConfinement({}),
  });
}

type Counter = { next(): number };
type User = { first: number; again(): number };

describe("ModuleLoader: each copy and each check file has module state of its own", () => {
  it("two copies of one file (`?copy=`) count apart, and apart from the plain import", async () => {
    const loader = loaderFor({
      "checks/a.test.ts": [
        'import * as plain from "@lab/counter";',
        'export const copies = Promise.all([import("@lab/counter?copy=node-1"), import("@lab/counter?copy=node-2")]);',
        "export { plain };",
      ].join("\n"),
    });
    loader.compileAll();
    const check = loader.importCheck("checks/a.test.ts") as {
      plain: Counter;
      copies: Promise<Counter[]>;
    };
    const [one, two] = (await check.copies) as [Counter, Counter];
    expect([one.next(), one.next(), one.next()]).toEqual([1, 2, 3]);
    expect(two.next()).toBe(1);
    expect(check.plain.next()).toBe(1);
    expect(one.next()).toBe(4);
    expect(one).not.toBe(two);
  });

  it("the same copy name within one check file is one instance", async () => {
    const loader = loaderFor({
      "checks/a.test.ts": [
        'export const a = import("@lab/counter?copy=node-1");',
        'export const b = import("@lab/counter?copy=node-1");',
      ].join("\n"),
    });
    loader.compileAll();
    const check = loader.importCheck("checks/a.test.ts") as Record<string, Promise<Counter>>;
    const a = (await check.a) as Counter;
    const b = (await check.b) as Counter;
    a.next();
    expect(b.next()).toBe(2);
  });

  it("a lab file imported by another and by the check is one instance within a check file", () => {
    const loader = loaderFor({
      "checks/a.test.ts": [
        'import * as counter from "@lab/counter";',
        'import * as user from "@lab/user";',
        "export { counter, user };",
      ].join("\n"),
    });
    loader.compileAll();
    const check = loader.importCheck("checks/a.test.ts") as { counter: Counter; user: User };
    expect(check.user.first).toBe(1);
    expect(check.counter.next()).toBe(2);
    expect(check.user.again()).toBe(3);
  });

  it("each check file starts from fresh modules, even for an import() that resolves later", async () => {
    const loader = loaderFor({
      "checks/a.test.ts": 'import * as user from "@lab/user";\nexport { user };',
      "checks/b.test.ts": [
        'import * as user from "@lab/user";',
        "export { user };",
        'export const later = () => import("@lab/counter");',
      ].join("\n"),
    });
    loader.compileAll();
    const a = loader.importCheck("checks/a.test.ts") as { user: User };
    const b = loader.importCheck("checks/b.test.ts") as {
      user: User;
      later(): Promise<Counter>;
    };
    expect(a.user.again()).toBe(2);
    expect(a.user.again()).toBe(3);
    expect(b.user.first).toBe(1);
    const counter = await b.later();
    expect(counter.next()).toBe(2);
    expect(a.user.again()).toBe(4);
  });

  it("forgetFiles: importFile evaluates each file afresh afterwards (the grader's check files)", () => {
    const loader = loaderFor({});
    const before = loader.importFile("counter.ts") as Counter;
    expect(before.next()).toBe(1);
    expect((loader.importFile("counter.ts") as Counter).next()).toBe(2);
    loader.forgetFiles();
    const after = loader.importFile("counter.ts") as Counter;
    expect(after).not.toBe(before);
    expect(after.next()).toBe(1);
    expect(before.next()).toBe(3);
  });
});

describe("importSpecifiers: the specifiers a file imports, and nothing a string or comment says", () => {
  it("finds import, export … from, import(), require() and import = require(), each at its line", () => {
    const source = [
      'import { a } from "./a";',
      "import './b';",
      'export * from "./c";',
      'const d = import("./d");',
      'import e = require("./e");',
      "export { f } from './f';",
    ].join("\n");
    expect(importSpecifiers(source)).toEqual([
      { specifier: "./a", line: 1 },
      { specifier: "./b", line: 2 },
      { specifier: "./c", line: 3 },
      { specifier: "./d", line: 4 },
      { specifier: "./e", line: 5 },
      { specifier: "./f", line: 6 },
    ]);
  });

  it("ignores import( and from inside strings, templates and comments", () => {
    const source = [
      'const help = `no import("x") here`;',
      "const note = 'taken from \"y\"';",
      '// import("z") was removed',
      '/* require("w") */ export const n = 1;',
    ].join("\n");
    expect(importSpecifiers(source)).toEqual([]);
  });
});
