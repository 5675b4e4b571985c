import {
  CHECK_TIMEOUT_MS,
  errorResults,
  taskIdOf,
  type V3Results,
  type V3TestResult,
} from "../results";
import type { CheckRunTimings } from "../runner/core";
import type { LabTrace } from "../runner/trace";
import type {
  HoldRequest,
  PrepareRequest,
  RunRequest,
  TraceRequest,
  WorkerEvent,
} from "../worker/protocol";

export interface BrowserRunOptions {
  files: Record<string, string>;
  checks: Record<string, string>;
  /** Hard stop for the whole run: the worker is terminated, whatever it is doing. */
  timeoutMs: number;
  /** The learner's files and the `@runtime` exports they may not use (lab.json `withheld`). */
  editable?: string[];
  withheld?: string[];
  onTestStart?: (name: string) => void;
  onTestEnd?: (name: string, state: string) => void;
}

export interface BrowserRunOutcome {
  results: V3Results;
  /** Absent when the run was stopped. */
  timings?: CheckRunTimings;
  wallMs: number;
  timedOut: boolean;
}

/**
 * A worker started ahead of a run. It is `ready` once it reported that its `prepare` finished:
 * the runner is parsed, the sources transpiled and, in cluster labs, the runtime warmed up.
 */
interface Spare {
  readonly worker: Worker;
  prepared: boolean;
  ready: boolean;
}

/**
 * How many spares the page keeps. Two, so that a run straight after another still starts on a
 * prepared worker while the next spare gets ready.
 */
const POOL_SIZE = 2;
/** Spares, oldest first; a run takes the readiest. */
const spares: Spare[] = [];
/** What the next run will most likely load, as last told by the page. */
let nextRun: Omit<PrepareRequest, "type"> | undefined;
let runsInProgress = 0;
let onReadiness: ((ready: boolean) => void) | undefined;

function newWorker(): Worker {
  return new Worker(new URL("../worker/check-worker.ts", import.meta.url), {
    type: "module",
    name: "lab-checks",
  });
}

function newSpare(): Spare {
  const spare: Spare = { worker: newWorker(), prepared: false, ready: false };
  // A spare that fails to load must not be used for a run. (Once a run has taken it, the run's
  // own error handler reports the failure.)
  spare.worker.addEventListener("error", () => {
    const index = spares.indexOf(spare);
    if (index < 0) return;
    spares.splice(index, 1);
    spare.worker.terminate();
    announce();
  });
  spare.worker.addEventListener("message", (message: MessageEvent<WorkerEvent>) => {
    if (message.data.type !== "prepared" || spare.ready) return;
    spare.ready = true;
    announce();
    replenish();
  });
  return spare;
}

/** Ready means at rest: the pool is full and every spare prepared, so nothing competes with a run. */
function announce(): void {
  onReadiness?.(spares.length === POOL_SIZE && spares.every((s) => s.ready));
}

/** Tops the pool up, one spare at a time, and never while a run needs the CPU. */
function replenish(): void {
  if (runsInProgress > 0) return;
  // A new spare starts only when the others are ready: two preparing at once would share the
  // CPU with each other and with the page.
  if (spares.length < POOL_SIZE && spares.every((s) => s.ready)) spares.push(newSpare());
  if (!nextRun) return;
  for (const spare of spares) {
    if (spare.prepared) continue;
    spare.worker.postMessage({ type: "prepare", ...nextRun } satisfies PrepareRequest);
    spare.prepared = true;
  }
}

/**
 * Starts workers for the next runs now. Each run still gets a fresh worker that no learner code
 * has run in; this only moves work that does not depend on the learner's next edit out of their
 * wait: loading and parsing the runner, transpiling `next.sources` (the checks, read-only files
 * and the code as it is now; a file edited meanwhile is transpiled again by the run), and, with
 * `next.warmUp`, a cluster simulation that gets the runtime's hot paths compiled. Without
 * `next`, a worker only starts loading.
 */
export function prepareNextRun(next?: Omit<PrepareRequest, "type">): void {
  if (next) nextRun = next;
  replenish();
}

/**
 * Calls `listener` when the runner comes to rest (every spare prepared: a run starts at once and
 * nothing else is preparing) and when it leaves that state.
 */
export function onRunnerReadiness(listener: (ready: boolean) => void): void {
  onReadiness = listener;
  announce();
}

/** Spares still preparing pause while a run needs the CPU, and go on once it is over. */
function hold(hold: boolean): void {
  for (const spare of spares)
    spare.worker.postMessage({ type: "hold", hold } satisfies HoldRequest);
}

/** The readiest spare, out of the pool, or a new worker when there is none. */
function takeWorker(): Worker {
  const spare = spares.find((s) => s.ready) ?? spares[0];
  if (!spare) return newWorker();
  spares.splice(spares.indexOf(spare), 1);
  announce();
  return spare.worker;
}

/**
 * Runs the checks in a fresh dedicated worker. A synchronous infinite loop cannot be interrupted
 * from inside, so on timeout the page terminates the worker and reports the test that was running.
 */
export function runChecksInWorker(options: BrowserRunOptions): Promise<BrowserRunOutcome> {
  const started = performance.now();
  const worker = takeWorker();
  if (runsInProgress++ === 0) hold(true);
  return new Promise((resolve) => {
    let running: string | undefined;
    /** Checks that finished, so a run stopped later still reports them. */
    const finished: FinishedCheck[] = [];
    let settled = false;
    const finish = (outcome: Omit<BrowserRunOutcome, "wallMs">) => {
      if (settled) return;
      settled = true;
      if (--runsInProgress === 0) hold(false);
      clearTimeout(timer);
      worker.terminate();
      resolve({ ...outcome, wallMs: performance.now() - started });
    };
    const timer = setTimeout(() => {
      finish({
        results: timeoutResults(options.timeoutMs, running, finished),
        timedOut: true,
      });
    }, options.timeoutMs);

    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      const event = message.data;
      if (event.type === "test-start") {
        running = event.name;
        options.onTestStart?.(event.name);
      } else if (event.type === "test-end") {
        running = undefined;
        finished.push({ name: event.name, state: event.state, message: event.message });
        options.onTestEnd?.(event.name, event.state);
      } else if (event.type === "done") {
        finish({ results: event.results, timings: event.timings, timedOut: false });
      } else if (event.type === "crash") {
        finish({ results: errorResults(event.message), timedOut: false });
      }
    };
    worker.onerror = (error) => {
      error.preventDefault();
      finish({
        results: errorResults(
          `The check worker failed to start: ${error.message || "unknown error"}`,
        ),
        timedOut: false,
      });
    };
    const request: RunRequest = {
      type: "run",
      files: options.files,
      checks: options.checks,
      testTimeoutMs: CHECK_TIMEOUT_MS,
      editable: options.editable,
      withheld: options.withheld,
    };
    worker.postMessage(request);
  });
}

/** A check that finished before the run was stopped, as the worker reported it. */
export interface FinishedCheck {
  name: string;
  /** @vitest/runner's state: `pass`, `fail`, `skip`… */
  state: string;
  message?: string | undefined;
}

/**
 * The v3 verdict for a run that was stopped: the checks that finished keep their results, and the
 * one that never finished is an error naming the timeout.
 */
export function timeoutResults(
  timeoutMs: number,
  runningTest: string | undefined,
  finished: readonly FinishedCheck[] = [],
): V3Results {
  const seconds = Math.round(timeoutMs / 100) / 10;
  const done = finished.map(finishedResult);
  if (runningTest === undefined) {
    const where =
      done.length === 0
        ? "before any check finished loading. Look for a loop that never ends at the top level of your files."
        : `after ${done.length} checks, between two checks. Look for a loop that never ends.`;
    return errorResults(`Timed out after ${seconds} s ${where}`, done);
  }
  const message = `Timed out after ${seconds} s while running "${runningTest}". The run was stopped; look for a loop that never ends.`;
  return errorResults(message, [...done, testResult(runningTest, "error", message)]);
}

function finishedResult(check: FinishedCheck): V3TestResult {
  if (check.state === "pass") return testResult(check.name, "pass");
  if (check.state === "fail") {
    return testResult(check.name, "fail", check.message ?? "failed without an error message");
  }
  return testResult(check.name, "error", "This check did not run.");
}

function testResult(name: string, status: V3TestResult["status"], message?: string) {
  const taskId = taskIdOf(name.split(" > ")[0] ?? "");
  const result: V3TestResult = { name, test_code: "", status };
  if (message !== undefined) result.message = message;
  if (taskId !== undefined) result.task_id = taskId;
  return result;
}

/**
 * Replays one seed of a cluster lab with the learner's files in a fresh worker, for the trace
 * view. The run is deterministic, so this is the very run whose check failed.
 */
export function replayTraceInWorker(options: {
  files: Record<string, string>;
  file: string;
  exportName: string;
  seed: number;
  timeoutMs: number;
}): Promise<LabTrace> {
  const worker = newWorker();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(
        new Error(
          `The replay of seed ${options.seed} did not finish in ${options.timeoutMs / 1000} s`,
        ),
      );
    }, options.timeoutMs);
    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      const event = message.data;
      if (event.type !== "trace" && event.type !== "crash") return;
      clearTimeout(timer);
      worker.terminate();
      if (event.type === "trace") resolve(event.trace);
      else reject(new Error(event.message));
    };
    worker.onerror = (error) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(`The trace worker failed to start: ${error.message}`));
    };
    const request: TraceRequest = {
      type: "trace",
      files: options.files,
      file: options.file,
      exportName: options.exportName,
      seed: options.seed,
    };
    worker.postMessage(request);
  });
}
