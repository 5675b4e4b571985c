import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
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
import { type GradeOutcome, gradeSubmission, listChecks } from "./grade";
import { checkFiles, loadLab } from "./lab";
import { releaseVitestChildren } from "./run-vitest";

/**
 * `npm run grade` end to end, and every defence layer on its own. Grading is what costs time, so
 * each submission is graded once and every assertion reads the outputs of these runs:
 *
 * - one CLI batch of bank-account: solution, starter, broken submissions, every tamper attempt;
 * - the tamper attempts the static policy refused, again with the policy and type check off, in
 *   one batch in this process, and an infinite loop under a short time limit;
 * - one single-submission CLI run with hidden checks, one CLI batch of chat-threads, and three
 *   runs that cannot grade (they stop before any Vitest starts).
 *
 * Independent runs overlap, so that the cores are not left idle while one run starts.
 */
const REPO = process.cwd();
const BANK = join(REPO, "labs/bank-account");
const CHAT = join(REPO, "labs/chat-threads");
const FIXTURES = join(REPO, "src/grader/fixtures");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const TAMPERS = readdirSync(join(FIXTURES, "tamper")).sort();
const CASES = readdirSync(join(FIXTURES, "cases")).sort();
const BANK_EDITABLE = loadLab("bank-account").meta.editable;
/**
 * Tamper attempts the static policy lets through, because the code is legal: the first pass
 * already runs them against the run-time defences. Every other attempt is refused statically and
 * graded again without the policy (the first pass checks that this list is right).
 */
const ALLOWED_BY_POLICY = ["fake-reporter-output"];
const REFUSED_BY_POLICY = TAMPERS.filter((name) => !ALLOWED_BY_POLICY.includes(name));
/**
 * Short, as the loop spins a core until then; not so short that a loaded machine is still loading
 * the check files when it runs out, as the message must name the check that never returned.
 */
const LOOP_TIMEOUT_S = 5;
/**
 * Time limit of every other run. Nothing else here hangs, and a lab's own limit (8 s) is meant for
 * a machine that grades, not for one that also runs this test suite and more: a starter that
 * timed out under load would say nothing about the grader. The loop shows the limit works.
 */
const NO_HANG_TIMEOUT_S = "60";

const work = mkdtempSync(join(tmpdir(), "grader-test-"));
const out = (name: string) => join(work, `${name}-out`);

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run grade -- <args>`, as a user runs it. */
function grade(...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, "src/grader/cli.ts", ...args], { cwd: REPO });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // SIGTERM, so that the grader ends its Vitest children on the way out.
    const timer = setTimeout(() => child.kill("SIGTERM"), 240_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function resultsIn(dir: string): V3Results {
  return JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as V3Results;
}

/** A folder of submissions: each entry is a name and the folder to copy. */
function submissions(name: string, entries: [string, string][]): string {
  const dir = join(work, name);
  for (const [submission, from] of entries) {
    cpSync(from, join(dir, submission), { recursive: true });
  }
  return dir;
}

/**
 * A fixture holds only the bank-account files it changes. It becomes a submission here: the
 * starter's editable files, with the fixture's laid over them, in a folder of the test's own.
 */
function fixture(path: string): string {
  const dir = join(work, "fixtures", path);
  mkdirSync(dir, { recursive: true });
  for (const name of BANK_EDITABLE) cpSync(join(BANK, "starter", name), join(dir, name));
  cpSync(join(FIXTURES, path), dir, { recursive: true });
  return dir;
}

let bankBatch: CliRun;
let hiddenRun: CliRun;
let chatBatch: CliRun;
let cannotGrade: { unknownLab: CliRun; missingFolder: CliRun; badOption: CliRun };
let runtimeOnly: Map<string, GradeOutcome>;
let infiniteLoop: { outcome: GradeOutcome; seconds: number };
let browser: V3Results;

beforeAll(async () => {
  const bank = submissions("bank", [
    ["solution", join(BANK, "solution")],
    ["starter", join(BANK, "starter")],
    ...["compile-error", "type-error", "missing-export"].map((name): [string, string] => [
      name,
      fixture(`cases/${name}`),
    ]),
    ...TAMPERS.map((name): [string, string] => [`tamper-${name}`, fixture(`tamper/${name}`)]),
  ]);
  // A learner's own test travels with the submission; the grader must ignore it and say so.
  writeFileSync(join(bank, "solution", "account.test.ts"), 'it("passes", () => {});\n');
  const chat = submissions("chat", [
    ["solution", join(CHAT, "solution")],
    ["starter", join(CHAT, "starter")],
  ]);
  // Read-only files come from the lab: were these used, the solution could not even load.
  for (const name of ["service.ts", "protocol.ts"]) {
    writeFileSync(
      join(chat, "solution", name),
      `throw new Error("the submission's own ${name} was loaded");\nexport {};\n`,
    );
  }
  const refused = submissions(
    "refused",
    REFUSED_BY_POLICY.map((name) => [name, fixture(`tamper/${name}`)]),
  );
  mkdirSync(out("unknown"));

  // Phase 1, as much at once as two cores can take: the CLI runs of bank-account (each a process
  // of its own), and in this process the browser's runner and the listing of the checks.
  const lab = loadLab("bank-account");
  const expected = listChecks(lab, checkFiles(join(BANK, "checks")));
  expected.catch(() => undefined); // awaited in phase 2, which fails if this did
  let unknownLab: CliRun;
  let missingFolder: CliRun;
  let badOption: CliRun;
  [bankBatch, hiddenRun, unknownLab, missingFolder, badOption, browser] = await Promise.all([
    grade(
      "bank-account",
      "--batch",
      bank,
      "--out",
      out("bank"),
      "--jobs",
      "2",
      "--timeout",
      NO_HANG_TIMEOUT_S,
    ),
    grade(
      "bank-account",
      join(BANK, "solution"),
      "--out",
      out("hidden"),
      "--checks",
      join(FIXTURES, "hidden-checks"),
      "--timeout",
      NO_HANG_TIMEOUT_S,
    ),
    grade("no-such-lab", join(BANK, "solution"), "--out", out("unknown")),
    grade("bank-account", join(work, "nowhere"), "--out", out("nowhere")),
    grade("bank-account", "x", "--timeout", "soon"),
    // The browser's runner: the CI verdicts are compared with it below.
    (async () => {
      const { results } = await runChecks({
        files: readLabFolder("bank-account", "starter"),
        checks: readLabFolder("bank-account", "checks"),
        runtime: await import("../runtime/index.ts"),
        fastCheck: await import("fast-check"),
      });
      return results;
    })(),
  ]);
  cannotGrade = { unknownLab, missingFolder, badOption };

  // Phase 2: the chat-threads batch, and in this process the run-time defences on their own.
  [runtimeOnly, chatBatch] = await Promise.all([
    gradeBatch(lab, refused, {
      skipStaticChecks: true,
      jobs: 2,
      expected,
      timeoutSeconds: Number(NO_HANG_TIMEOUT_S),
    }),
    grade(
      "chat-threads",
      "--batch",
      chat,
      "--out",
      out("chat"),
      "--jobs",
      "1",
      "--timeout",
      NO_HANG_TIMEOUT_S,
    ),
  ]);

  // Phase 3: the loop, alone, so that its short time limit is spent in the loop, not on loading.
  const started = performance.now();
  const outcome = await gradeSubmission(lab, fixture("cases/infinite-loop"), {
    skipStaticChecks: true,
    timeoutSeconds: LOOP_TIMEOUT_S,
    expected,
  });
  infiniteLoop = { outcome, seconds: (performance.now() - started) / 1000 };
}, 300_000);

afterAll(async () => {
  await releaseVitestChildren();
  rmSync(work, { recursive: true, force: true });
});

describe("the fixtures", () => {
  it.each([...CASES.map((n) => `cases/${n}`), ...TAMPERS.map((n) => `tamper/${n}`)])(
    "%s holds only editable files it changes from the starter",
    (path) => {
      const names = readdirSync(join(FIXTURES, path)).sort();
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        expect(BANK_EDITABLE, `${path}/${name}`).toContain(name);
        expect(readFileSync(join(FIXTURES, path, name), "utf8"), `${path}/${name}`).not.toBe(
          readFileSync(join(BANK, "starter", name), "utf8"),
        );
      }
    },
  );
});

describe("a batch of bank-account submissions graded by the CLI", () => {
  const bank = (name: string) => resultsIn(join(out("bank"), name));

  it("exits 1 because some submissions fail, and writes one row per submission", () => {
    expect(bankBatch.stderr).not.toMatch(/Error:/);
    expect(bankBatch.status, bankBatch.stderr).toBe(1);
    const csv = readFileSync(join(out("bank"), "gradebook.csv"), "utf8")
      .trim()
      .split("\n");
    expect(csv[0]).toBe(
      "student,submission,status,1. The four-step table (5),2. Rejected commands leave no trace (9),3. Snapshots (4),4. Properties over random histories (3),total (21),message",
    );
    expect(csv).toHaveLength(1 + 5 + TAMPERS.length);
    expect(csv.find((row) => row.startsWith("solution,"))).toBe(
      "solution,solution,pass,5,9,4,3,21,",
    );
  });

  it("passes the solution, with results.json, junit.xml and a summary naming ignored files", () => {
    const results = bank("solution");
    expect(results.status).toBe("pass");
    expect(results.tests).toHaveLength(21);
    expect(results.tests[0]).toMatchObject({ status: "pass", task_id: 1 });
    expect(results.tests[0]?.test_code).toMatch(/expect\(/);
    const junit = readFileSync(join(out("bank"), "solution", "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(21);
    expect(junit).not.toMatch(/<failure/);
    const summary = readFileSync(join(out("bank"), "solution", "summary.txt"), "utf8");
    expect(summary).toMatch(/Ignored \(not editable in this lab\): account\.test\.ts/);
  });

  it("fails the starter on at least one check of every task", () => {
    const results = bank("starter");
    expect(results.status).toBe("fail");
    for (const task of [1, 2, 3, 4]) {
      expect(
        results.tests.some((t) => t.task_id === task && t.status === "fail"),
        `task ${task}`,
      ).toBe(true);
    }
    expect(readFileSync(join(out("bank"), "starter", "junit.xml"), "utf8")).toMatch(
      /<failure message="/,
    );
  });

  it("reports a syntax error, a type error and a missing export like a compiler", () => {
    expect(bank("compile-error")).toMatchObject({
      status: "error",
      message: expect.stringMatching(
        /^The submission does not compile:\naccount\.ts:44:7: error TS1005: ':' expected\./,
      ),
    });
    expect(bank("type-error").message).toMatch(
      /account\.ts:44:51: error TS2322: [\s\S]*Type 'string' is not assignable to type 'number'/,
    );
    expect(bank("missing-export").message).toMatch(
      /account\.ts does not export "eventHandler" \(imported at checks\/handlers\.test\.ts:\d+:\d+\)/,
    );
  });

  it.each(TAMPERS)("grades the tamper attempt %s as a failure", (name) => {
    const results = bank(`tamper-${name}`);
    expect(results.status).not.toBe("pass");
    expect(results.tests.filter((t) => t.status === "pass").length).toBeLessThan(21);
  });

  it("refuses every tamper attempt but one before it runs, naming the rule and file:line:col", () => {
    const refusedStatically = TAMPERS.filter((name) =>
      bank(`tamper-${name}`).message?.startsWith("The submission uses what lab code may not:"),
    );
    expect(refusedStatically).toEqual(REFUSED_BY_POLICY);
    const message = (name: string) => bank(`tamper-${name}`).message ?? "";
    expect(message("exit-early")).toMatch(/account\.ts:2:1: "process" is not allowed/);
    expect(message("exit-mid-run")).toMatch(/account\.ts:\d+:\d+: "process" is not allowed/);
    expect(message("constructor-escape")).toMatch(
      /account\.ts:3:\d+: "constructor" is not allowed/,
    );
    expect(message("patch-object-is")).toMatch(/changing the built-in "Object" is not allowed/);
    expect(message("patch-prototype")).toMatch(/changing the built-in "Object" is not allowed/);
    expect(message("patch-expect")).toMatch(/"globalThis" is not allowed/);
    expect(message("forge-rpc")).toMatch(/"globalThis" is not allowed/);
    expect(message("write-results")).toMatch(/cannot import "node:fs"/);
    expect(message("read-solution-fs")).toMatch(/cannot import "node:fs"/);
    expect(message("read-solution")).toMatch(
      /account\.ts:\d+:\d+: cannot import "\.\.\/solution\/account"/,
    );
    expect(message("read-solution")).toMatch(
      /entity\.ts:\d+:\d+: cannot import "\.\.\/solution\/entity"/,
    );
  });

  it("runs the one attempt the policy allows, and a fake report printed on stdout changes nothing", () => {
    const results = bank("tamper-fake-reporter-output");
    expect(results.status).toBe("fail");
    expect(results.tests.map(({ name, status }) => ({ name, status }))).toEqual(
      bank("starter").tests.map(({ name, status }) => ({ name, status })),
    );
  });
});

describe("the run-time defences on their own (policy and type check skipped)", () => {
  it.each(REFUSED_BY_POLICY)("%s still does not pass", (name) => {
    const outcome = runtimeOnly.get(name);
    expect(outcome?.couldNotGrade).toBe(false);
    expect(outcome?.results.status).not.toBe("pass");
    expect(outcome?.results.tests).toHaveLength(21);
  });

  it("names what stopped each attempt", () => {
    const message = (name: string) => runtimeOnly.get(name)?.results.message ?? "";
    expect(message("constructor-escape")).toMatch(
      /Building a function from a string is not allowed/,
    );
    expect(message("patch-object-is")).toMatch(/Cannot assign to read only property 'is'/);
    expect(message("patch-prototype")).toMatch(/not extensible/);
    expect(message("exit-early")).toMatch(/process\.exit unexpectedly called/);
    expect(message("read-solution")).toMatch(
      /Cannot find module '\.\.\/solution\/(account|entity)'/,
    );
    const output = runtimeOnly
      .get("read-solution-fs")
      ?.results.tests.map((t) => t.output ?? "")
      .join("");
    expect(output).toMatch(/could not read the solution: ERR_ACCESS_DENIED/);
  });

  it("counts the checks a worker that exited mid-run never reported as not passed", () => {
    const results = runtimeOnly.get("exit-mid-run")?.results;
    expect(results?.status).toBe("error");
    // The worker ends in the second check (the third command); only the first may have passed.
    const [first, ...rest] = results?.tests ?? [];
    expect(first?.name).toBe(
      "1. The four-step table > deposit 100 → deposited 100, balance 100 (the starter's deposit already works)",
    );
    expect(rest.filter((t) => t.status === "pass")).toEqual([]);
    expect(rest.filter((t) => /did not (run|report)/.test(t.message ?? ""))).not.toEqual([]);
  });

  it("stops an infinite loop at the timeout and names the check that was running", () => {
    const results = infiniteLoop.outcome.results;
    expect(results.status).toBe("error");
    expect(results.message).toMatch(
      /^Timed out after 5 s while running the check "1\. The four-step table > withdraw 30 → withdrew 30, balance 70"/,
    );
    // Every check is accounted for, as not run.
    expect(results.tests).toHaveLength(21);
    // Without the hard kill the run would never end; with it, the grader moves on.
    expect(infiniteLoop.seconds).toBeLessThan(60);
  });
});

describe("single submissions", () => {
  it("grades with hidden checks and exits 0 when they pass", () => {
    expect(hiddenRun.status).toBe(0);
    expect(hiddenRun.stdout).toMatch(/1\. The four-step table: 2\/2 checks pass/);
    expect(resultsIn(out("hidden")).tests.map((t) => t.name)).toEqual([
      "1. The four-step table > a deposit of exactly the limit is accepted",
      "1. The four-step table > a withdrawal lowers the balance by its amount",
      // Uses @runtime's ActorSystem, Persistence, VirtualScheduler and SeededRandom in the hardened worker.
      "2. Rejected commands leave no trace > random amounts sent all at once to an account on a virtual clock",
    ]);
  });

  it("exits 2 when it cannot grade: an unknown lab, a missing folder, a bad option", () => {
    const { unknownLab, missingFolder, badOption } = cannotGrade;
    expect(unknownLab.status).toBe(2);
    expect(unknownLab.stderr).toMatch(/No lab named "no-such-lab" \(labs: .*bank-account/);
    expect(resultsIn(out("unknown")).status).toBe("error");
    expect(missingFolder.status).toBe(2);
    expect(resultsIn(out("nowhere")).message).toMatch(/does not exist/);
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/--timeout must be a positive number/);
    expect(existsSync(join(REPO, "results.json"))).toBe(false);
  });
});

describe("a batch of chat-threads submissions graded by the CLI", () => {
  const chat = (name: string) => resultsIn(join(out("chat"), name));

  it("passes the solution with the lab's read-only files, whatever the submission holds", () => {
    expect(chatBatch.status).toBe(1);
    expect(chat("solution")).toMatchObject({ status: "pass" });
    expect(chat("solution").tests).toHaveLength(21);
    expect(readFileSync(join(out("chat"), "solution", "summary.txt"), "utf8")).toMatch(
      /Ignored \(not editable in this lab\): protocol\.ts, service\.ts/,
    );
  });

  it("fails the starter on at least one check of every task", () => {
    const results = chat("starter");
    expect(results.status).toBe("fail");
    for (const task of [1, 2, 3, 4]) {
      expect(
        results.tests.some((t) => t.task_id === task && t.status === "fail"),
        `task ${task}`,
      ).toBe(true);
    }
  });
});

describe("CI and the browser agree", () => {
  it("the starter gets the same verdict per check from Vitest in CI and from the browser's runner", () => {
    const ci = resultsIn(join(out("bank"), "starter"));
    const verdicts = (r: V3Results) =>
      r.tests.map(({ name, status, task_id }) => ({ name, status, task_id }));
    expect(verdicts(ci)).toEqual(verdicts(browser));
  });
});
