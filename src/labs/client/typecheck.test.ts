import ts from "typescript";
import { describe, expect, it } from "vitest";
import { checkModelSource, flattenMessage, labFileOf } from "./typecheck";

describe("the page's type check speaks the grader's words", () => {
  it("flattens a message chain exactly as TypeScript does", () => {
    const chain: ts.DiagnosticMessageChain = {
      messageText: "Type '{ a: string; }' is not assignable to type 'Account'.",
      category: ts.DiagnosticCategory.Error,
      code: 2322,
      next: [
        {
          messageText: "Types of property 'a' are incompatible.",
          category: ts.DiagnosticCategory.Error,
          code: 2326,
          next: [
            {
              messageText: "Type 'string' is not assignable to type 'number'.",
              category: ts.DiagnosticCategory.Error,
              code: 2322,
            },
          ],
        },
      ],
    };
    expect(flattenMessage(chain)).toBe(ts.flattenDiagnosticMessageText(chain, "\n"));
    expect(flattenMessage("plain")).toBe("plain");
  });

  it("rewrites @lab/ imports of checks without moving a column", () => {
    const source =
      'import { a } from "@lab/account";\nimport { b } from \'@lab/entity\';\nconst x = "@lab/ in text";';
    const rewritten = checkModelSource(source);
    expect(rewritten).toContain('from "./../account"');
    expect(rewritten).toContain("from './../entity'");
    expect(rewritten.split("\n").map((l) => l.length)).toEqual(
      source.split("\n").map((l) => l.length),
    );
  });

  it("names the lab file an import points at", () => {
    expect(labFileOf("./../account")).toBe("account.ts");
    expect(labFileOf("@lab/entity")).toBe("entity.ts");
    expect(labFileOf("./protocol")).toBe("protocol.ts");
    expect(labFileOf("./x.ts")).toBe("x.ts");
    expect(labFileOf("@runtime")).toBe("@runtime");
  });
});
