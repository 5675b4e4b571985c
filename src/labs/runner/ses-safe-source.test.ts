import "./lockdown";
import { describe, expect, it } from "vitest";
import { labCompartment } from "./confine";
import { transpile } from "./transpile";

/** The module's exports, evaluated as the loader does: transpiled, in a lab compartment. */
function exportsOf(source: string): Record<string, unknown> {
  const code = transpile("strings.ts", source);
  const wrapper = labCompartment()(`(function (require, module, exports) {\n${code}\n})`) as (
    require: unknown,
    module: { exports: Record<string, unknown> },
    exports: Record<string, unknown>,
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  wrapper(() => ({}), module, module.exports);
  return module.exports;
}

const STRINGS = {
  arrow: "a --> b",
  open: "<!-- not a comment -->",
  call: "import(x)",
  spaced: "import (y) and import // z and import /* w */",
  escapes: "back\\-->slash\\\\<!--",
  dotted: "obj.import(1)",
};

describe("learner strings and comments reach SES unchanged in meaning", () => {
  it("keeps the value of string literals holding -->, <!-- and import(", () => {
    const source = Object.entries(STRINGS)
      .map(([name, value]) => `export const ${name}: string = ${JSON.stringify(value)};`)
      .join("\n");
    expect(exportsOf(source)).toEqual(STRINGS);
  });

  it("keeps single-quoted strings and template literals, with and without substitutions", () => {
    const exports = exportsOf(
      [
        "const n: number = 2;",
        "export const single = 'x --> y <!-- z import(q)';",
        "export const plain = `a --> b`;",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test has a template
        "export const mixed = `${n} --> ${n + 1} <!-- import(${n})`;",
        "export const multi = `line one -->\nline two import (x)`;",
      ].join("\n"),
    );
    expect(exports).toEqual({
      single: "x --> y <!-- z import(q)",
      plain: "a --> b",
      mixed: "2 --> 3 <!-- import(2)",
      multi: "line one -->\nline two import (x)",
    });
  });

  it("drops comments that mention import( or -->, and the file still loads", () => {
    const exports = exportsOf(
      [
        "// The old code called import('./x') here: never again -->",
        "/* <!-- an HTML-like comment, and import(y) */",
        "export const value = /* import( */ 42; // a --> b",
        "/**",
        " * TSDoc mentioning import(z)",
        " */",
        "export function line(): number { return new Error().stack ? 7 : 7; }",
      ].join("\n"),
    );
    expect(exports.value).toBe(42);
    expect((exports.line as () => number)()).toBe(7);
  });

  it("keeps every line where it was, so the source map's lines still hold", () => {
    const source = "/* a\n import(x)\n */ export const s = 'a --> b';\nexport const t = 1;\n";
    const code = transpile("lines.ts", source);
    const lines = code.split("\n");
    expect(lines.findIndex((l) => l.includes("s = "))).toBe(2);
    expect(lines.findIndex((l) => l.includes("t = "))).toBe(3);
  });
});
