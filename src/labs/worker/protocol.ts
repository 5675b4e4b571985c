import type { V3Results } from "../results";
import type { CheckRunTimings } from "../runner/core";

/** Page → worker: one run, then the worker is thrown away. */
export interface RunRequest {
  type: "run";
  files: Record<string, string>;
  checks: Record<string, string>;
  testTimeoutMs: number;
}

/** Worker → page. `test-start` lets the page name the test that hung if it must stop the run. */
export type WorkerEvent =
  | { type: "test-start"; id: string; name: string }
  | { type: "test-end"; id: string; name: string; state: string }
  | { type: "done"; results: V3Results; timings: CheckRunTimings }
  | { type: "crash"; message: string };
