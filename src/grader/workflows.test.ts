import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isMerge, parseGradeArgs, parseMergeArgs } from "./args";
import { loadLab } from "./lab";

/**
 * The workflows of examples/github-actions are not run here (they need GitHub), so what can be
 * checked without it is: they are valid YAML of the expected shape, every `npm run` script they
 * call exists, every `npm run grade` command parses with the grader's own argument parser, the
 * lab they name exists, the shard matrix matches SHARDS, and learner code gets no credentials and
 * no install step.
 */
const DIR = join(process.cwd(), "examples/github-actions");
const SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8")) as { scripts: object })
    .scripts,
);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}
interface Job {
  needs?: string | string[];
  strategy?: { matrix?: { shard?: number[] } };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env: Record<string, string | number>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = readdirSync(DIR)
  .filter((name) => name.endsWith(".yml"))
  .sort()
  .map((name) => ({ name, workflow: parse(readFileSync(join(DIR, name), "utf8")) as Workflow }));

/** Values a run would have, for the variables a command uses. */
const EXPRESSIONS: Record<string, string> = {
  "${{ matrix.shard }}": "3",
  "${{ steps.learner.outputs.commit }}": "a".repeat(40),
};

/** A command line split like a shell would, with `$VAR`s replaced by their values. */
function words(line: string, env: Record<string, string>): string[] {
  const expanded = line
    .replace(/"\$\{checks\[@\]\}"/g, "")
    .replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
      const value = env[name];
      if (value === undefined) throw new Error(`$${name} is not set in the workflow's env`);
      return value;
    });
  // A word is quoted and bare parts run together (`../learner/"$X"`); the quotes go.
  return [...expanded.matchAll(/(?:"[^"]*"|'[^']*'|[^\s"']+)+/g)].map((m) =>
    m[0].replace(/"([^"]*)"|'([^']*)'/g, "$1$2"),
  );
}

function gradeCommands(workflow: Workflow) {
  const found: { job: string; argv: string[] }[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    for (const step of job.steps) {
      if (!step.run) continue;
      const env: Record<string, string> = { GITHUB_STEP_SUMMARY: "summary.md" };
      for (const [k, v] of Object.entries({ ...workflow.env, ...step.env })) {
        env[k] = EXPRESSIONS[String(v)] ?? String(v);
      }
      for (const line of step.run.split("\n")) {
        const at = line.indexOf("npm run --silent grade --");
        if (at < 0) continue;
        found.push({ job: jobName, argv: words(line.slice(at), env).slice(5) });
      }
    }
  }
  return found;
}

describe.each(workflows)("$name", ({ workflow }) => {
  it("is a workflow that starts by hand and only reads the repository", () => {
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(() => loadLab(String(workflow.env.LAB))).not.toThrow();
  });

  it("calls only npm scripts that exist", () => {
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""));
    const scripts = runs.flatMap((run) =>
      [...run.matchAll(/npm run (?:--silent )?(\S+)/g)].map((m) => m[1]),
    );
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(SCRIPTS).toContain(script);
  });

  it("runs grade commands that the grader's own parser accepts", () => {
    const commands = gradeCommands(workflow);
    expect(commands.length).toBeGreaterThan(0);
    for (const { argv } of commands) {
      if (isMerge(argv)) expect(() => parseMergeArgs(argv)).not.toThrow();
      else expect(() => parseGradeArgs(argv)).not.toThrow();
    }
  });

  it("leaves no credentials in a checkout, installs only the workshop, passes inputs through env", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (step.uses?.startsWith("actions/checkout@")) {
          expect(step.with?.["persist-credentials"], step.name).toBe(false);
        }
        if (/npm (ci|install)/.test(step.run ?? "")) {
          expect(step["working-directory"], step.name).toBe("workshop");
        }
        // An expression inside a script is a script injection; inputs go through env.
        expect(step.run ?? "", step.name).not.toMatch(/\$\{\{/);
      }
    }
  });
});

describe("grade-learner.yml", () => {
  const { workflow } = workflows.find(
    (w) => w.name === "grade-learner.yml",
  ) as (typeof workflows)[0];

  it("grades the checked-out learner commit and records it as provenance", () => {
    const [command] = gradeCommands(workflow);
    const args = parseGradeArgs(command?.argv ?? []);
    expect(args).toMatchObject({ lab: "bank-account", submission: "../learner/submission" });
    expect(args.commit).toBe("a".repeat(40));
    const checkout = workflow.jobs.grade?.steps.find((s) => s.with?.path === "learner");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(checkout?.with?.repository).toBe("${{ inputs.learner-repository }}");
  });
});

describe("grade-class.yml", () => {
  const { workflow } = workflows.find((w) => w.name === "grade-class.yml") as (typeof workflows)[0];

  it("collects the class with a Python script that parses", () => {
    const run = workflow.jobs.collect?.steps.find((s) => s.run?.includes("python3 - <<'PY'"))?.run;
    const script = /<<'PY'\n([\s\S]*?)\nPY\n/.exec(run ?? "")?.[1];
    expect(script).toMatch(/commits\.writerow\(\[folder, commit\]\)/);
    const parsed = spawnSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], {
      input: script,
      encoding: "utf8",
    });
    expect(parsed.stderr).toBe("");
    expect(parsed.status).toBe(0);
  });

  it("grades one shard per matrix entry, 1 to SHARDS, and merges after all of them", () => {
    const shards = workflow.jobs.grade?.strategy?.matrix?.shard;
    expect(shards).toEqual(Array.from({ length: Number(workflow.env.SHARDS) }, (_, i) => i + 1));
    expect(workflow.jobs.grade?.needs).toBe("collect");
    expect(workflow.jobs.merge?.needs).toBe("grade");
    const commands = gradeCommands(workflow);
    const grade = commands.find((c) => c.job === "grade");
    expect(parseGradeArgs(grade?.argv ?? [])).toMatchObject({
      batch: "../class/submissions",
      shard: { index: 3, count: Number(workflow.env.SHARDS) },
      roster: "../instructor/roster.csv",
      commits: "../class/commits.csv",
    });
    const merge = commands.find((c) => c.job === "merge");
    expect(parseMergeArgs(merge?.argv ?? [])).toMatchObject({
      out: "../gradebook",
      roster: "../instructor/roster.csv",
    });
  });
});
