import type { File, Test, VitestRunner, VitestRunnerConfig } from "@vitest/runner";
import { startTests } from "@vitest/runner";
import { format } from "@vitest/utils/display";
import {
  buildResults,
  CHECK_TIMEOUT_MS,
  describeErrors,
  errorResults,
  fullTestName,
  type V3Results,
} from "../results";
import * as vitestShim from "../worker/vitest-shim";
import { ActorFailureLog, recordActorFailures } from "./actor-failures";
import { labConfinement, runtimeForLab } from "./confine";
import { createExpect, resetExpectState, verifyExpectedAssertions } from "./expect";
import { LabCompileError, ModuleLoader, type Precompiled } from "./loader";
import { transpile } from "./transpile";

/**
 * Runs a lab's checks against a file set with @vitest/runner, without Vitest. It knows nothing
 * about workers or the DOM, so the browser's worker and Node tests call the same function.
 */

export interface CheckRunInput {
  /** The learner's files by path in the lab (`account.ts`), as `@lab/<file>` resolves them. */
  files: Readonly<Record<string, string>>;
  /** Check files by path (`checks/account.test.ts`), run in key order. */
  checks: Readonly<Record<string, string>>;
  /** The module `@runtime` resolves to; omit while a lab does not use the runtime. */
  runtime?: unknown;
  /** `@runtime` exports the lab's editable files may not use (lab.json `withheld`). */
  withheld?: readonly string[];
  /** The lab's editable files: only they lose the withheld exports (read-only files keep them). */
  editable?: readonly string[];
  /** The module `fast-check` resolves to in checks; omit when no check uses it. */
  fastCheck?: unknown;
  /** Per-test timeout for asynchronous checks; a synchronous hang needs the caller's hard stop. */
  testTimeoutMs?: number;
  /** Files already transpiled, by path; a file whose source differs is transpiled again. */
  precompiled?: ReadonlyMap<string, Precompiled>;
}

export interface CheckRunEvents {
  /** A test is about to run: if the run never finishes, this is the one that hung. */
  onTestStart?: (test: { id: string; name: string; file: string }) => void;
  /** `message` is the failure as the results will word it, for a run that is then stopped. */
  onTestEnd?: (test: { id: string; name: string; state: string; message?: string }) => void;
}

export interface CheckRunTimings {
  transpileMs: number;
  runMs: number;
}

export interface CheckRunOutcome {
  results: V3Results;
  timings: CheckRunTimings;
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/**
 * What a spare worker does with the runtime before any learner code is in it, so that a run does
 * not: the actor-failure recorder's wrapper goes in (it must precede hardening), then every
 * runtime export is hardened, which is most of what `labConfinement` costs a run. The run still
 * gets a fresh compartment for the learner's code; hardening an object twice does nothing.
 */
export function prepareRuntime(runtime: unknown): void {
  recordActorFailures(runtime, () => {})();
  runtimeForLab(runtime, []);
}

export async function runChecks(
  input: CheckRunInput,
  events: CheckRunEvents = {},
): Promise<CheckRunOutcome> {
  const started = now();
  // Before the runtime is hardened for lab code below: its ActorSystem is wrapped once, here.
  const actorFailures = new ActorFailureLog(input.runtime);
  const externals: Record<string, unknown> = { vitest: vitestShim };
  if (input.runtime !== undefined) externals["@runtime"] = input.runtime;
  if (input.fastCheck !== undefined) externals["fast-check"] = input.fastCheck;
  const loader = new ModuleLoader({
    files: input.files,
    checks: input.checks,
    externals,
    precompiled: input.precompiled,
    transpile,
    editable: input.editable,
    ...labConfinement(input),
  });
  try {
    loader.compileAll();
  } catch (e) {
    actorFailures.close();
    return {
      results: errorResults(messageOf(e)),
      timings: { transpileMs: loader.transpileMs, runMs: now() - started },
    };
  }

  const outputs = new Map<string, string[]>();
  let current: Test | undefined;
  const runner = createRunner(loader, input.testTimeoutMs ?? CHECK_TIMEOUT_MS, {
    before(test) {
      current = test;
      actorFailures.checkStarted();
      events.onTestStart?.({ id: test.id, name: fullTestName(test), file: test.file.filepath });
    },
    after(test) {
      current = undefined;
      const result = test.result;
      if (result?.state === "fail") {
        // Frames at the learner's own lines and columns, not the transpiled code's.
        for (const e of result.errors ?? []) {
          if (typeof e.stack === "string") e.stack = loader.mapStack(e.stack);
        }
        const cause = actorFailures.cause((stack) => loader.mapStack(stack));
        if (cause) result.errors = [cause, ...(result.errors ?? [])];
      }
      events.onTestEnd?.({
        id: test.id,
        name: fullTestName(test),
        state: result?.state ?? "unknown",
        ...(result?.state === "fail" ? { message: describeErrors(result.errors) } : {}),
      });
    },
  });

  // The learner's console output belongs to the test that was running when it was written.
  const original = new Map<string, (...args: unknown[]) => void>();
  const sink = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const method of CONSOLE_METHODS) {
    original.set(method, sink[method] as (...args: unknown[]) => void);
    sink[method] = (...args: unknown[]) => {
      const key = current?.id ?? "(outside a test)";
      const lines = outputs.get(key) ?? [];
      lines.push(format(...args));
      outputs.set(key, lines);
    };
  }

  let files: File[];
  try {
    files = await startTests(Object.keys(input.checks), runner);
  } finally {
    for (const [method, fn] of original) sink[method] = fn;
    actorFailures.close();
  }

  const results = buildResults(files, {
    sourceOf: (path) => input.checks[path],
    outputOf: (id) => outputs.get(id)?.join("\n"),
  });
  return { results, timings: { transpileMs: loader.transpileMs, runMs: now() - started } };
}

function createRunner(
  loader: ModuleLoader,
  testTimeout: number,
  hooks: { before(test: Test): void; after(test: Test): void },
): VitestRunner {
  const config: VitestRunnerConfig = {
    root: "/",
    setupFiles: [],
    name: undefined,
    passWithNoTests: false,
    testNamePattern: undefined,
    allowOnly: false,
    sequence: { shuffle: false, concurrent: false, seed: 0, hooks: "stack", setupFiles: "list" },
    chaiConfig: undefined,
    maxConcurrency: 1,
    testTimeout,
    hookTimeout: testTimeout,
    retry: 0,
    includeTaskLocation: false,
    diffOptions: undefined,
    tags: [],
    tagsFilter: undefined,
    strictTags: false,
  };
  return {
    config,
    importFile(filepath) {
      loader.importCheck(filepath);
    },
    onBeforeRunTask(test) {
      hooks.before(test);
    },
    onBeforeTryTask(test) {
      resetExpectState(test);
    },
    onAfterTryTask(test) {
      verifyExpectedAssertions(test);
    },
    onAfterRunTask(test) {
      hooks.after(test);
    },
    extendTaskContext(context) {
      let local: ReturnType<typeof createExpect> | undefined;
      Object.defineProperty(context, "expect", {
        get() {
          local ??= createExpect(context.task);
          return local;
        },
      });
      Object.defineProperty(context, "_local", { get: () => local !== undefined });
      return context;
    },
  };
}

function messageOf(e: unknown): string {
  if (e instanceof LabCompileError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
