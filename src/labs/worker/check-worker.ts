/// <reference lib="webworker" />
import type { V3Results } from "../results";
import { lockdownOnce } from "../runner/confine";
import { prepareRuntime, runChecks } from "../runner/core";
import type { Precompiled } from "../runner/loader";
import { replayTrace } from "../runner/trace";
import { transpile } from "../runner/transpile";
import type {
  HoldRequest,
  PrepareRequest,
  RunRequest,
  TraceRequest,
  WorkerEvent,
} from "./protocol";
import { warmUpCluster } from "./warm-up";

/**
 * The dedicated worker a lab page starts for each run of the checks. It only adapts messages:
 * the work is `runChecks`, which Node tests exercise directly.
 */
declare const self: DedicatedWorkerGlobalScope;

// Before anything else runs: freeze the intrinsics this worker shares with the learner's code,
// which runs in a SES compartment (../runner/confine.ts), as in the grader's worker.
lockdownOnce();

// The runtime joins the bundle when src/runtime/index.ts exists; labs that import `@runtime`
// get a clear "cannot import" error until then.
const runtimeModules = import.meta.glob("../../runtime/index.ts");

// Start loading both as soon as the worker starts: the page starts a spare worker before the
// learner asks for a run, so by then they are usually parsed and ready.
const runtimeLoading = Object.values(runtimeModules)[0]?.();
const fastCheckLoading = import("fast-check");
runtimeLoading?.catch(() => {});
fastCheckLoading.catch(() => {});

/** Sources transpiled by a `prepare` request, before any learner code ran in this worker. */
const precompiled = new Map<string, Precompiled>();
/** The warm-up in progress; a run stops it and waits for its current step. */
let preparing: Promise<void> = Promise.resolve();
let runRequested = false;
/** Set while the page runs checks in another worker; preparing waits, so that run goes first. */
let held = false;
let release: (() => void) | undefined;

/** Gives the event loop a turn (a run request may come in), then waits while held. */
async function pause(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (held && !runRequested) await new Promise<void>((resolve) => (release = resolve));
}

/**
 * Errors no check caught (thrown from a timer, a rejected promise nobody awaited). They are kept
 * here rather than ending the worker, so that a run that then finds nothing to report says why.
 */
const uncaught: string[] = [];
const describeUncaught = (e: unknown) =>
  e instanceof Error ? `${e.name}: ${e.message}` : `a thrown ${typeof e}: ${String(e)}`;
self.addEventListener("error", (event) => {
  uncaught.push(describeUncaught(event.error ?? event.message));
  event.preventDefault();
});
self.addEventListener("unhandledrejection", (event) => {
  uncaught.push(describeUncaught(event.reason));
  event.preventDefault();
});

/** A run that collected no checks names the uncaught error that stopped it, if there was one. */
function withUncaught(results: V3Results): V3Results {
  if (results.status !== "error" || results.tests.length > 0 || uncaught.length === 0) {
    return results;
  }
  const why = `The checks could not be collected: ${uncaught[0]}`;
  return { ...results, message: results.message ? `${why}\n\n${results.message}` : why };
}

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

async function prepare(request: PrepareRequest): Promise<void> {
  for (const [path, source] of Object.entries(request.sources)) {
    if (runRequested) return;
    try {
      precompiled.set(path, { source, code: transpile(path, source) });
    } catch {
      // A file that does not compile is reported by the run, with the loader's other checks.
    }
    // Let a run request in between files.
    await pause();
  }
  const runtime = await runtimeLoading;
  await fastCheckLoading;
  if (runtime !== undefined && !runRequested) prepareRuntime(runtime);
  if (request.warmUp && runtime !== undefined && !runRequested)
    await warmUpCluster(runtime as Parameters<typeof warmUpCluster>[0], async () => {
      await pause();
      return runRequested;
    });
  if (!runRequested) post({ type: "prepared" });
}

self.onmessage = async (
  message: MessageEvent<PrepareRequest | HoldRequest | RunRequest | TraceRequest>,
) => {
  const request = message.data;
  if (request?.type === "hold") {
    held = request.hold;
    if (!held) release?.();
    return;
  }
  if (request?.type === "prepare") {
    preparing = prepare(request).catch(() => {});
    return;
  }
  if (request?.type === "trace") {
    try {
      const trace = await replayTrace({ ...request, runtime: await runtimeLoading });
      post({ type: "trace", trace });
    } catch (e) {
      const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      post({ type: "crash", message: `The trace replay failed: ${text}` });
    }
    return;
  }
  if (request?.type !== "run") return;
  runRequested = true;
  release?.();
  try {
    await preparing;
    const runtime = await runtimeLoading;
    const fastCheck = await fastCheckLoading;
    const { results, timings } = await runChecks(
      {
        files: request.files,
        checks: request.checks,
        runtime,
        fastCheck,
        testTimeoutMs: request.testTimeoutMs,
        editable: request.editable,
        withheld: request.withheld,
        precompiled,
      },
      {
        onTestStart: (t) => post({ type: "test-start", id: t.id, name: t.name }),
        onTestEnd: (t) => post({ type: "test-end", ...t }),
      },
    );
    post({ type: "done", results: withUncaught(results), timings });
  } catch (e) {
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    post({ type: "crash", message: `The check runner failed: ${text}` });
  }
};
