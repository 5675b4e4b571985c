/**
 * What the grader tells its Vitest child, and what the child reports back on file descriptor 3.
 * Only the child's own process holds that descriptor: Vitest forks the workers that run the
 * learner's code with `stdio: "pipe"`, so nothing the learner prints or writes can reach it.
 */

export interface ChildPlan {
  /** `collect` lists the checks against trusted files; `run` runs them against a submission. */
  mode: "collect" | "run";
  /** Folder holding `checks/` (and, for runs, the submission's `lab/`); the run's cwd. */
  root: string;
  /** The run's TMPDIR, inside `root`: Vitest writes the modules the worker loads there. */
  tmpDir: string;
  /** Where `@lab/<file>` points: the sandbox's bridge modules (../lab-bridge.ts). */
  labDir: string;
  /** Where `@runtime` points: one ES module, which the worker imports natively. */
  runtimeEntry: string;
  /** Setup file that hardens the worker before any lab file loads. */
  hardenFile: string;
  /** Folders the worker may read; it may write nowhere. */
  readable: string[];
  /** Heap cap of the worker, in MB (`--max-old-space-size`). */
  memoryMb: number;
  /** Vitest's per-test timeout, which catches asynchronous hangs. */
  testTimeoutMs: number;
}

/** An error as @vitest/runner stores it on a task after processing. */
export interface WireError {
  name?: string;
  message?: string;
  diff?: string;
  stack?: string;
}

/** A @vitest/runner task tree, without the parent links that make it cyclic. */
export interface WireTask {
  type: "suite" | "test";
  id: string;
  name: string;
  mode: string;
  filepath?: string;
  result?: { state?: string; errors?: WireError[] };
  tasks?: WireTask[];
}

export type ChildEvent =
  | { type: "queued"; file: string }
  | { type: "test-start"; id: string; name: string }
  | { type: "test-end"; id: string }
  | {
      type: "done";
      files: WireTask[];
      /** Console output by test id. */
      outputs: Record<string, string>;
      unhandled: WireError[];
    }
  /** Vitest itself could not run the plan: a grader problem, not the submission's. */
  | { type: "failed"; message: string };

/** The file descriptor the child reports on. */
export const REPORT_FD = 3;
