import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabFolder } from "../labs/lab-files.node.ts";
import type { V3Results } from "../labs/results";
import { runChecks } from "../labs/runner/core";
import { gradeBatch } from "./batch";
import type { GradeOutcome } from "./grade";
import { loadLab } from "./lab";
import { releaseVitestChildren } from "./run-vitest";

/**
 * `npm run grade` end to end: the CLI as a user runs it, on the lab's solution and starter, broken
 * submissions, an infinite loop and every tamper attempt in fixtures/tamper. Submissions are graded
 * in two batches (two at a time) to keep this file's run time down.
 */
const REPO = process.cwd();
const LAB = join(REPO, "labs/bank-account");
const FIXTURES = join(REPO, "src/grader/fixtures");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const TAMPERS = readdirSync(join(FIXTURES, "tamper")).sort();

const work = mkdtempSync(join(tmpdir(), "grader-test-"));
afterAll(async () => {
  await releaseVitestChildren();
  rmSync(work, { recursive: true, force: true });
});

function grade(...args: string[]) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [TSX, "src/grader/cli.ts", ...args], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...run, seconds: (performance.now() - started) / 1000 };
}

function resultsIn(dir: string): V3Results {
  return JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as V3Results;
}

describe("a batch of submissions graded by the CLI", () => {
  const batch = join(work, "batch");
  const out = join(work, "batch-out");
  let run: ReturnType<typeof grade>;

  beforeAll(() => {
    cpSync(join(LAB, "solution"), join(batch, "solution"), { recursive: true });
    // A learner's own test travels with the submission; the grader must ignore it and say so.
    writeFileSync(join(batch, "solution", "account.test.ts"), 'it("passes", () => {});\n');
    cpSync(join(LAB, "starter"), join(batch, "starter"), { recursive: true });
    for (const name of ["compile-error", "type-error", "missing-export"]) {
      cpSync(join(FIXTURES, "cases", name), join(batch, name), { recursive: true });
    }
    for (const name of TAMPERS) {
      cpSync(join(FIXTURES, "tamper", name), join(batch, `tamper-${name}`), { recursive: true });
    }
    run = grade("bank-account", "--batch", batch, "--out", out, "--jobs", "2");
  }, 180_000);

  it("exits 1 because some submissions fail, and writes one row per submission", () => {
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.status).toBe(1);
    const csv = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe(
      "submission,status,checks passed,checks total,1. The four-step table,2. Rejected commands leave no trace,3. Snapshots,4. Properties over random histories,message",
    );
    expect(csv).toHaveLength(1 + 5 + TAMPERS.length);
    expect(csv.find((row) => row.startsWith("solution,"))).toBe(
      "solution,pass,21,21,5 of 5,9 of 9,4 of 4,3 of 3,",
    );
  });

  it("passes the solution, with results.json, junit.xml and a summary naming ignored files", () => {
    const results = resultsIn(join(out, "solution"));
    expect(results.status).toBe("pass");
    expect(results.tests).toHaveLength(21);
    expect(results.tests[0]).toMatchObject({ status: "pass", task_id: 1 });
    expect(results.tests[0]?.test_code).toMatch(/expect\(/);
    const junit = readFileSync(join(out, "solution", "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(21);
    expect(junit).not.toMatch(/<failure/);
    const summary = readFileSync(join(out, "solution", "summary.txt"), "utf8");
    expect(summary).toMatch(/Ignored \(not editable in this lab\): account\.test\.ts/);
  });

  it("fails the starter on at least one check of every task", () => {
    const results = resultsIn(join(out, "starter"));
    expect(results.status).toBe("fail");
    for (const task of [1, 2, 3, 4]) {
      expect(
        results.tests.some((t) => t.task_id === task && t.status === "fail"),
        `task ${task}`,
      ).toBe(true);
    }
    expect(readFileSync(join(out, "starter", "junit.xml"), "utf8")).toMatch(/<failure message="/);
  });

  it("reports a syntax error, a type error and a missing export like a compiler", () => {
    expect(resultsIn(join(out, "compile-error"))).toMatchObject({
      status: "error",
      message: expect.stringMatching(
        /^The submission does not compile:\naccount\.ts:44:7: error TS1005: ':' expected\./,
      ),
    });
    expect(resultsIn(join(out, "type-error")).message).toMatch(
      /account\.ts:44:51: error TS2322: [\s\S]*Type 'string' is not assignable to type 'number'/,
    );
    expect(resultsIn(join(out, "missing-export")).message).toMatch(
      /account\.ts does not export "eventHandler" \(imported at checks\/handlers\.test\.ts:\d+:\d+\)/,
    );
  });

  it.each(TAMPERS)("grades the tamper attempt %s as a failure, saying why", (name) => {
    const results = resultsIn(join(out, `tamper-${name}`));
    expect(results.status).not.toBe("pass");
    expect(results.tests.filter((t) => t.status === "pass").length).toBeLessThan(21);
  });

  it("names the rule each refused tamper attempt broke, with file:line:col", () => {
    const message = (name: string) => resultsIn(join(out, `tamper-${name}`)).message ?? "";
    expect(message("exit-early")).toMatch(/account\.ts:2:1: "process" is not allowed/);
    expect(message("constructor-escape")).toMatch(
      /account\.ts:3:\d+: "constructor" is not allowed/,
    );
    expect(message("patch-object-is")).toMatch(/changing the built-in "Object" is not allowed/);
    expect(message("patch-prototype")).toMatch(/changing the built-in "Object" is not allowed/);
    expect(message("patch-expect")).toMatch(/"globalThis" is not allowed/);
    expect(message("forge-rpc")).toMatch(/"globalThis" is not allowed/);
    expect(message("write-results")).toMatch(/cannot import "node:fs"/);
    expect(message("read-solution")).toMatch(/cannot import "\.\.\/solution\/account"/);
    // Printing a fake report is allowed; it simply changes nothing.
    expect(resultsIn(join(out, "tamper-fake-reporter-output")).status).toBe("fail");
  });
});

describe("the run-time defences on their own (policy and type check skipped)", () => {
  let outcomes: Map<string, GradeOutcome>;

  beforeAll(async () => {
    const lab = loadLab("bank-account");
    outcomes = await gradeBatch(lab, join(FIXTURES, "tamper"), { skipStaticChecks: true, jobs: 2 });
  }, 180_000);

  it.each(TAMPERS)("%s still does not pass", (name) => {
    const outcome = outcomes.get(name);
    expect(outcome?.couldNotGrade).toBe(false);
    expect(outcome?.results.status).not.toBe("pass");
  });

  it("names what stopped each attempt", () => {
    const message = (name: string) => outcomes.get(name)?.results.message ?? "";
    expect(message("constructor-escape")).toMatch(
      /Building a function from a string is not allowed/,
    );
    expect(message("patch-object-is")).toMatch(/Cannot assign to read only property 'is'/);
    expect(message("patch-prototype")).toMatch(/not extensible/);
    expect(message("exit-early")).toMatch(/process\.exit unexpectedly called/);
    expect(message("read-solution")).toMatch(/Cannot find module '\.\.\/solution\/account'/);
    const output = outcomes
      .get("read-solution-fs")
      ?.results.tests.map((t) => t.output ?? "")
      .join("");
    expect(output).toMatch(/could not read the solution: ERR_ACCESS_DENIED/);
  });
});

describe("single submissions", () => {
  it("stops an infinite loop at the timeout and names the check that was running", () => {
    const out = join(work, "loop");
    const run = grade(
      "bank-account",
      join(FIXTURES, "cases/infinite-loop"),
      "--out",
      out,
      "--timeout",
      "3",
    );
    expect(run.status).toBe(1);
    const results = resultsIn(out);
    expect(results.status).toBe("error");
    expect(results.message).toMatch(
      /^Timed out after 3 s while running the check "1\. The four-step table > withdraw 30 → withdrew 30, balance 70"/,
    );
    // Every check is accounted for, as not run.
    expect(results.tests).toHaveLength(21);
    expect(run.seconds).toBeLessThan(30);
  }, 60_000);

  it("grades with hidden checks and exits 0 when they pass", () => {
    const out = join(work, "hidden");
    const run = grade(
      "bank-account",
      join(LAB, "solution"),
      "--out",
      out,
      "--checks",
      join(FIXTURES, "hidden-checks"),
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/1\. The four-step table: 2\/2 checks pass/);
    expect(resultsIn(out).tests.map((t) => t.name)).toEqual([
      "1. The four-step table > a deposit of exactly the limit is accepted",
      "1. The four-step table > a withdrawal lowers the balance by its amount",
      // Uses @runtime's ActorSystem, Persistence, VirtualScheduler and SeededRandom in the hardened worker.
      "2. Rejected commands leave no trace > random amounts sent all at once to an account on a virtual clock",
    ]);
  }, 60_000);

  it("exits 2 when it cannot grade: an unknown lab, a missing folder, a bad option", () => {
    const unknown = grade("no-such-lab", join(LAB, "solution"), "--out", join(work, "unknown"));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/No lab named "no-such-lab" \(labs: .*bank-account/);
    expect(resultsIn(join(work, "unknown")).status).toBe("error");
    const missing = grade(
      "bank-account",
      join(work, "nowhere"),
      "--out",
      join(work, "nowhere-out"),
    );
    expect(missing.status).toBe(2);
    expect(resultsIn(join(work, "nowhere-out")).message).toMatch(/does not exist/);
    expect(grade("bank-account", "x", "--timeout", "soon").status).toBe(2);
    expect(existsSync(join(REPO, "results.json"))).toBe(false);
  }, 60_000);
});

describe("CI and the browser agree", () => {
  let browser: V3Results;
  // @vitest/runner keeps its current test in module state: the nested run starts in a hook.
  beforeAll(async () => {
    ({ results: browser } = await runChecks({
      files: readLabFolder("bank-account", "starter"),
      checks: readLabFolder("bank-account", "checks"),
      runtime: await import("../runtime/index.ts"),
      fastCheck: await import("fast-check"),
    }));
  });

  it("the starter gets the same verdict per check from Vitest in CI and from the browser's runner", () => {
    const ci = resultsIn(join(work, "batch-out", "starter"));
    const verdicts = (r: V3Results) =>
      r.tests.map(({ name, status, task_id }) => ({ name, status, task_id }));
    expect(verdicts(ci)).toEqual(verdicts(browser));
  });
});
