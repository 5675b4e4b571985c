/**
 * The grader's Vitest child: `node vitest-run.ts`, then one `ChildPlan` JSON per line on stdin.
 * It runs in its own process (Node strips the types; no tsx), starts real Vitest on each plan's
 * sandbox in turn, and streams what happens to the parent on file descriptor 3. It never runs
 * learner code itself: that happens in the worker each Vitest instance forks, under Node's
 * permission model, and that worker ends with its run. The child stays up between plans so a
 * batch pays for loading Vitest once per slot rather than once per submission.
 */
import { writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RunnerTask, RunnerTestFile } from "vitest";
import { createVitest, type Reporter, type TestSpecification } from "vitest/node";
import type { ChildEvent, ChildPlan, WireError, WireTask } from "./protocol.ts";

const REPORT_FD = 3;
const CHECKS_VITEST = fileURLToPath(new URL("./checks-vitest.ts", import.meta.url));

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

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

class FileOrder {
  shard(files: TestSpecification[]) {
    return files;
  }
  sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

async function runPlan(plan: ChildPlan): Promise<void> {
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

  // Node's permission model, on the worker only (Vitest 4, forks pool, checked by the tamper
  // tests): it may read the sandbox and node_modules, and nothing else; it may not write, spawn
  // processes or start threads. Vitest 4 hands the worker its transformed modules as files under
  // os.tmpdir(), hence TMPDIR inside the sandbox. The `threads` pool would share this process,
  // and with it the report channel, so it is not an option.
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
      // The runtime, one prebuilt module, is imported by Node itself, as node_modules are: passed
      // through Vite it would be transformed, given an inline source map (1.8 MB) and written
      // out for every submission.
      server: { deps: { external: [new RegExp(`^${escapeRegExp(plan.runtimeEntry)}$`)] } },
      alias: [
        { find: /^@lab\/(.*)$/, replacement: `${plan.labDir}/$1` },
        { find: /^@runtime$/, replacement: plan.runtimeEntry },
        // Check files get Vitest with an `expect` that takes values as data (checks-vitest.ts).
        { find: /^vitest$/, replacement: CHECKS_VITEST },
      ],
    },
    { logLevel: "silent" },
  );

  const { testModules, unhandledErrors } =
    plan.mode === "collect" ? await vitest.collect() : await vitest.start();

  emit({
    type: "done",
    files: testModules
      // `task` is the raw @vitest/runner tree that src/labs/results.ts reads.
      .map((m) => (m as unknown as { task: RunnerTestFile }).task)
      .sort((a, b) => a.filepath.localeCompare(b.filepath))
      .map(wireTask),
    outputs: Object.fromEntries([...outputs].map(([id, lines]) => [id, lines.join("\n")])),
    unhandled: unhandledErrors.map(wireError),
  });
  await vitest.close();
}

// Plans arrive one per line; the parent sends the next only after "done".
let pending = "";
let queue = Promise.resolve();
process.stdin.on("data", (chunk: Buffer) => {
  pending += chunk.toString();
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    const plan = JSON.parse(pending.slice(0, nl)) as ChildPlan;
    pending = pending.slice(nl + 1);
    queue = queue.then(() => {
      // Vitest writes transformed modules under os.tmpdir(); each plan's go to its own sandbox.
      process.env.TMPDIR = plan.tmpDir;
      process.chdir(plan.root);
      return runPlan(plan).catch((e: unknown) => {
        emit({ type: "failed", message: wireError(e).stack ?? String(e) });
      });
    });
  }
});
