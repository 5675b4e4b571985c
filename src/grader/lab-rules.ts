import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate, mdxToJs } from "satteri";
import ts from "typescript";
import { taskIdOf, type V3Results } from "../labs/results";
import { runChecks } from "../labs/runner/core";
import { gradeSubmission, listChecks } from "./grade";
import { checkFiles, type Lab, LabError, loadLab } from "./lab";

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
    | "starter-fails";
  message: string;
}

/** Components a lab's instructions may use (src/pages/labs/[slug].astro provides them). */
export const INSTRUCTION_COMPONENTS = ["Hint", "SlideLink"] as const;

export async function checkLab(dir: string): Promise<LabProblem[]> {
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

  await checkVerdicts(lab, checks, headings, add);
  return problems;
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
    solution?.results.status === "pass" ? await runInBrowserRunner(lab, checks) : undefined;

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

/** The same checks through src/labs/runner/core.ts, the code the lab page's worker runs. */
async function runInBrowserRunner(lab: Lab, checks: Record<string, string>): Promise<V3Results> {
  const files: Record<string, string> = {};
  for (const name of lab.meta.editable)
    files[name] = readFileSync(join(lab.dir, "solution", name), "utf8");
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
