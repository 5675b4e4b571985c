/// <reference lib="webworker" />
import { runChecks } from "../runner/core";
import { replayTrace } from "../runner/trace";
import type { RunRequest, TraceRequest, WorkerEvent } from "./protocol";

/**
 * The dedicated worker a lab page starts for each run of the checks. It only adapts messages:
 * the work is `runChecks`, which Node tests exercise directly.
 */
declare const self: DedicatedWorkerGlobalScope;

// The runtime joins the bundle when src/runtime/index.ts exists; labs that import `@runtime`
// get a clear "cannot import" error until then.
const runtimeModules = import.meta.glob("../../runtime/index.ts");

// Start loading both as soon as the worker starts: the page starts a spare worker before the
// learner asks for a run, so by then they are usually parsed and ready.
const runtimeLoading = Object.values(runtimeModules)[0]?.();
const fastCheckLoading = import("fast-check");
runtimeLoading?.catch(() => {});
fastCheckLoading.catch(() => {});

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

self.onmessage = async (message: MessageEvent<RunRequest | TraceRequest>) => {
  const request = message.data;
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
  try {
    const runtime = await runtimeLoading;
    const fastCheck = await fastCheckLoading;
    const { results, timings } = await runChecks(
      {
        files: request.files,
        checks: request.checks,
        runtime,
        fastCheck,
        testTimeoutMs: request.testTimeoutMs,
      },
      {
        onTestStart: (t) => post({ type: "test-start", id: t.id, name: t.name }),
        onTestEnd: (t) => post({ type: "test-end", id: t.id, name: t.name, state: t.state }),
      },
    );
    post({ type: "done", results, timings });
  } catch (e) {
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    post({ type: "crash", message: `The check runner failed: ${text}` });
  }
};
