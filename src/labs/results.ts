import type { File, Suite, Task, Test } from "@vitest/runner";

/**
 * Exercism's test-runner interface, version 3: the one results shape that the browser runner and
 * the CI grader both write, so a learner sees the same verdict in both places.
 * https://exercism.org/docs/building/tooling/test-runners/interface
 */
export type V3Status = "pass" | "fail" | "error";

export interface V3TestResult {
  /** Suite names and the test name, joined with " > ", e.g. `1. The four steps > deposit 100`. */
  name: string;
  /** The body of the test as written in the check file, so the learner can read what it does. */
  test_code: string;
  status: V3Status;
  message?: string;
  /** Console output of the learner's code during this test (truncated to {@link OUTPUT_LIMIT}). */
  output?: string;
  /** The task this test belongs to: the number that starts its top-level `describe`. */
  task_id?: number;
}

export interface V3Results {
  version: 3;
  status: V3Status;
  /** Set when `status` is "error": why the checks could not run to the end. */
  message?: string;
  tests: V3TestResult[];
}

/**
 * How long one check may run, in the browser and in CI alike: past it, an asynchronous check
 * fails with a timeout (a synchronous loop needs the whole run's hard stop).
 */
export const CHECK_TIMEOUT_MS = 5_000;

/** Exercism caps `output` at 500 characters; longer output is cut with a note. */
export const OUTPUT_LIMIT = 500;

/** `describe("2. Rejections", …)` → 2. Suites without a leading number belong to no task. */
export function taskIdOf(suiteName: string): number | undefined {
  const match = /^\s*(\d+)\s*[.)]/.exec(suiteName);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function truncateOutput(output: string): string | undefined {
  if (output.length === 0) return undefined;
  if (output.length <= OUTPUT_LIMIT) return output;
  const note = "\n… output truncated";
  return output.slice(0, OUTPUT_LIMIT - note.length) + note;
}

// ANSI colour codes leak into diffs when Vitest runs on a colour terminal; results are plain text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC byte is the point
const ANSI = /\u001b\[[0-9;]*m/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The error shape @vitest/runner stores on a failed task (after `processError`). */
interface TaskError {
  message?: string;
  name?: string;
  diff?: string;
  stack?: string;
}

/**
 * The first stack frame in a lab file or a check (`account.ts:12:5`), if any. The browser runner
 * names the learner's modules `lab:///<file>` (src/labs/runner/loader.ts) and keeps their line
 * numbers; frames of the runner's own bundles are never shown.
 */
export function labLocation(error: unknown): string | undefined {
  return frames(error)[0];
}

/**
 * The first stack frame in one of the learner's or the lab's files (`account.ts:14:11`), never a
 * check's: where the learner's code threw, or called what threw. Both runners map the frame
 * through the file's source map first (src/labs/runner/loader.ts `mapStack`).
 */
export function learnerLocation(error: unknown): string | undefined {
  return frames(error).find((where) => !where.startsWith("checks/"));
}

/** `file:line:col` of each lab frame, a copy (`cart.ts?copy=node-1`) named by its file. */
function frames(error: unknown): string[] {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== "string") return [];
  return [...stack.matchAll(/lab:\/\/\/([^\s():?]+)(?:\?copy=[\w-]+)?:(\d+):(\d+)/g)].map((m) =>
    m.slice(1, 4).join(":"),
  );
}

/** Message plus diff, the way a learner should read a failed expectation. */
export function describeErrors(errors: readonly TaskError[] | undefined): string {
  if (!errors || errors.length === 0) return "failed without an error message";
  return errors
    .map((e) => {
      const head =
        e.name && !["AssertionError", "Error", "LabCompileError"].includes(e.name)
          ? `${e.name}: `
          : "";
      let message = stripAnsi(`${head}${e.message ?? ""}`).trim();
      // An exception (not a failed expectation) names the learner's line that threw it.
      const where = e.name === "AssertionError" ? undefined : learnerLocation(e);
      if (where) message = message.replace(/^[^\n]*/, (first) => `${first} (at ${where})`);
      const diff = e.diff ? stripAnsi(e.diff).trim() : "";
      return diff ? `${message}\n\n${diff}` : message;
    })
    .join("\n\n");
}

export interface BuildOptions {
  /** Source of a check file, by the filepath the runner used; enables `test_code`. */
  sourceOf?: (filepath: string) => string | undefined;
  /** Captured console output of a test, by task id. */
  outputOf?: (testId: string) => string | undefined;
  /** How to show a check file's path in messages (default: as given). */
  displayPath?: (filepath: string) => string;
}

/**
 * Builds v3 results from the file tasks @vitest/runner produced: the browser gets them from
 * `startTests`, the grader from a Vitest reporter (`testModule.task`). Tests keep file order.
 *
 * @example
 * const files = await startTests(["checks/account.test.ts"], runner);
 * const results = buildResults(files, { sourceOf: (p) => checks[p] });
 */
export function buildResults(files: readonly File[], options: BuildOptions = {}): V3Results {
  const display = options.displayPath ?? ((p: string) => p);
  const tests: V3TestResult[] = [];
  const fileErrors: string[] = [];

  for (const file of files) {
    const source = options.sourceOf?.(file.filepath);
    const codeFinder = source === undefined ? undefined : new TestCodeFinder(source);
    // A file that failed to import or collect has errors on the file task itself.
    if (file.result?.state === "fail" && file.result.errors?.length) {
      fileErrors.push(`${display(file.filepath)}: ${describeErrors(file.result.errors)}`);
    }
    for (const test of testsInOrder(file)) {
      tests.push(toV3Test(test, codeFinder, options.outputOf));
    }
  }

  if (fileErrors.length > 0) {
    return { version: 3, status: "error", message: fileErrors.join("\n\n"), tests };
  }
  if (tests.length === 0) {
    return { version: 3, status: "error", message: "No checks were found.", tests };
  }
  const status: V3Status = tests.every((t) => t.status === "pass") ? "pass" : "fail";
  return { version: 3, status, tests };
}

/** A run that could not start or finish: compile errors, crashes, timeouts. */
export function errorResults(message: string, tests: V3TestResult[] = []): V3Results {
  return { version: 3, status: "error", message, tests };
}

function* testsInOrder(suite: Suite): Generator<Test> {
  for (const task of suite.tasks) {
    if (task.type === "test") yield task;
    else if (task.type === "suite") yield* testsInOrder(task);
  }
}

/** The chain of suite names above a test, outermost first, without the file. */
export function suitePath(task: Task): string[] {
  const names: string[] = [];
  let suite: Suite | undefined = task.suite;
  while (suite && suite.type === "suite" && suite !== task.file) {
    names.unshift(suite.name);
    suite = suite.suite;
  }
  return names;
}

export function fullTestName(task: Task): string {
  return [...suitePath(task), task.name].join(" > ");
}

function toV3Test(
  test: Test,
  codeFinder: TestCodeFinder | undefined,
  outputOf: BuildOptions["outputOf"],
): V3TestResult {
  const path = suitePath(test);
  const top = path[0];
  const result: V3TestResult = {
    name: [...path, test.name].join(" > "),
    test_code: codeFinder?.next(test.name) ?? "",
    status: "error",
  };
  const state = test.result?.state;
  if (state === "pass") {
    result.status = "pass";
  } else if (state === "fail") {
    result.status = "fail";
    result.message = describeErrors(test.result?.errors);
  } else {
    // Not run: a hook of an enclosing suite failed, or the test was skipped.
    const suiteErrors = enclosingSuiteErrors(test);
    result.status = "error";
    result.message = suiteErrors
      ? `Not run because a setup hook failed: ${suiteErrors}`
      : "This check did not run.";
  }
  const output = outputOf?.(test.id);
  const truncated = output === undefined ? undefined : truncateOutput(output);
  if (truncated !== undefined) result.output = truncated;
  const taskId = top === undefined ? undefined : taskIdOf(top);
  if (taskId !== undefined) result.task_id = taskId;
  return result;
}

function enclosingSuiteErrors(task: Task): string | undefined {
  let suite: Suite | undefined = task.suite;
  while (suite) {
    if (suite.result?.errors?.length) return describeErrors(suite.result.errors);
    suite = suite.suite;
  }
  return undefined;
}

/**
 * Finds each test's body in the check file's source. Tests are reported in file order, so a
 * cursor that only moves forward tells apart tests that share a name in different suites.
 */
export class TestCodeFinder {
  private cursor = 0;
  constructor(private readonly source: string) {}

  next(testName: string): string | undefined {
    const call = /\b(?:it|test)(?:\.each\s*\([\s\S]*?\)\s*)?\(\s*(["'`])/g;
    call.lastIndex = this.cursor;
    for (let m = call.exec(this.source); m; m = call.exec(this.source)) {
      const quoteAt = m.index + m[0].length - 1;
      const literal = readStringLiteral(this.source, quoteAt);
      if (!literal) continue;
      const exact = literal.value === testName;
      if (!exact && !matchesEachTemplate(literal.value, testName)) continue;
      const body = functionBodyAfter(this.source, literal.end);
      if (body === undefined) continue;
      // `it.each` makes several tests from one call: stay on it for the next case.
      this.cursor = exact ? body.end : m.index;
      return dedent(body.text);
    }
    return undefined;
  }
}

/** `it.each` names: `an amount of %s` matches `an amount of -5`. */
function matchesEachTemplate(template: string, name: string): boolean {
  if (!/%[sdifjo#%]|\$\w/.test(template)) return false;
  const pattern = template
    .split(/(%[sdifjo#]|\$[\w.]+)/)
    .map((part, i) => (i % 2 === 1 ? ".*?" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`, "s").test(name);
}

function readStringLiteral(src: string, at: number): { value: string; end: number } | undefined {
  const quote = src[at];
  let value = "";
  for (let i = at + 1; i < src.length; i++) {
    const ch = src[i];
    if (ch === "\\") {
      const next = src[i + 1] ?? "";
      value += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i++;
    } else if (ch === quote) {
      return { value, end: i + 1 };
    } else if (quote === "`" && ch === "$" && src[i + 1] === "{") {
      return undefined; // interpolated names cannot be matched statically
    } else {
      value += ch;
    }
  }
  return undefined;
}

/** From `, () => {` or `, function () {`, the text between the body's braces. */
function functionBodyAfter(src: string, from: number): { text: string; end: number } | undefined {
  const open = src.indexOf("{", from);
  if (open < 0) return undefined;
  const arrowOrFn = src.slice(from, open);
  if (!/=>\s*$|function\s*\w*\s*\([^)]*\)\s*$/.test(arrowOrFn)) return undefined;
  const close = matchingBrace(src, open);
  if (close < 0) return undefined;
  return { text: src.slice(open + 1, close), end: close + 1 };
}

/** Index of the `}` closing the `{` at `open`, skipping strings, templates and comments. */
function matchingBrace(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const ch = src[i];
    if (ch === '"' || ch === "'" || ch === "`") {
      i = skipString(src, i);
    } else if (ch === "/" && src[i + 1] === "/") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
    } else if (ch === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 1;
    } else if (ch === "{") {
      depth++;
    } else if (ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function skipString(src: string, at: number): number {
  const quote = src[at];
  for (let i = at + 1; i < src.length; i++) {
    const ch = src[i];
    if (ch === "\\") i++;
    else if (ch === quote) return i;
    else if (quote === "`" && ch === "$" && src[i + 1] === "{") {
      const close = matchingBrace(src, i + 1);
      if (close < 0) return src.length;
      i = close;
    }
  }
  return src.length;
}

function dedent(text: string): string {
  const lines = text
    .replace(/^\s*\n/, "")
    .replace(/\s+$/, "")
    .split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}
