import type { V3Results } from "../results";
import type { CheckRunTimings } from "../runner/core";
import type { LabTrace } from "../runner/trace";

/**
 * Page → spare worker, as soon as it is started: what the next run will most likely load. The
 * worker transpiles these sources while the learner edits and, for cluster labs, runs a
 * warm-up simulation; no learner code runs before the `run` request.
 */
export interface PrepareRequest {
  type: "prepare";
  /** Lab files and checks by path, as the run will name them. */
  sources: Record<string, string>;
  /** Exercise the cluster runtime once, so the run starts with its hot paths compiled. */
  warmUp: boolean;
}

/**
 * Page → spare worker: pause preparing while a run in another worker needs the CPU (`hold:
 * true`), and go on after it (`hold: false`).
 */
export interface HoldRequest {
  type: "hold";
  hold: boolean;
}

/** Page → worker: one run, then the worker is thrown away. */
export interface RunRequest {
  type: "run";
  files: Record<string, string>;
  checks: Record<string, string>;
  /** One check's limit (CHECK_TIMEOUT_MS, as in CI); the page stops the whole run on its own. */
  testTimeoutMs: number;
  /** The learner's files, which get `@runtime` without the lab's withheld exports. */
  editable?: string[];
  /** lab.json `withheld`. */
  withheld?: string[];
}

/** Page → worker: replay one seed of a cluster lab for the trace view. */
export interface TraceRequest {
  type: "trace";
  files: Record<string, string>;
  file: string;
  exportName: string;
  seed: number;
}

/**
 * Worker → page. `prepared` says a spare finished its `prepare`, so a run would start at once.
 * `test-start` lets the page name the test that hung if it must stop the run. */
export type WorkerEvent =
  | { type: "prepared" }
  | { type: "test-start"; id: string; name: string }
  | { type: "test-end"; id: string; name: string; state: string; message?: string }
  | { type: "done"; results: V3Results; timings: CheckRunTimings }
  | { type: "crash"; message: string }
  | { type: "trace"; trace: LabTrace };
