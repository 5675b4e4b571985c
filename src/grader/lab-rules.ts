import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { evaluate, mdxToJs } from "satteri";
import ts from "typescript";
import { taskIdOf, type V3Results } from "../labs/results";
import { runChecks } from "../labs/runner/core";
import { gradeSubmission, listChecks } from "./grade";
import { checkFiles, type Lab, LabError, loadLab } from "./lab";
import type { ExpectedCheck } from "./report";

/**
 * The rules every lab must follow, so that it builds, runs and grades the same everywhere. Each
 * problem names the lab, the file and the rule, and says what to change.
 */
export interface LabProblem {
  lab: string;
  /** Path inside the lab folder, such as `checks/account.test.ts`. */
  file: string;
  rule:
    | "schema"
    | "files"
    | "checks"
    | "tasks"
    | "instructions"
    | "solution-passes"
    | "starter-fails"
    | "mutants"
    | "alternatives";
  message: string;
}

/** Components a lab's instructions may use (src/pages/labs/[slug].astro provides them). */
export const INSTRUCTION_COMPONENTS = ["Hint", "SlideLink"] as const;

export interface CheckLabOptions {
  /**
   * Run every check against each mutant, not only the check files of the tasks it must fail:
   * slower, and it shows every task a mutant fails (check-labs' `--every-check`).
   */
  everyCheck?: boolean;
}

export async function checkLab(dir: string, options: CheckLabOptions = {}): Promise<LabProblem[]> {
  const slug = dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  let lab: Lab;
  try {
    lab = loadLab(dir);
  } catch (e) {
    const message = e instanceof LabError ? e.message.replace(/^[^:]*lab\.json: /, "") : String(e);
    return [{ lab: slug, file: "lab.json", rule: "schema", message }];
  }
  const problems: LabProblem[] = [];
  const add = (file: string, rule: LabProblem["rule"], message: string) =>
    problems.push({ lab: lab.slug, file, rule, message });

  checkFileLayout(lab, add);
  const checks = existsSync(join(lab.dir, "checks")) ? checkFiles(join(lab.dir, "checks")) : {};
  if (!Object.keys(checks).some((name) => name.endsWith(".test.ts"))) {
    add("checks/", "checks", "there are no checks: add at least one checks/<name>.test.ts");
  }
  const headings = taskHeadings(lab, add);
  for (const task of Object.keys(lab.meta.points ?? {})) {
    if (headings.size > 0 && !headings.has(Number(task))) {
      add(
        "lab.json",
        "tasks",
        `points gives task ${task} points, but instructions.mdx has no "## ${task}. …" heading`,
      );
    }
  }
  for (const [name, source] of Object.entries(checks)) {
    if (name.endsWith(".test.ts")) checkTaskMapping(name, source, headings, add);
  }
  for (const [number, title] of headings) {
    const covered = Object.entries(checks).some(([, source]) =>
      topLevelDescribes(source).some((d) => d.title !== undefined && taskIdOf(d.title) === number),
    );
    if (!covered) {
      add(
        "instructions.mdx",
        "tasks",
        `task "${number}. ${title}" has no checks: add describe("${number}. ${title}", …) to a check file`,
      );
    }
  }
  await checkInstructions(lab, add);
  if (problems.length > 0) return problems; // Running checks against a broken lab says nothing new.

  const variants = readVariants(lab, headings, add);
  if (!lab.meta.draft) requireVariants(headings, variants, add);
  if (problems.length > 0) return problems;
  await checkVerdicts(lab, checks, headings, variants, options, add);
  return problems;
}

/** What check-labs found each mutant failing, by runner, for its summary line. */
export interface VariantVerdict {
  kind: Variant["kind"];
  name: string;
  /** Tasks with at least one failing check, in Node and in the browser's runner. */
  failing: { node: number[]; browser: number[] };
}

/**
 * A mutant (`mutants/<name>/`: one lesson bug, and a `mutant.json` naming the tasks it must fail
 * and the rule it breaks) or an alternative (`alternatives/<name>/`: another correct
 * solution). Either is a whole submission: every editable file, over the starter's read-only
 * ones, so `npm run grade` and the lab page can run it as it is.
 */
export interface Variant {
  kind: "mutant" | "alternative";
  name: string;
  dir: string;
  /** Mutants: the tasks whose checks must catch the bug. */
  tasks: number[];
  /** Mutants: the rule of the instructions the bug breaks. */
  rule: string;
}

const VARIANT_FOLDERS = { mutant: "mutants", alternative: "alternatives" } as const;

function readVariants(
  lab: Lab,
  headings: Map<number, string>,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): Variant[] {
  const variants: Variant[] = [];
  for (const kind of ["mutant", "alternative"] as const) {
    const folder = VARIANT_FOLDERS[kind];
    const rule = folder;
    const root = join(lab.dir, folder);
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const dir = join(root, entry.name);
      const where = `${folder}/${entry.name}`;
      const present = new Set(readdirSync(dir));
      for (const name of lab.meta.editable) {
        if (!existsSync(join(dir, name)))
          add(
            `${where}/${name}`,
            rule,
            `a ${kind} is a whole submission: add ${name} (every editable file: ${lab.meta.editable.join(", ")})`,
          );
      }
      for (const name of lab.meta.readonly) {
        if (present.has(name))
          add(
            `${where}/${name}`,
            rule,
            `${name} is read-only, so every run takes starter/${name}: delete this copy`,
          );
      }
      const variant: Variant = { kind, name: entry.name, dir, tasks: [], rule: "" };
      if (kind === "mutant") {
        const meta = readMutantMeta(join(dir, "mutant.json"), headings);
        if (typeof meta === "string") {
          add(`${where}/mutant.json`, rule, meta);
          continue;
        }
        variant.tasks = meta.tasks;
        variant.rule = meta.rule;
      }
      const same = lab.meta.editable.every(
        (name) =>
          existsSync(join(dir, name)) &&
          existsSync(join(lab.dir, "solution", name)) &&
          readFileSync(join(dir, name), "utf8") ===
            readFileSync(join(lab.dir, "solution", name), "utf8"),
      );
      if (same) add(where, rule, `the ${kind} is the solution, file for file: make it differ`);
      variants.push(variant);
    }
  }
  return variants;
}

/** Fewest mutants and alternatives a published lab has, so its checks are shown to have teeth. */
export const MIN_MUTANTS = 6;
export const MIN_ALTERNATIVES = 2;

/**
 * A published lab (not a draft) proves its checks both ways: enough mutants, covering every
 * task, to show each task's checks catch a lesson bug, and enough alternatives to show they
 * accept correct code that is written differently.
 */
function requireVariants(
  headings: Map<number, string>,
  variants: readonly Variant[],
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): void {
  const mutants = variants.filter((v) => v.kind === "mutant");
  const alternatives = variants.filter((v) => v.kind === "alternative");
  if (mutants.length < MIN_MUTANTS)
    add(
      "mutants/",
      "mutants",
      `a published lab needs at least ${MIN_MUTANTS} mutants, each one lesson bug in a whole submission with a mutant.json; it has ${mutants.length}`,
    );
  if (alternatives.length < MIN_ALTERNATIVES)
    add(
      "alternatives/",
      "alternatives",
      `a published lab needs at least ${MIN_ALTERNATIVES} alternatives, correct submissions written differently from solution/; it has ${alternatives.length}`,
    );
  for (const [number, title] of headings) {
    if (!mutants.some((m) => m.tasks.includes(number)))
      add(
        "mutants/",
        "mutants",
        `no mutant names task "${number}. ${title}": add one whose bug that task's checks must catch`,
      );
  }
}

/** `mutant.json`: `{ "tasks": [2], "rule": "…" }`, or what is wrong with it. */
function readMutantMeta(
  path: string,
  headings: Map<number, string>,
): { tasks: number[]; rule: string } | string {
  if (!existsSync(path))
    return 'missing: add { "tasks": [<task numbers>], "rule": "<the rule of the instructions the bug breaks>" }';
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
  const { tasks, rule } = (raw ?? {}) as { tasks?: unknown; rule?: unknown };
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => Number.isInteger(t)))
    return "tasks: list the task numbers whose checks must catch this bug, such as [2]";
  const unknown = (tasks as number[]).filter((t) => !headings.has(t));
  if (unknown.length > 0)
    return `tasks: instructions.mdx has no task ${unknown.join(", ")} (tasks: ${[...headings.keys()].join(", ")})`;
  if (typeof rule !== "string" || rule.trim().length < 10)
    return "rule: say which rule of the instructions the bug breaks, in words";
  return { tasks: tasks as number[], rule };
}

/**
 * starter/ is the learner's whole workspace: every editable and read-only file. solution/ is a
 * model submission: the editable files only. A read-only file lives once, in starter/, which is
 * where the browser, the grader and check-labs all take it from; a second copy in solution/
 * would be ignored everywhere and drift unseen.
 */
function checkFileLayout(
  lab: Lab,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): void {
  const has = (folder: string, name: string) => existsSync(join(lab.dir, folder, name));
  for (const name of lab.meta.editable) {
    if (lab.meta.readonly.includes(name)) {
      add("lab.json", "files", `${name} is listed as both editable and read-only; pick one`);
    }
    for (const folder of ["starter", "solution"]) {
      if (!has(folder, name)) {
        add(
          `${folder}/${name}`,
          "files",
          `lab.json lists ${name} as editable, but ${folder}/ has no such file`,
        );
      }
    }
  }
  for (const name of lab.meta.readonly) {
    if (lab.meta.editable.includes(name)) continue;
    if (!has("starter", name)) {
      add(
        `starter/${name}`,
        "files",
        `lab.json lists ${name} as read-only, but starter/ has no such file (read-only files live in starter/)`,
      );
    }
    if (has("solution", name)) {
      add(
        `solution/${name}`,
        "files",
        `${name} is read-only, so it lives only in starter/: delete solution/${name} (every run takes starter/${name})`,
      );
    }
  }
}

/** `## 2. Rejected commands` → 2 → "Rejected commands", outside code fences. */
function taskHeadings(
  lab: Lab,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
) {
  const headings = new Map<number, string>();
  const path = join(lab.dir, "instructions.mdx");
  if (!existsSync(path)) {
    add("instructions.mdx", "instructions", "the lab has no instructions.mdx");
    return headings;
  }
  let fenced = false;
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      const m = fenced ? null : /^##\s+(\d+)\.\s+(.+?)\s*$/.exec(line);
      if (!m) return;
      const number = Number(m[1]);
      if (headings.has(number)) {
        add(`instructions.mdx:${i + 1}`, "tasks", `task number ${number} is used twice`);
      }
      headings.set(number, m[2] as string);
    });
  if (headings.size === 0) {
    add(
      "instructions.mdx",
      "tasks",
      'the instructions have no numbered tasks: use headings like "## 1. Deposit money"',
    );
  }
  return headings;
}

interface TopLevelDescribe {
  title: string | undefined;
  line: number;
  modifier: string | undefined;
}

/** The `describe(…)` calls at the top level of a check file, and stray top-level tests. */
export function topLevelDescribes(
  source: string,
): (TopLevelDescribe & { kind: "describe" | "test" })[] {
  const file = ts.createSourceFile("check.ts", source, ts.ScriptTarget.ES2022, true);
  const found: (TopLevelDescribe & { kind: "describe" | "test" })[] = [];
  for (const statement of file.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression))
      continue;
    const call = statement.expression;
    // describe.each([...])("title", …): the name is on the inner call, the title on the outer.
    const callee = ts.isCallExpression(call.expression)
      ? call.expression.expression
      : call.expression;
    const [base, modifier] = calleeName(callee);
    if (!base || !["describe", "it", "test"].includes(base)) continue;
    const first = call.arguments[0];
    const line = file.getLineAndCharacterOfPosition(statement.getStart(file)).line + 1;
    found.push({
      kind: base === "describe" ? "describe" : "test",
      title: first && ts.isStringLiteralLike(first) ? first.text : undefined,
      line,
      modifier,
    });
  }
  return found;
}

function calleeName(node: ts.Expression): [string | undefined, string | undefined] {
  if (ts.isIdentifier(node)) return [node.text, undefined];
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
    return [node.expression.text, node.name.text];
  }
  return [undefined, undefined];
}

function checkTaskMapping(
  name: string,
  source: string,
  headings: Map<number, string>,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): void {
  for (const entry of topLevelDescribes(source)) {
    const where = `${name}:${entry.line}`;
    if (entry.modifier === "only" || entry.modifier === "skip" || entry.modifier === "todo") {
      add(
        where,
        "checks",
        `${entry.kind}.${entry.modifier} would leave checks out of every run; remove .${entry.modifier}`,
      );
    }
    if (entry.kind === "test") {
      add(where, "tasks", 'a check outside any task: put it inside describe("N. <task title>", …)');
      continue;
    }
    if (entry.title === undefined) {
      add(
        where,
        "tasks",
        'the top-level describe needs a plain string title such as "1. Deposit money"',
      );
      continue;
    }
    const number = taskIdOf(entry.title);
    if (number === undefined) {
      add(
        where,
        "tasks",
        `describe("${entry.title}") does not start with a task number; name it after a task heading, e.g. "1. ${headings.get(1) ?? "…"}"`,
      );
      continue;
    }
    const heading = headings.get(number);
    if (heading === undefined) {
      add(
        where,
        "tasks",
        `describe("${entry.title}") names task ${number}, but instructions.mdx has no "## ${number}. …" heading`,
      );
    } else if (entry.title.replace(/^\s*\d+\s*[.)]\s*/, "") !== heading) {
      add(
        where,
        "tasks",
        `describe("${entry.title}") should match its heading "## ${number}. ${heading}" word for word`,
      );
    }
  }
}

async function checkInstructions(
  lab: Lab,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): Promise<void> {
  const path = join(lab.dir, "instructions.mdx");
  if (!existsSync(path)) return;
  const source = readFileSync(path, "utf8");
  try {
    mdxToJs(source);
  } catch (e) {
    const message = (e as Error).message;
    const at = /^(\d+):(\d+):\s*/.exec(message);
    add(
      at ? `instructions.mdx:${at[1]}:${at[2]}` : "instructions.mdx",
      "instructions",
      `MDX does not compile: ${message.replace(/^\d+:\d+:\s*/, "")}`,
    );
    return;
  }
  // Render once with stand-ins for the site's components: an unknown component fails here,
  // as it would fail the site's build.
  const element = (type: unknown, props: unknown) => {
    if (typeof type === "function") return (type as (p: unknown) => unknown)(props);
    return { type, props };
  };
  const components = Object.fromEntries(INSTRUCTION_COMPONENTS.map((name) => [name, () => null]));
  try {
    const module = (await evaluate(source, {
      Fragment: "fragment",
      jsx: element,
      jsxs: element,
    })) as {
      default: (props: { components: Record<string, unknown> }) => unknown;
    };
    module.default({ components });
  } catch (e) {
    add(
      "instructions.mdx",
      "instructions",
      `does not render: ${(e as Error).message} (the components available are ${INSTRUCTION_COMPONENTS.join(", ")})`,
    );
  }
}

async function checkVerdicts(
  lab: Lab,
  checks: Record<string, string>,
  headings: Map<number, string>,
  variants: readonly Variant[],
  options: CheckLabOptions,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): Promise<void> {
  // Listed while the solution and the starter start their runs; a failed listing still throws.
  const expected = listChecks(lab, checks);
  expected.catch(() => undefined); // awaited below; a failure must not crash the process first
  const [solution, starter] = await Promise.all(
    ["solution", "starter"].map((folder) =>
      gradeSubmission(lab, join(lab.dir, folder), { expected }),
    ),
  );
  await expected;
  // A solution that hangs in Node would hang this process too: only a finished run goes on.
  const browser =
    solution?.results.status === "pass"
      ? await runInBrowserRunner(lab, join(lab.dir, "solution"), checks)
      : undefined;

  for (const [where, results] of [
    ["Vitest in Node", solution?.results],
    ["the browser's runner", browser],
  ] as const) {
    if (!results || results.status === "pass") continue;
    const failing = results.tests.filter((t) => t.status !== "pass").slice(0, 5);
    const details = [
      ...(results.message ? [results.message] : []),
      ...failing.map((t) => `${t.name}: ${(t.message ?? "").split("\n")[0]}`),
    ];
    add(
      "solution/",
      "solution-passes",
      `the solution does not pass every check under ${where}:\n    ${details.join("\n    ")}`,
    );
  }

  const starterResults = starter?.results;
  if (starterResults?.status === "error" && starterResults.tests.length === 0) {
    add(
      "starter/",
      "starter-fails",
      `the starter must compile and run, so learners start from working code: ${starterResults.message}`,
    );
    return;
  }
  if (browser?.status === "pass")
    await checkVariants(lab, checks, variants, expected, options, add);
  for (const [number, title] of headings) {
    const failing = starterResults?.tests.some((t) => t.task_id === number && t.status !== "pass");
    if (!failing) {
      add(
        "starter/",
        "starter-fails",
        `the starter already passes every check of task "${number}. ${title}": leave something for the learner to do`,
      );
    }
  }
}

/** Verdicts of the last `checkLab` per lab, for check-labs' summary. */
export const variantVerdicts = new Map<string, VariantVerdict[]>();

/**
 * Every mutant must fail at least its tasks, and every alternative must pass, under Vitest in
 * Node and under the browser's runner. Node runs go to Vitest children while the browser's
 * runner works in this process, so the two overlap.
 */
async function checkVariants(
  lab: Lab,
  checks: Record<string, string>,
  variants: readonly Variant[],
  expected: Promise<readonly ExpectedCheck[]>,
  options: CheckLabOptions,
  add: (file: string, rule: LabProblem["rule"], message: string) => void,
): Promise<void> {
  // A mutant needs only the checks of its tasks to be caught; an alternative must pass them all.
  const checksOf = (v: Variant) =>
    v.kind === "mutant" && !options.everyCheck ? checksOfTasks(checks, v.tasks) : checks;
  const nodeRuns = limited(2, variants, (v) =>
    gradeWith(lab, v.dir, checksOf(v), checks, expected),
  );
  const browserRuns: V3Results[] = [];
  for (const variant of variants)
    browserRuns.push(await runInBrowserRunner(lab, variant.dir, checksOf(variant)));
  const verdicts: VariantVerdict[] = [];
  for (const [i, variant] of variants.entries()) {
    const where = `${VARIANT_FOLDERS[variant.kind]}/${variant.name}/`;
    const rule = VARIANT_FOLDERS[variant.kind];
    const runs = [
      ["Vitest in Node", (await nodeRuns[i])?.results],
      ["the browser's runner", browserRuns[i]],
    ] as const;
    const failing = { node: failingTasks(runs[0][1]), browser: failingTasks(runs[1][1]) };
    verdicts.push({ kind: variant.kind, name: variant.name, failing });
    for (const [runner, results] of runs) {
      if (!results) continue;
      if (results.status === "error" && results.tests.length === 0) {
        add(where, rule, `does not run under ${runner}, so it shows nothing: ${results.message}`);
        continue;
      }
      if (variant.kind === "alternative") {
        if (results.status === "pass") continue;
        const details = results.tests
          .filter((t) => t.status !== "pass")
          .slice(0, 5)
          .map((t) => `${t.name}: ${(t.message ?? "").split("\n")[0]}`);
        add(
          where,
          rule,
          `a correct alternative fails under ${runner}; a check pins a detail the instructions do not ask for:\n    ${details.join("\n    ")}`,
        );
        continue;
      }
      const caught = failingTasks(results);
      const survived = variant.tasks.filter((t) => !caught.includes(t));
      if (survived.length > 0)
        add(
          where,
          rule,
          `the mutant survives task ${survived.join(", ")} under ${runner}: no check of that task catches "${variant.rule}"`,
        );
    }
  }
  variantVerdicts.set(lab.slug, verdicts);
}

/** The check files holding a check of one of `tasks`, and every helper that is not a check. */
function checksOfTasks(
  checks: Record<string, string>,
  tasks: readonly number[],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(checks).filter(
      ([name, source]) =>
        !name.endsWith(".test.ts") ||
        topLevelDescribes(source).some((d) => tasks.includes(taskIdOf(d.title ?? "") ?? -1)),
    ),
  );
}

/** Grades a folder under Vitest in Node with `subset` of the lab's checks. */
async function gradeWith(
  lab: Lab,
  folder: string,
  subset: Record<string, string>,
  checks: Record<string, string>,
  expected: Promise<readonly ExpectedCheck[]>,
) {
  if (subset === checks) return gradeSubmission(lab, folder, { expected });
  const checksDir = mkdtempSync(join(tmpdir(), "check-labs-"));
  try {
    for (const [name, source] of Object.entries(subset)) {
      const path = join(checksDir, name.replace(/^checks\//, ""));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, source);
    }
    const listed = expected.then((all) => all.filter((check) => check.file in subset));
    return await gradeSubmission(lab, folder, { checksDir, expected: listed });
  } finally {
    rmSync(checksDir, { recursive: true, force: true });
  }
}

/** Task numbers with at least one check that did not pass. */
function failingTasks(results: V3Results | undefined): number[] {
  const tasks = new Set<number>();
  for (const t of results?.tests ?? [])
    if (t.status !== "pass" && t.task_id !== undefined) tasks.add(t.task_id);
  return [...tasks].sort((a, b) => a - b);
}

/** `work` over `items`, at most `slots` at a time, each result in the item's place. */
function limited<T, R>(slots: number, items: readonly T[], work: (item: T) => Promise<R>) {
  const results: Promise<R>[] = [];
  const running: Promise<unknown>[] = [];
  for (const [i, item] of items.entries()) {
    const previous = running[i - slots];
    const result = (previous ?? Promise.resolve()).then(
      () => work(item),
      () => work(item),
    );
    result.catch(() => undefined);
    results.push(result);
    running.push(result.catch(() => undefined));
  }
  return results;
}

/** The same checks through src/labs/runner/core.ts, the code the lab page's worker runs. */
async function runInBrowserRunner(
  lab: Lab,
  folder: string,
  checks: Record<string, string>,
): Promise<V3Results> {
  const files: Record<string, string> = {};
  for (const name of lab.meta.editable) files[name] = readFileSync(join(folder, name), "utf8");
  for (const name of lab.meta.readonly)
    files[name] = readFileSync(join(lab.dir, "starter", name), "utf8");
  const runtime = await import("../runtime/index.ts");
  // Checks may import fast-check (src/labs/README.md); the worker hands it over the same way.
  const fastCheck = await import("fast-check");
  const { results } = await runChecks({
    files,
    checks,
    runtime,
    fastCheck,
    testTimeoutMs: lab.meta.timeoutSeconds * 1000,
  });
  return results;
}

/** Every lab folder under `labsDir`: folders holding a lab.json or any lab part. */
export function labFolders(labsDir: string): string[] {
  if (!existsSync(labsDir)) return [];
  return readdirSync(labsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => join(labsDir, d.name))
    .sort();
}
