import { describe, expect, it } from "vitest";
import type { V3Results } from "../labs/results";
import { parseGradeArgs, UsageError } from "./args";
import { cell, gradebookCsv, gradeRecord } from "./gradebook";
import { junitXml } from "./junit";
import { importProblem } from "./policy";
import { scoreResults } from "./score";
import { summaryText } from "./summary";

const results: V3Results = {
  version: 3,
  status: "fail",
  tests: [
    { name: "1. Deposit > adds <100> & more", test_code: "", status: "pass", task_id: 1 },
    {
      name: '1. Deposit > refuses "0"',
      test_code: "",
      status: "fail",
      message: "expected <a> to be \u0007b",
      task_id: 1,
    },
    {
      name: "2. Withdraw > lowers",
      test_code: "",
      status: "error",
      message: "This check did not run.",
      task_id: 2,
    },
  ],
};

describe("the import policy", () => {
  const labFiles = ["account.ts", "effects.ts", "model/types.ts"];
  it.each([
    ["./effects", "account.ts"],
    ["./effects.ts", "account.ts"],
    ["../effects", "model/types.ts"],
    ["@runtime", "account.ts"],
  ])("allows %s from %s", (specifier, importer) => {
    expect(importProblem(specifier, importer, { labFiles })).toBeUndefined();
  });

  it.each([
    ["vitest", /may not use the test framework/],
    ["chai", /may not use the test framework/],
    ["node:fs", /Node's modules are not available/],
    ["fs", /Node's modules are not available/],
    ["process", /Node's modules are not available/],
    ["../solution/account", /may not reach outside the lab's files/],
    ["./solution/account", /may not reach outside the lab's files/],
    ["./missing", /there is no such lab file/],
    ["lodash", /may import only the lab's own files/],
  ])("refuses %s", (specifier, reason) => {
    expect(importProblem(specifier, "account.ts", { labFiles })).toMatch(reason);
  });
});

describe("outputs", () => {
  it("junit.xml escapes names and messages and drops control characters", () => {
    const xml = junitXml(results, "bank-account: ada");
    expect(xml).toContain(
      '<testsuites name="bank-account: ada" tests="3" failures="1" errors="1">',
    );
    expect(xml).toContain('name="adds &lt;100&gt; &amp; more"/>');
    expect(xml).toContain('<failure message="expected &lt;a&gt; to be b">');
    expect(xml).toContain('<testsuite name="2. Withdraw" tests="1" failures="0" errors="1">');
    expect(xml.includes("\u0007")).toBe(false);
  });

  it("the gradebook has one column per task and neutralises formulas", () => {
    const record = gradeRecord("=cmd()", "=cmd()", scoreResults(results));
    const csv = gradebookCsv([record]).trim().split("\n");
    expect(csv).toEqual([
      "student,submission,status,1. Deposit (2),2. Withdraw (1),total (3),message",
      "'=cmd(),'=cmd(),fail,1,0,1,",
    ]);
    expect(cell('say "hi", then')).toBe('"say ""hi"", then"');
  });

  it("the summary lists tasks, failures and ignored files", () => {
    const text = summaryText(results, {
      lab: "bank-account",
      submission: "ada",
      ignored: ["notes.md"],
    });
    expect(text).toContain("✗ 1. Deposit: 1/2 checks pass");
    expect(text).toContain('✗ refuses "0" — expected <a> to be \u0007b');
    expect(text).toContain("Ignored (not editable in this lab): notes.md");
    expect(text).toContain("FAIL: 1/3 checks pass");
  });
});

describe("arguments", () => {
  it("reads a single submission and a batch", () => {
    expect(parseGradeArgs(["lab", "dir", "--timeout=5", "--out", "o"])).toMatchObject({
      lab: "lab",
      submission: "dir",
      out: "o",
      timeoutSeconds: 5,
    });
    expect(parseGradeArgs(["lab", "--batch", "subs", "--jobs", "3"])).toMatchObject({
      batch: "subs",
      jobs: 3,
    });
  });

  it.each([
    [[], /Name the lab/],
    [["lab"], /Give a submission folder/],
    [["lab", "a", "--batch", "b"], /either a submission folder or --batch/],
    [["lab", "a", "--timeout", "-1"], /--timeout must be a positive number/],
    [["lab", "a", "--colour", "x"], /Unknown option --colour/],
    [["lab", "a", "--out"], /--out needs a value/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseGradeArgs(argv)).toThrow(UsageError);
    expect(() => parseGradeArgs(argv)).toThrow(message);
  });
});
