import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../labs/runner/lockdown";
import type { V3Results } from "../labs/results";
import { runChecks } from "../labs/runner/core";
import { gradeBatch } from "./batch";
import type { GradeOutcome } from "./grade";
import { loadLab } from "./lab";
import { releaseVitestChildren } from "./run-vitest";

/**
 * The tamper corpus (fixtures/tamper/) and the unusual-but-correct submissions
 * (fixtures/correct/), graded the way a class would be:
 *
 * 1. `npm run grade -- <lab> --batch` with everything on: every attempt comes out not-pass, with
 *    a message that says what was refused, the CLI exits 1 (never 2), and nothing is written
 *    outside `--out`; the correct submissions pass, here and in the browser's runner.
 * 2. every attempt again with the static policy and the type check off, to show the run-time
 *    layers (SES compartment, frozen runtime, values compared as data, killed workers) hold on
 *    their own. This pass runs one check file per lab, where the attempts show, to keep it short.
 *
 * A fixture holds only the files it changes: it is laid over its lab's starter (a correct one
 * over the solution). Fixtures named `split-brain.*` belong to the split-brain lab; the others to
 * bank-account.
 */
const REPO = process.cwd();
const FIXTURES = join(REPO, "src/grader/fixtures");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const TAMPERS = readdirSync(join(FIXTURES, "tamper")).sort();
const CORRECT = readdirSync(join(FIXTURES, "correct")).sort();
const labOf = (name: string) => (name.startsWith("split-brain.") ? "split-brain" : "bank-account");
const BANK_TAMPERS = TAMPERS.filter((n) => labOf(n) === "bank-account");
const SPLIT_TAMPERS = TAMPERS.filter((n) => labOf(n) === "split-brain");

/**
 * The bank lab's checks read most values as plain numbers (`.balance`), so a matcher carried by a
 * returned object is often never handed to `expect` at all: the attempt then fails on the check's
 * own comparison, which shows the real value. Either way it must not pass.
 */
const OR_PLAIN_FAILURE = (refusal: RegExp) =>
  new RegExp(`${refusal.source}|expected .+ to (be|deeply equal) `);

/**
 * Attempts the static policy lets through (their code is legal), and what stops each at run time,
 * as its message says. Every other attempt is refused by the policy, naming file:line:col.
 */
const STOPPED_AT_RUN_TIME: Record<string, RegExp> = {
  "asymmetric-match": OR_PLAIN_FAILURE(/LabValueRefused: .*has an "asymmetricMatch" method/),
  "asymmetric-match-class": OR_PLAIN_FAILURE(/LabValueRefused: .*has an "asymmetricMatch" method/),
  "getter-trap": OR_PLAIN_FAILURE(/LabValueRefused: the value\.balance is a getter/),
  "to-primitive": /LabValueRefused: .*has a Symbol\.toPrimitive method/,
  "tostringtag-spoof": OR_PLAIN_FAILURE(/LabValueRefused: .*claims to be a Number/),
  "pollute-via-getprototypeof": /Cannot add property asymmetricMatch, object is not extensible/,
  "patch-promise-via-value": /Cannot assign to read only property 'then'/,
  "patch-runtime-instance-prototype": /Cannot assign to read only property 'thenReply'/,
  "patch-runtime-ref-instance": /Cannot assign to read only property 'tell'/,
  "reflect-constructor-chain": /Function\.prototype\.constructor is not a valid constructor/,
  "async-function-constructor": /Function\.prototype\.constructor is not a valid constructor/,
  "generator-function-constructor": /Function\.prototype\.constructor is not a valid constructor/,
  "heap-bomb": /The worker running the submission's code died .*out of memory/,
  "console-flood": /… output truncated|lab code printed more than 2000 lines; the rest is dropped/,
  "constructor-escape": /Function\.prototype\.constructor is not a valid constructor/,
  "split-brain.namespace-decide": /@runtime's "decide" is withheld in this lab/,
  "asymmetric-match-deep":
    /LabValueRefused: the value(\.balance has an "asymmetricMatch"| holds more than 100000 objects)/,
  "callee-caller": /'caller', 'callee', and 'arguments' properties may not be accessed/,
  "hostile-thrown-error": /<unserializable>: message unavailable/,
  "expected-side-matcher": /LabValueRefused: the value has an "asymmetricMatch" method/,
};
/**
 * Allowed attempts that reach for nothing at all (they print what a pass looks like): they get
 * exactly the starter's verdicts, and their printout stays in the per-check output.
 */
const NO_EFFECT = ["fake-reporter-output", "forge-start-mark"];

/**
 * With the policy off, what stops each attempt that the policy refuses. An attempt not listed
 * here reaches for a name the compartment does not have (`globalThis.chai`, Vitest's matchers,
 * its RPC, the loader's slot on the host's global object): it finds nothing and gets exactly the
 * starter's verdicts, which the test checks.
 */
const STOPPED_WITHOUT_POLICY: Record<string, RegExp> = {
  ...STOPPED_AT_RUN_TIME,
  "ambient-process-exit": /Cannot read properties of undefined \(reading 'exit'\)/,
  "exit-early": /Cannot read properties of undefined \(reading 'exit'\)/,
  "indirect-eval": /Cannot read properties of undefined \(reading 'exit'\)/,
  "kill-parent": /Cannot read properties of undefined \(reading 'kill'\)/,
  "signal-self": /Cannot read properties of undefined \(reading 'kill'\)/,
  "new-function-global": /Cannot read properties of undefined \(reading 'process'\)/,
  "ambient-require-fs": /cannot import "node:fs": a lab file may import only/,
  "read-solution-fs": /cannot import "node:fs": a lab file may import only/,
  "write-results": /cannot import "node:fs": a lab file may import only/,
  "read-solution": /cannot find "\.\.\/solution\/account" among the lab's files/,
  "ambient-vitest-hooks": /afterEach is not a function/,
  "ssr-dynamic-import": /__vite_ssr_dynamic_import__ is not a function/,
  "atomics-wait": /Cannot read properties of undefined \(reading 'wait'\)/,
  webassembly: /Cannot read properties of undefined \(reading 'compile'\)/,
  "compartment-globals": /Compartment is not a constructor/,
  "import-meta": /Cannot use 'import\.meta' outside a module/,
  "top-level-await-forever": /await is only valid in async functions/,
  "patch-timers": /setTimeout is not defined/,
  "patch-object-is": /Cannot assign to read only property 'is'/,
  "patch-prototype": /object is not extensible/,
  "patch-promise": /Cannot assign to read only property 'then'/,
  "patch-date-math": /Cannot assign to read only property 'now'/,
  "pollute-object-prototype": /Cannot add property asymmetricMatch, object is not extensible/,
  "patch-runtime-prototype": /Cannot assign to read only property 'withRetention'/,
  "patch-runtime-static": /Cannot assign to read only property 'none'/,
  "proxy-trap": /Proxy is not a constructor/,
  "split-brain.use-decide": /@runtime's "decide" is withheld in this lab/,
};

/** Each lab's check file where the attempts show, for the pass without the policy. */
const ONE_CHECK_FILE = {
  "bank-account": "handlers.test.ts",
  "split-brain": "2-majority.test.ts",
} as const;

const work = mkdtempSync(join(tmpdir(), "tamper-test-"));
const SLOW = ["--timeout", "60"];

interface CliRun {
  status: number | null;
  stderr: string;
}

function grade(...args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, "src/grader/cli.ts", ...args], { cwd: REPO });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill("SIGTERM"), 400_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

/** A submission folder: the lab's starter (or solution) with the fixture's files laid over it. */
function submission(into: string, name: string, fixture: string, base: "starter" | "solution") {
  const lab = loadLab(labOf(name));
  const dir = join(into, name);
  mkdirSync(dir, { recursive: true });
  for (const file of lab.meta.editable) cpSync(join(lab.dir, base, file), join(dir, file));
  if (fixture) cpSync(fixture, dir, { recursive: true });
}

/** Every path under `dir`, relative, with its size: what was there before and after a run. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path, `${prefix}${name}/`);
      else out.push(`${prefix}${name} ${stat.size}`);
    }
  };
  walk(dir, "");
  return out;
}

const results = (out: string, name: string) =>
  JSON.parse(readFileSync(join(work, out, name, "results.json"), "utf8")) as V3Results;
/** Everything a person reads in a result: the message, each check's message and output. */
const said = (r: V3Results | undefined) =>
  [r?.message ?? "", ...(r?.tests ?? []).flatMap((t) => [t.message ?? "", t.output ?? ""])].join(
    "\n",
  );
const verdicts = (r: V3Results | undefined) =>
  r?.tests.map(({ name, status }) => ({ name, status }));

let bankRun: CliRun;
let splitRun: CliRun;
let before: { submissions: string[]; repo: string[]; tmp: boolean };
let withoutPolicy: Map<string, GradeOutcome>;
let splitWithoutPolicy: Map<string, GradeOutcome>;
let browser: Map<string, V3Results>;

beforeAll(async () => {
  const started = performance.now();
  const bank = join(work, "bank");
  const split = join(work, "split");
  for (const name of BANK_TAMPERS)
    submission(bank, name, join(FIXTURES, "tamper", name), "starter");
  for (const name of CORRECT)
    submission(bank, `correct-${name}`, join(FIXTURES, "correct", name), "solution");
  submission(bank, "starter", "", "starter");
  for (const name of SPLIT_TAMPERS)
    submission(split, name, join(FIXTURES, "tamper", name), "starter");

  // The same attempts, for the pass without the policy, with one check file per lab.
  const lone = join(work, "lone");
  const oneCheck = (lab: keyof typeof ONE_CHECK_FILE) => {
    const dir = join(work, `checks-${lab}`);
    mkdirSync(dir, { recursive: true });
    cpSync(join(REPO, "labs", lab, "checks", ONE_CHECK_FILE[lab]), join(dir, ONE_CHECK_FILE[lab]));
    return dir;
  };
  // Only the attempts the policy refuses: the others meet the run-time layers in the first pass.
  const refused = (name: string) => !(name in STOPPED_AT_RUN_TIME) && !NO_EFFECT.includes(name);
  for (const name of BANK_TAMPERS.filter(refused))
    submission(lone, name, join(FIXTURES, "tamper", name), "starter");
  submission(lone, "starter", "", "starter");
  const loneSplit = join(work, "lone-split");
  for (const name of SPLIT_TAMPERS.filter(refused))
    submission(loneSplit, name, join(FIXTURES, "tamper", name), "starter");
  submission(loneSplit, "split-brain.starter", "", "starter");

  before = {
    submissions: [...listing(bank), ...listing(split)],
    // The labs' own folders (a build may add files at the top of the repository meanwhile).
    repo: [...listing(join(REPO, "labs/bank-account")), ...listing(join(REPO, "labs/split-brain"))],
    tmp: existsSync(join(tmpdir(), "results.json")),
  };

  const bankLab = loadLab("bank-account");
  const splitLab = loadLab("split-brain");
  // Two phases of about two processes each, as the machine has two cores. The time limit is
  // generous: these runs share the machine with the rest of the suite, and the heap bomb and the
  // flood must end by themselves, not by the lab's own limit.
  [bankRun, splitRun] = await Promise.all([
    grade("bank-account", "--batch", bank, "--out", join(work, "out-bank"), "--jobs", "2", ...SLOW),
    grade(
      "split-brain",
      "--batch",
      split,
      "--out",
      join(work, "out-split"),
      "--jobs",
      "1",
      ...SLOW,
    ),
  ]);
  withoutPolicy = await gradeBatch(bankLab, lone, {
    skipStaticChecks: true,
    jobs: 2,
    checksDir: oneCheck("bank-account"),
    timeoutSeconds: 60,
  });
  splitWithoutPolicy = await gradeBatch(splitLab, loneSplit, {
    skipStaticChecks: true,
    jobs: 2,
    checksDir: oneCheck("split-brain"),
    timeoutSeconds: 60,
  });

  // The correct submissions in the browser's runner too.
  browser = new Map();
  const runtime = await import("../runtime/index.ts");
  const fastCheck = await import("fast-check");
  for (const name of CORRECT) {
    const files: Record<string, string> = {};
    for (const file of bankLab.meta.editable) {
      const own = join(FIXTURES, "correct", name, file);
      files[file] = readFileSync(
        existsSync(own) ? own : join(bankLab.dir, "solution", file),
        "utf8",
      );
    }
    const checks: Record<string, string> = {};
    for (const file of readdirSync(join(bankLab.dir, "checks")).sort())
      checks[`checks/${file}`] = readFileSync(join(bankLab.dir, "checks", file), "utf8");
    const { results: r } = await runChecks({
      files,
      checks,
      runtime,
      fastCheck,
      editable: bankLab.meta.editable,
    });
    browser.set(name, r);
  }
  // Reported for the record (CI time budget), not asserted: timed tests are not benchmarks.
  console.log(`tamper corpus graded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 900_000);

afterAll(async () => {
  await releaseVitestChildren();
  rmSync(work, { recursive: true, force: true });
});

describe("the tamper corpus", () => {
  it("holds at least 40 attempts, each only files its lab's learner edits, changed from the starter", () => {
    expect(TAMPERS.length).toBeGreaterThanOrEqual(40);
    for (const name of TAMPERS) {
      const lab = loadLab(labOf(name));
      const files = readdirSync(join(FIXTURES, "tamper", name));
      expect(files.length, name).toBeGreaterThan(0);
      for (const file of files) {
        expect(lab.meta.editable, `${name}/${file}`).toContain(file);
        expect(readFileSync(join(FIXTURES, "tamper", name, file), "utf8"), name).not.toBe(
          readFileSync(join(lab.dir, "starter", file), "utf8"),
        );
      }
    }
  });

  it("lists an expected run-time message for every attempt the policy lets through, and only those", () => {
    const allowed = TAMPERS.filter(
      (n) => !said(results(outOf(n), n)).startsWith("The submission uses what lab code may not:"),
    );
    expect(allowed.sort()).toEqual([...Object.keys(STOPPED_AT_RUN_TIME), ...NO_EFFECT].sort());
  });
});

const outOf = (name: string) => (labOf(name) === "split-brain" ? "out-split" : "out-bank");

describe("graded by the CLI with everything on", () => {
  it("exits 1 (some submissions fail), never 2, and says nothing went wrong", () => {
    expect(bankRun.status, bankRun.stderr).toBe(1);
    expect(splitRun.status, splitRun.stderr).toBe(1);
    expect(bankRun.stderr).not.toMatch(/Error:/);
  });

  it.each(TAMPERS)("%s does not pass, and its message says what was refused", (name) => {
    const r = results(outOf(name), name);
    expect(r.status).not.toBe("pass");
    const text = said(r);
    if (text.startsWith("The submission uses what lab code may not:")) {
      // The policy's refusal: rule, file, line and column.
      expect(text.split("\n")[1]).toMatch(/^(account|entity|downing)\.ts:\d+:\d+: .+/);
    } else if (NO_EFFECT.includes(name)) {
      expect(verdicts(r)).toEqual(verdicts(results("out-bank", "starter")));
    } else {
      expect(text).toMatch(STOPPED_AT_RUN_TIME[name] ?? /no expected message listed/);
    }
  });

  it("names the file, line and export when a submission uses a withheld @runtime export", () => {
    expect(said(results("out-split", "split-brain.use-decide"))).toMatch(
      /downing\.ts:2:10: @runtime's "decide" is withheld in this lab/,
    );
  });

  it("refuses ambient declarations and names the global they reach for", () => {
    const text = said(results("out-bank", "ambient-process-exit"));
    expect(text).toMatch(/account\.ts:2:1: ambient declarations \(`declare …`\) are not allowed/);
    expect(text).toMatch(/account\.ts:3:1: "process" is not allowed/);
  });

  it("writes nothing outside --out: the submissions, the repository and the temp folder are as they were", () => {
    const bank = join(work, "bank");
    const split = join(work, "split");
    expect([...listing(bank), ...listing(split)]).toEqual(before.submissions);
    expect([
      ...listing(join(REPO, "labs/bank-account")),
      ...listing(join(REPO, "labs/split-brain")),
    ]).toEqual(before.repo);
    expect(existsSync(join(REPO, "results.json"))).toBe(false);
    expect(existsSync(join(tmpdir(), "results.json"))).toBe(before.tmp);
    for (const name of BANK_TAMPERS) {
      // One output folder per submission, and in it only what the grader writes.
      expect(existsSync(join(work, "out-bank", name, "results.json")), name).toBe(true);
    }
  });

  it("keeps a flood of console output to a bounded size", () => {
    const size = statSync(join(work, "out-bank", "console-flood", "results.json")).size;
    expect(size).toBeLessThan(1_000_000);
  });
});

describe("the run-time layers on their own (policy and type check off)", () => {
  const outcome = (name: string) =>
    (labOf(name) === "split-brain" ? splitWithoutPolicy : withoutPolicy).get(name);
  const starterOf = (name: string) =>
    labOf(name) === "split-brain"
      ? splitWithoutPolicy.get("split-brain.starter")
      : withoutPolicy.get("starter");

  const REFUSED = TAMPERS.filter((n) => !(n in STOPPED_AT_RUN_TIME) && !NO_EFFECT.includes(n));
  it.each(REFUSED)("%s does not pass, and is an error or the starter's own verdicts", (name) => {
    const o = outcome(name);
    expect(o?.couldNotGrade).toBe(false);
    expect(o?.results.status).not.toBe("pass");
    const expected = STOPPED_WITHOUT_POLICY[name];
    if (expected) expect(said(o?.results)).toMatch(expected);
    // What it reached for was not there: nothing changed.
    else expect(verdicts(o?.results)).toEqual(verdicts(starterOf(name)?.results));
  });
});

describe("unusual but correct submissions", () => {
  it.each(CORRECT)("%s passes in CI, with the policy on", (name) => {
    const r = results("out-bank", `correct-${name}`);
    expect(r.message).toBeUndefined();
    expect(r.status).toBe("pass");
    expect(r.tests).toHaveLength(21);
  });

  it.each(CORRECT)("%s passes in the browser's runner", (name) => {
    expect(browser.get(name)?.status).toBe("pass");
  });
});
