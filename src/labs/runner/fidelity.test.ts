import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import "./lockdown";
import * as runtime from "@runtime";
import type { File } from "@vitest/runner";
import * as fastCheck from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { startVitest } from "vitest/node";
import { LABS_DIR, readLabFiles, readLabFolder } from "../lab-files.node";
import { buildResults, type V3Results } from "../results";
import { runChecks } from "./core";

/**
 * The browser runs checks through our shim; CI runs them under real Vitest. Both must give the
 * same verdicts, so run every lab through both and compare the v3 results.
 */
const LABS = readdirSync(LABS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const RUNTIME_ENTRY = fileURLToPath(new URL("../../runtime/index.ts", import.meta.url));

type FileSet = "starter" | "solution";

async function underRealVitest(lab: string, fileSet: FileSet): Promise<V3Results> {
  const labDir = join(LABS_DIR, lab);
  // The solution holds only the editable files: lay it over the starter's read-only files in a
  // folder of its own, as the grader's sandbox does, so that `./protocol` resolves from it.
  const workspace = mkdtempSync(join(tmpdir(), `fidelity-${lab}-${fileSet}-`));
  for (const [name, text] of Object.entries(readLabFiles(lab, fileSet))) {
    writeFileSync(join(workspace, name), text);
  }
  const vitest = await startVitest(
    "test",
    [],
    {
      root: labDir,
      config: false,
      include: ["checks/*.test.ts"],
      watch: false,
      // An empty reporter: the default one would print the nested run into this run's output.
      reporters: [{}],
      silent: true,
      alias: [
        { find: /^@lab\/(.*)$/, replacement: join(workspace, "$1") },
        { find: /^@runtime$/, replacement: RUNTIME_ENTRY },
      ],
    },
    { logLevel: "silent" },
  );
  const files = (vitest.state.getFiles() as File[]).sort((a, b) =>
    a.filepath.localeCompare(b.filepath),
  );
  await vitest.close();
  rmSync(workspace, { recursive: true, force: true });
  return buildResults(files, { sourceOf: (path) => readFileSync(path, "utf8") });
}

async function underShim(lab: string, fileSet: FileSet): Promise<V3Results> {
  const { results } = await runChecks({
    files: readLabFiles(lab, fileSet),
    checks: readLabFolder(lab, "checks"),
    runtime,
    fastCheck,
  });
  return results;
}

/** What must agree: the test list in order, each verdict, each task, each test body. */
function verdicts(results: V3Results) {
  return results.tests.map(({ name, status, task_id, test_code }) => ({
    name,
    status,
    task_id,
    test_code,
  }));
}

/**
 * The first line of each failure message: the assertion that failed. Plain Vitest runs the lab
 * files as its own modules, without the `lab:///` frames that let the runners add where the
 * learner's code threw (` (at thread.ts:70:23)`), so that suffix is compared apart.
 */
function firstLines(results: V3Results) {
  return results.tests.map((t) => t.message?.split("\n")[0]?.replace(LEARNER_LOCATION, ""));
}
const LEARNER_LOCATION = / \(at [\w./-]+\.ts:\d+:\d+\)$/;

const runs = new Map<string, { real: V3Results; shim: V3Results }>();

// @vitest/runner keeps its current test in module state, so a nested run must start outside any
// test: run everything in a hook, then compare.
beforeAll(async () => {
  for (const lab of LABS) {
    for (const fileSet of ["solution", "starter"] as const) {
      runs.set(`${lab}/${fileSet}`, {
        real: await underRealVitest(lab, fileSet),
        shim: await underShim(lab, fileSet),
      });
    }
  }
}, 240_000);

const cases = LABS.flatMap((lab) => [[lab, "solution"] as const, [lab, "starter"] as const]);

describe.each(cases)("the %s lab's %s", (lab, fileSet) => {
  const run = () => runs.get(`${lab}/${fileSet}`) ?? expect.unreachable("the runs did not happen");

  it("gets the same overall status and the same verdict for every test", () => {
    const { real, shim } = run();
    expect(real.tests.length).toBeGreaterThan(10);
    expect(shim.status).toBe(real.status);
    expect(verdicts(shim)).toEqual(verdicts(real));
  });

  it("reports the same failure messages", () => {
    const { real, shim } = run();
    expect(firstLines(shim)).toEqual(firstLines(real));
  });

  it("finds the test body of every test", () => {
    // Checks may assert through helpers, so the body need not say `expect(` itself.
    for (const test of run().shim.tests) expect(test.test_code, test.name).toMatch(/\S/);
  });
});

it.each(LABS)(
  "%s: the solution passes every check, the starter fails at least one check of every task",
  (lab) => {
    const solution = runs.get(`${lab}/solution`)?.shim;
    const starter = runs.get(`${lab}/starter`)?.shim;
    const failures = solution?.tests.filter((t) => t.status !== "pass");
    expect(failures?.map((t) => `${t.name}: ${t.message}`)).toEqual([]);
    expect(solution?.status).toBe("pass");
    const tasks = [...new Set(solution?.tests.map((t) => t.task_id))];
    // Every lab has 3 to 5 tasks, numbered from 1 without gaps.
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    expect(tasks.length).toBeLessThanOrEqual(5);
    expect(tasks).toEqual(tasks.map((_, i) => i + 1));
    for (const task of tasks) {
      const failing = starter?.tests.filter((t) => t.task_id === task && t.status === "fail") ?? [];
      expect(failing.length, `task ${task}`).toBeGreaterThan(0);
    }
  },
);
