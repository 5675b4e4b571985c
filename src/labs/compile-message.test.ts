import { describe, expect, it } from "vitest";
import {
  COMPILE_ERROR_LIMIT,
  doesNotCompile,
  formatCompileDiagnostic,
  limitCompileErrors,
} from "./compile-message";

describe("the words for a submission that does not compile (grader and lab page)", () => {
  it("writes file:line:col and the TS code, as a compiler does", () => {
    expect(
      formatCompileDiagnostic({
        code: 2322,
        text: "Type 'string' is not assignable to type 'number'.",
        where: "account.ts:3:14",
      }),
    ).toBe("account.ts:3:14: error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(formatCompileDiagnostic({ code: 6053, text: "File not found." })).toBe(
      "error TS6053: File not found.",
    );
  });

  it("names a missing export and the file that lacks it", () => {
    expect(
      formatCompileDiagnostic({
        code: 2305,
        text: "Module has no exported member 'deposit'.",
        where: "checks/a.test.ts:1:10",
        missing: { name: "deposit", module: "account.ts" },
      }),
    ).toBe('account.ts does not export "deposit" (imported at checks/a.test.ts:1:10)');
    // Only for the missing-export codes.
    expect(
      formatCompileDiagnostic({
        code: 2322,
        text: "t",
        where: "a.ts:1:1",
        missing: { name: "x", module: "b.ts" },
      }),
    ).toBe("a.ts:1:1: error TS2322: t");
  });

  it("lists distinct errors, cut at the limit with a count of the rest", () => {
    expect(limitCompileErrors(["a", "b", "a"])).toEqual(["a", "b"]);
    const many = Array.from({ length: COMPILE_ERROR_LIMIT + 3 }, (_, i) => `e${i}`);
    const listed = limitCompileErrors(many);
    expect(listed).toHaveLength(COMPILE_ERROR_LIMIT + 1);
    expect(listed.at(-1)).toBe("… and 3 more errors");
    expect(doesNotCompile(["x", "y"])).toBe("The submission does not compile:\nx\ny");
  });
});
