/**
 * The grader's Vitest child: `node vitest-run.ts '<ChildPlan JSON>'`. It runs in its own process
 * (Node strips the types; no tsx), starts real Vitest on a sandbox, and streams what happens to
 * the parent on file descriptor 3. It never runs learner code itself: that happens in the worker
 * Vitest forks, under Node's permission model.
 */
import { writeSync } from "node:fs";
import type { RunnerTask, RunnerTestFile } from "vitest";
import { createVitest, type Reporter, type TestSpecification } from "vitest/node";
import type { ChildEvent, ChildPlan, WireError, WireTask } from "./protocol.ts";

const REPORT_FD = 3;
const plan = JSON.parse(process.argv[2] ?? "{}") as ChildPlan;

function emit(event: ChildEvent): void {
  writeSync(REPORT_FD, `${JSON.stringify(event)}\n`);
}

function wireError(e: unknown): WireError {
  const err = (e ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof err[k] === "string" ? (err[k] as string) : undefined);
  return {
    name: text("name"),
    message: text("message") ?? String(e),
    diff: text("diff"),
    stack: text("stack"),
  };
}

function wireTask(task: RunnerTask | RunnerTestFile): WireTask {
  const wire: WireTask = {
    type: task.type === "test" ? "test" : "suite",
    id: task.id,
    name: task.name,
    mode: task.mode,
  };
  if ("filepath" in task) wire.filepath = task.filepath;
  if (task.result) {
    wire.result = { state: task.result.state, errors: task.result.errors?.map(wireError) };
  }
  if ("tasks" in task) wire.tasks = task.tasks.map(wireTask);
  return wire;
}

class FileOrder {
  shard(files: TestSpecification[]) {
    return files;
  }
  sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

const outputs = new Map<string, string[]>();
const reporter: Reporter = {
  onTestModuleQueued(module) {
    emit({ type: "queued", file: module.moduleId });
  },
  onTestCaseReady(test) {
    emit({ type: "test-start", id: test.id, name: test.fullName });
  },
  onTestCaseResult(test) {
    emit({ type: "test-end", id: test.id });
  },
  onUserConsoleLog(log) {
    const key = log.taskId ?? "";
    const lines = outputs.get(key) ?? [];
    lines.push(log.content.replace(/\n$/, ""));
    outputs.set(key, lines);
  },
};

const worker = [
  "--permission",
  ...plan.readable.map((dir) => `--allow-fs-read=${dir}`),
  `--max-old-space-size=${plan.memoryMb}`,
];

const vitest = await createVitest(
  "test",
  {
    root: plan.root,
    config: false,
    include: ["checks/**/*.test.ts"],
    watch: false,
    cache: false,
    reporters: [reporter],
    pool: "forks",
    maxWorkers: 1,
    // One worker runs every check file, as one browser worker does.
    isolate: false,
    execArgv: worker,
    setupFiles: [plan.hardenFile],
    testTimeout: plan.testTimeoutMs,
    hookTimeout: plan.testTimeoutMs,
    // File order, as the browser runs them, so both hang in the same check and list tests alike.
    sequence: { shuffle: false, sequencer: FileOrder },
    alias: [
      { find: /^@lab\/(.*)$/, replacement: `${plan.labDir}/$1` },
      { find: /^@runtime$/, replacement: plan.runtimeEntry },
    ],
  },
  {},
  { logLevel: "silent" },
);

const { testModules, unhandledErrors } =
  plan.mode === "collect" ? await vitest.collect() : await vitest.start();

emit({
  type: "done",
  files: testModules
    .map((m) => m.task)
    .sort((a, b) => a.filepath.localeCompare(b.filepath))
    .map(wireTask),
  outputs: Object.fromEntries([...outputs].map(([id, lines]) => [id, lines.join("\n")])),
  unhandled: unhandledErrors.map(wireError),
});
await vitest.close();
