import type { V3Results } from "../results";
import type { CheckRunTimings } from "../runner/core";
import type { LabTrace } from "../runner/trace";

/** Page → worker: one run, then the worker is thrown away. */
export interface RunRequest {
  type: "run";
  files: Record<string, string>;
  checks: Record<string, string>;
  testTimeoutMs: number;
}

/** Page → worker: replay one seed of a cluster lab for the trace view. */
export interface TraceRequest {
  type: "trace";
  files: Record<string, string>;
  file: string;
  exportName: string;
  seed: number;
}

/** Worker → page. `test-start` lets the page name the test that hung if it must stop the run. */
export type WorkerEvent =
  | { type: "test-start"; id: string; name: string }
  | { type: "test-end"; id: string; name: string; state: string }
  | { type: "done"; results: V3Results; timings: CheckRunTimings }
  | { type: "crash"; message: string }
  | { type: "trace"; trace: LabTrace };
