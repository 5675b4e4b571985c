import type { ShardingRecord, TraceRecord } from "../../runtime/index";
import { labConfinement } from "./confine";
import { ModuleLoader } from "./loader";
import { transpile } from "./transpile";

/**
 * Replays one seed of a cluster lab with the learner's files, for the trace view. Like
 * `runChecks` it knows nothing about workers or the DOM: the worker and Node tests call it.
 */
export interface TraceReplayInput {
  /** The learner's files and the read-only ones, as for `runChecks`. */
  files: Readonly<Record<string, string>>;
  /** The runtime module `@runtime` resolves to. */
  runtime: unknown;
  /** The lab file and its export, from lab.json's `trace`. */
  file: string;
  exportName: string;
  seed: number;
}

/** The records of one replayed seed, plain data a worker can post. */
export interface LabTrace {
  readonly seed: number;
  readonly cluster: readonly TraceRecord[];
  readonly sharding: readonly ShardingRecord[];
}

export async function replayTrace(input: TraceReplayInput): Promise<LabTrace> {
  const loader = new ModuleLoader({
    files: input.files,
    checks: {},
    externals: { "@runtime": input.runtime },
    transpile,
    ...labConfinement(input),
  });
  loader.compileAll();
  const exports = loader.importFile(input.file);
  const replay = exports[input.exportName];
  if (typeof replay !== "function")
    throw new Error(`${input.file} does not export a function named ${input.exportName}`);
  const out = (await replay(input.seed)) as Partial<LabTrace> | undefined;
  if (!out || !Array.isArray(out.cluster))
    throw new Error(
      `${input.file}: ${input.exportName}(${input.seed}) must resolve to { cluster, sharding } record lists`,
    );
  return { seed: input.seed, cluster: [...out.cluster], sharding: [...(out.sharding ?? [])] };
}
