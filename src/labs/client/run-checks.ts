import { errorResults, taskIdOf, type V3Results } from "../results";
import type { CheckRunTimings } from "../runner/core";
import type { LabTrace } from "../runner/trace";
import type { PrepareRequest, RunRequest, TraceRequest, WorkerEvent } from "../worker/protocol";

export interface BrowserRunOptions {
  files: Record<string, string>;
  checks: Record<string, string>;
  /** Hard stop for the whole run: the worker is terminated, whatever it is doing. */
  timeoutMs: number;
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

const failedToLoad = new WeakSet<Worker>();

function newWorker(): Worker {
  const worker = new Worker(new URL("../worker/check-worker.ts", import.meta.url), {
    type: "module",
    name: "lab-checks",
  });
  // A spare that fails to load before its run must not be used: remember it.
  worker.addEventListener("error", () => failedToLoad.add(worker));
  return worker;
}

/** A worker started ahead of time, so a run does not wait for the runner bundle to load. */
let spare: Worker | undefined;
/** Whether the spare has had its `prepare` message: one per worker. */
let sparePrepared = false;

/**
 * Starts the worker for the next run now. Each run still gets a fresh worker that no learner
 * code has run in; this only moves work that does not depend on the learner's next edit out of
 * their wait: loading and parsing the runner, transpiling `sources` (the checks, read-only files
 * and the code as it is now; a file edited meanwhile is transpiled again by the run), and, with
 * `warmUp`, a cluster simulation that gets the runtime's hot paths compiled.
 */
export function prepareNextRun(next?: Omit<PrepareRequest, "type">): void {
  if (!spare) {
    spare = newWorker();
    sparePrepared = false;
  }
  if (next && !sparePrepared) {
    const request: PrepareRequest = { type: "prepare", ...next };
    spare.postMessage(request);
    sparePrepared = true;
  }
}

/**
 * Runs the checks in a fresh dedicated worker. A synchronous infinite loop cannot be interrupted
 * from inside, so on timeout the page terminates the worker and reports the test that was running.
 */
export function runChecksInWorker(options: BrowserRunOptions): Promise<BrowserRunOutcome> {
  const started = performance.now();
  const worker = spare && !failedToLoad.has(spare) ? spare : newWorker();
  spare = undefined;
  return new Promise((resolve) => {
    let running: string | undefined;
    let settled = false;
    const finish = (outcome: Omit<BrowserRunOutcome, "wallMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.terminate();
      resolve({ ...outcome, wallMs: performance.now() - started });
    };
    const timer = setTimeout(() => {
      finish({ results: timeoutResults(options.timeoutMs, running), timedOut: true });
    }, options.timeoutMs);

    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      const event = message.data;
      if (event.type === "test-start") {
        running = event.name;
        options.onTestStart?.(event.name);
      } else if (event.type === "test-end") {
        running = undefined;
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
      testTimeoutMs: options.timeoutMs,
    };
    worker.postMessage(request);
  });
}

/** The v3 verdict for a run that was stopped: an error naming the test that never finished. */
export function timeoutResults(timeoutMs: number, runningTest: string | undefined): V3Results {
  const seconds = Math.round(timeoutMs / 100) / 10;
  if (runningTest === undefined) {
    return errorResults(
      `Timed out after ${seconds} s before any check finished loading. Look for a loop that never ends at the top level of your files.`,
    );
  }
  const message = `Timed out after ${seconds} s while running "${runningTest}". The run was stopped; look for a loop that never ends.`;
  const taskId = taskIdOf(runningTest.split(" > ")[0] ?? "");
  return errorResults(message, [
    {
      name: runningTest,
      test_code: "",
      status: "error",
      message,
      ...(taskId === undefined ? {} : { task_id: taskId }),
    },
  ]);
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
