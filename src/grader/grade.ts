import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { doesNotCompile } from "../labs/compile-message";
import { CHECK_TIMEOUT_MS, errorResults, type V3Results } from "../labs/results";
import type { ChildPlan } from "./child/protocol";
import { compileErrors } from "./compile-errors";
import { checkFiles, type Lab } from "./lab";
import { policyViolations } from "./policy";
import { LabTypeCheck } from "./program";
import { checksOf, type ExpectedCheck, hydrate, resultsOf } from "./report";
import { HARDEN, runVitestChild } from "./run-vitest";
import { runtimeBundle } from "./runtime-bundle";
import { createSandbox, NODE_MODULES, REPO_DIR, RUNTIME_ENTRY, type Sandbox } from "./sandbox";
import { readSubmission } from "./submission";

/**
 * Grades one submission folder against a lab: take the editable files, refuse what the policy
 * forbids, type-check like a compiler, then run the checks under real Vitest in a hardened child.
 */

export interface GradeOptions {
  /** Hidden checks to grade with instead of the lab's `checks/`. */
  checksDir?: string;
  /** Whole-run limit in seconds (default: the lab's `timeoutSeconds`). */
  timeoutSeconds?: number;
  /**
   * The checks, listed once for a batch (possibly still being listed); listed here when absent.
   * A listing that fails leaves the run without it, as when it is listed here.
   */
  expected?: readonly ExpectedCheck[] | Promise<readonly ExpectedCheck[]>;
  /** Heap cap of the worker that runs the learner's code, in MB. */
  memoryMb?: number;
  /**
   * Skip the policy and the type check. Only the tamper tests use this, to show that the run-time
   * defences hold on their own; the CLI always applies both.
   */
  skipStaticChecks?: boolean;
}

export interface GradeOutcome {
  results: V3Results;
  /** Files in the submission folder that are not the lab's editable files. */
  ignored: string[];
  /** True when the grader could not do its job (as opposed to the submission failing). */
  couldNotGrade: boolean;
}

export const DEFAULT_MEMORY_MB = 512;
/** How Vitest reports a worker that exited under it (out of memory, a signal). */
const WORKER_DIED = /Worker forks emitted error|Worker exited unexpectedly/;
/** Vitest's own per-test limit, which turns an asynchronous hang into a failed check. */
const TEST_TIMEOUT_MS = CHECK_TIMEOUT_MS;

export async function gradeSubmission(
  lab: Lab,
  submissionDir: string,
  options: GradeOptions = {},
): Promise<GradeOutcome> {
  const submission = readSubmission(lab, submissionDir);
  const ignored = submission.ignored;
  if (submission.missing.length > 0) {
    const message = `The submission has no ${submission.missing.join(", ")}. A submission folder holds the lab's editable files: ${lab.meta.editable.join(", ")}.`;
    return { results: errorResults(message), ignored, couldNotGrade: false };
  }
  const checks = checkFiles(options.checksDir ?? join(lab.dir, "checks"));
  if (!Object.keys(checks).some((name) => name.endsWith(".test.ts"))) {
    const where = options.checksDir ?? join(lab.dir, "checks");
    return {
      results: errorResults(`No *.test.ts checks in ${where}.`),
      ignored,
      couldNotGrade: true,
    };
  }

  const sandbox = createSandbox(lab, submission.files, checks);
  try {
    const static_ = options.skipStaticChecks ? undefined : staticProblems(lab, sandbox, checks);
    if (static_) return { results: errorResults(static_), ignored, couldNotGrade: false };

    const timeoutMs = (options.timeoutSeconds ?? lab.meta.timeoutSeconds) * 1000;
    const [expected, outcome] = await Promise.all([
      Promise.resolve(options.expected ?? listChecks(lab, checks)).catch(() => undefined),
      runVitestChild(planFor("run", sandbox, options), timeoutMs),
    ]);
    const results = resultsOf(outcome, {
      sourceOf: (path) => checks[displayPath(sandbox, path)],
      displayPath: (path) => displayPath(sandbox, path),
      expected,
    });
    if (
      outcome.kind === "done" &&
      outcome.unhandled.some((e) => WORKER_DIED.test(e.message ?? ""))
    ) {
      results.status = "error";
      results.message = `The worker running the submission's code died before the checks finished: it ran out of memory (${options.memoryMb ?? DEFAULT_MEMORY_MB} MB), was killed or crashed. Checks that did not report count as failed.`;
    }
    // A child that died mid-run (killed, out of memory, crashed) is the submission's result, an
    // error: only the grader's own faults (unknown lab, bad arguments) mean "could not grade".
    return { results, ignored, couldNotGrade: false };
  } finally {
    sandbox.dispose();
  }
}

/** One incremental type check per lab for the whole process (program.ts says why). */
const typeChecks = new Map<string, LabTypeCheck>();

function typeCheckOf(lab: Lab): LabTypeCheck {
  let check = typeChecks.get(lab.dir);
  if (!check) {
    // A folder that does not exist, inside the repository so that packages resolve as in a sandbox.
    const root = join(REPO_DIR, ".lab-typecheck", String(typeChecks.size + 1));
    check = new LabTypeCheck(root, RUNTIME_ENTRY);
    typeChecks.set(lab.dir, check);
  }
  return check;
}

/** Policy violations first (they say why code was refused), then compile errors. */
function staticProblems(
  lab: Lab,
  sandbox: Sandbox,
  checks: Readonly<Record<string, string>>,
): string | undefined {
  const program = typeCheckOf(lab).check(sandbox.labFiles, checks);
  const violations = policyViolations(program, {
    editable: lab.meta.editable,
    labFiles: lab.files,
    withheld: lab.meta.withheld,
  });
  if (violations.length > 0) {
    return `The submission uses what lab code may not:\n${violations.join("\n")}`;
  }
  const errors = compileErrors(program, [
    ...lab.meta.editable,
    ...lab.meta.readonly,
    ...Object.keys(checks),
  ]);
  if (errors.length > 0) return doesNotCompile(errors);
  return undefined;
}

/**
 * Lists the checks by collecting them against the lab's solution (its starter when it has
 * none): trusted files, in a sandbox of their own, so no submission can shorten the list.
 */
export async function listChecks(
  lab: Lab,
  checks: Readonly<Record<string, string>>,
): Promise<ExpectedCheck[]> {
  const files: Record<string, string> = {};
  for (const name of lab.meta.editable) {
    for (const folder of ["solution", "starter"]) {
      try {
        files[name] = readFileSync(join(lab.dir, folder, name), "utf8");
        break;
      } catch {
        // Try the next folder.
      }
    }
  }
  const sandbox = createSandbox(lab, files, checks);
  try {
    const outcome = await runVitestChild(planFor("collect", sandbox, {}), 60_000);
    if (outcome.kind !== "done") {
      const why =
        outcome.kind === "timeout"
          ? `no answer within ${outcome.limitMs / 1000} s${outcome.started ? "" : " (Vitest did not start)"}`
          : outcome.detail;
      throw new Error(`Could not list the checks of ${lab.slug}: ${why}`);
    }
    const collected = hydrate(outcome.files);
    if (collected.some((f) => f.result?.state === "fail")) {
      throw new Error(`The checks of ${lab.slug} do not load against its solution.`);
    }
    return checksOf(collected, (path) => displayPath(sandbox, path));
  } finally {
    sandbox.dispose();
  }
}

function planFor(mode: ChildPlan["mode"], sandbox: Sandbox, options: GradeOptions): ChildPlan {
  return {
    mode,
    root: sandbox.root,
    tmpDir: sandbox.tmpDir,
    labDir: sandbox.bridgeDir,
    runtimeEntry: runtimeBundle(),
    hardenFile: HARDEN,
    readable: [sandbox.root, NODE_MODULES, runtimeBundle()],
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    testTimeoutMs: TEST_TIMEOUT_MS,
  };
}

/** `checks/x.test.ts` for a path inside a sandbox. */
function displayPath(sandbox: Sandbox, path: string): string {
  return path.startsWith(`${sandbox.root}/`) ? path.slice(sandbox.root.length + 1) : path;
}

/** Submission folders of a batch: the sub-folders of `dir`, sorted. */
export function submissionFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
}
