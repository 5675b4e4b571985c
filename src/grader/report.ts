import type { File, Task } from "@vitest/runner";
import {
  buildResults,
  describeErrors,
  errorResults,
  fullTestName,
  taskIdOf,
  type V3Results,
  type V3TestResult,
} from "../labs/results";
import type { WireError, WireTask } from "./child/protocol";
import type { ChildOutcome } from "./run-vitest";

/**
 * Turns what the Vitest child reported into v3 results, with the same `buildResults` the browser
 * uses. The verdict is the parent's: a check counts as passed only if the child's reporter said
 * so, and every check the lab defines must be accounted for, so a run that stops early, or a
 * worker that drops checks, fails rather than passes.
 */

/** A check the lab defines: its file and full name, as collected against trusted files. */
export interface ExpectedCheck {
  file: string;
  name: string;
}

/** Rebuilds @vitest/runner `File` tasks, parent links included, from the wire tree. */
export function hydrate(wire: readonly WireTask[]): File[] {
  return wire.map((fileWire) => {
    const file = { ...fileWire, tasks: [] } as unknown as File;
    (file as { file: File }).file = file;
    const attach = (parent: Task & { tasks: Task[] }, children: readonly WireTask[]) => {
      for (const child of children) {
        const task = { ...child, tasks: [], suite: parent, file } as unknown as Task & {
          tasks: Task[];
        };
        parent.tasks.push(task);
        if (child.tasks) attach(task, child.tasks);
      }
    };
    attach(file as unknown as Task & { tasks: Task[] }, fileWire.tasks ?? []);
    return file;
  });
}

/** The checks in a collected tree, in file order. */
export function checksOf(files: readonly File[], displayPath: (path: string) => string) {
  const found: ExpectedCheck[] = [];
  const walk = (task: Task) => {
    if (task.type === "test")
      found.push({ file: displayPath(task.file.filepath), name: fullTestName(task) });
    else if ("tasks" in task) for (const child of task.tasks) walk(child);
  };
  for (const file of files) for (const task of file.tasks) walk(task);
  return found;
}

export interface ReportContext {
  /** Source of a check file by its sandbox path, for `test_code`. */
  sourceOf(path: string): string | undefined;
  /** `checks/x.test.ts` for a sandbox path. */
  displayPath(path: string): string;
  /** Every check the lab defines; undefined when they could not be listed. */
  expected: readonly ExpectedCheck[] | undefined;
}

export function resultsOf(outcome: ChildOutcome, context: ReportContext): V3Results {
  if (outcome.kind === "timeout") {
    const where = outcome.running
      ? `while running the check "${outcome.running}"`
      : outcome.started
        ? "while loading the lab's files, before any check started (look for a loop at the top level of a file)"
        : "before Vitest could start";
    return errorResults(
      `Timed out after ${formatSeconds(outcome.limitMs)} ${where}. The run was stopped; an infinite loop is the usual cause.`,
      pending(context.expected, "Not run: the run was stopped by the timeout."),
    );
  }
  if (outcome.kind === "crashed") {
    return errorResults(`The checks could not run: ${outcome.detail}`);
  }
  const files = hydrate(outcome.files);
  const results = buildResults(files, {
    sourceOf: context.sourceOf,
    outputOf: (id) => outcome.outputs[id],
    displayPath: context.displayPath,
  });
  reconcile(results, files, context);
  if (outcome.unhandled.length > 0 && results.status !== "error") {
    results.status = "error";
    results.message = `Errors were thrown outside any check (for example from a timer):\n\n${describeErrors(
      outcome.unhandled.map(plain),
    )}`;
  }
  return results;
}

/** Adds every expected check the run did not report, as a failure. */
function reconcile(results: V3Results, files: readonly File[], context: ReportContext): void {
  if (!context.expected) return;
  const reported = new Set(checksOf(files, context.displayPath).map(key));
  const missing = context.expected.filter((check) => !reported.has(key(check)));
  if (missing.length === 0) return;
  results.tests.push(
    ...pending(missing, "This check did not report a result: the run ended before it finished."),
  );
  if (results.status === "pass") results.status = "fail";
}

function pending(checks: readonly ExpectedCheck[] | undefined, message: string): V3TestResult[] {
  return (checks ?? []).map((check) => {
    const test: V3TestResult = { name: check.name, test_code: "", status: "fail", message };
    const task = taskIdOf(check.name);
    if (task !== undefined) test.task_id = task;
    return test;
  });
}

const key = (check: ExpectedCheck) => `${check.file}\u0000${check.name}`;

function plain(e: WireError): { name?: string; message?: string; diff?: string } {
  return { name: e.name, message: e.message, diff: e.diff };
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
