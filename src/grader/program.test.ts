import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileErrors } from "./compile-errors";
import { checkFiles, loadLab } from "./lab";
import { policyViolations } from "./policy";
import { LabTypeCheck } from "./program";
import { REPO_DIR, RUNTIME_ENTRY } from "./sandbox";

/**
 * The type check a batch shares across submissions (program.ts) must say exactly what a fresh
 * program says for each one: the same policy violations and compile errors, whatever came before.
 * A sequence that changes the lab files' declarations back and forth, with errors that show only
 * in a check file (a missing export, a changed parameter type), is held against a fresh
 * `LabTypeCheck` per submission.
 */
const lab = loadLab("bank-account");
const checks = checkFiles(join(lab.dir, "checks"));
const folder = (dir: string) =>
  Object.fromEntries(lab.meta.editable.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const solution = folder(join(lab.dir, "solution"));
const starter = folder(join(lab.dir, "starter"));
const mutants = readdirSync(join(lab.dir, "mutants"))
  .sort()
  .slice(0, 2)
  .map((m) => folder(join(lab.dir, "mutants", m)));
const account = solution["account.ts"] as string;
const edit = (from: string, to: string) => {
  if (!account.includes(from)) throw new Error(`the solution no longer has ${from}`);
  return { ...solution, "account.ts": account.replace(from, to) };
};
/** Only a check file that imports it shows the missing export. */
const missingExport = edit("export function eventHandler(", "function eventHandler(");
/** Only a check file that calls it with a number shows the changed parameter. */
const changedParameter = edit(
  "export function eventHandler(account: Account, event: Event)",
  "export function eventHandler(account: Account, event: string)",
);
const typeError = edit(
  "export const BALANCE_LIMIT = 1_000;",
  'export const BALANCE_LIMIT: number = "1000";',
);
const policyBreach = {
  ...solution,
  "entity.ts": `${solution["entity.ts"]}\nconsole.log(globalThis);\n`,
};

const SEQUENCE = [
  solution,
  starter,
  missingExport,
  solution,
  changedParameter,
  ...mutants,
  missingExport,
  typeError,
  policyBreach,
  changedParameter,
];

function verdict(check: LabTypeCheck, files: Record<string, string>) {
  const program = check.check(files, checks);
  return {
    policy: policyViolations(program, {
      editable: lab.meta.editable,
      labFiles: lab.files,
      withheld: lab.meta.withheld,
    }),
    errors: compileErrors(program, [...lab.files, ...Object.keys(checks)]),
  };
}

describe("LabTypeCheck", () => {
  it("says for each submission of a sequence what a fresh program says", () => {
    const shared = new LabTypeCheck(join(REPO_DIR, ".lab-typecheck/test-shared"), RUNTIME_ENTRY);
    const seen: string[] = [];
    SEQUENCE.forEach((files, i) => {
      const fresh = new LabTypeCheck(
        join(REPO_DIR, `.lab-typecheck/test-fresh-${i}`),
        RUNTIME_ENTRY,
      );
      const expected = verdict(fresh, files);
      expect(verdict(shared, files), `submission ${i}`).toEqual(expected);
      seen.push(...expected.errors, ...expected.policy);
    });
    // The sequence does exercise errors that live only in the check files, and the others.
    expect(seen.join("\n")).toMatch(/does not export "eventHandler" \(imported at checks\//);
    expect(seen.join("\n")).toMatch(/checks\/[\w.]+\.test\.ts:\d+:\d+: error TS2345/);
    expect(seen.join("\n")).toMatch(/account\.ts:\d+:\d+: error TS2322/);
    expect(seen.join("\n")).toMatch(/entity\.ts:\d+:\d+: .*globalThis/);
  }, 120_000);
});
