import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { File } from "@vitest/runner";
import { beforeAll, describe, expect, it } from "vitest";
import { startVitest } from "vitest/node";
import { readLabFolder } from "../lab-files.node";
import { buildResults, type V3Results } from "../results";
import { runChecks } from "./core";

/**
 * The browser runs checks through our shim; CI runs them under real Vitest. Both must give the
 * same verdicts, so run the same lab through both and compare the v3 results.
 */
const LAB = "bank-account";
const labDir = join(process.cwd(), "labs", LAB);

async function underRealVitest(fileSet: "starter" | "solution"): Promise<V3Results> {
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
      alias: [{ find: /^@lab\/(.*)$/, replacement: join(labDir, fileSet, "$1") }],
    },
    { logLevel: "silent" },
  );
  const files = (vitest.state.getFiles() as File[]).sort((a, b) =>
    a.filepath.localeCompare(b.filepath),
  );
  await vitest.close();
  return buildResults(files, { sourceOf: (path) => readFileSync(path, "utf8") });
}

async function underShim(fileSet: "starter" | "solution"): Promise<V3Results> {
  const { results } = await runChecks({
    files: readLabFolder(LAB, fileSet),
    checks: readLabFolder(LAB, "checks"),
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

/** The first line of each failure message: the assertion that failed. */
function firstLines(results: V3Results) {
  return results.tests.map((t) => t.message?.split("\n")[0]);
}

const runs = new Map<string, { real: V3Results; shim: V3Results }>();

// @vitest/runner keeps its current test in module state, so a nested run must start outside any
// test: run everything in a hook, then compare.
beforeAll(async () => {
  for (const fileSet of ["solution", "starter"] as const) {
    runs.set(fileSet, { real: await underRealVitest(fileSet), shim: await underShim(fileSet) });
  }
}, 120_000);

describe.each(["solution", "starter"] as const)("the %s of the bank-account lab", (fileSet) => {
  const run = () => runs.get(fileSet) ?? expect.unreachable("the runs did not happen");

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
    for (const test of run().shim.tests) expect(test.test_code, test.name).toMatch(/expect\(/);
  });
});

it("the solution passes every check and the starter fails at least one check of every task", () => {
  const solution = runs.get("solution")?.shim;
  const starter = runs.get("starter")?.shim;
  expect(solution?.status).toBe("pass");
  const tasks = new Set(solution?.tests.map((t) => t.task_id));
  expect([...tasks]).toEqual([1, 2, 3, 4]);
  for (const task of tasks) {
    const failing = starter?.tests.filter((t) => t.task_id === task && t.status === "fail") ?? [];
    expect(failing.length, `task ${task}`).toBeGreaterThan(0);
  }
});
