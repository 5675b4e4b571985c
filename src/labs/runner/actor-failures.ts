import { labLocation } from "../results";

/**
 * Exceptions thrown inside actors during a check. An actor that throws is stopped by its
 * supervisor, so the check only sees what did not happen ("the command got no reply"); the
 * exception itself goes to the actor system's event stream. This records the `failed` events of
 * every actor system created while a check runs, so the runner can put the cause, with the
 * learner's `file:line`, at the top of the check's failure message.
 */

interface ObservableSystem {
  observe(listener: (event: { type: string; path?: string; error?: unknown }) => void): unknown;
}

interface SystemFactory {
  create: (...args: unknown[]) => unknown;
}

export interface ActorFailure {
  path: string;
  error: unknown;
}

/** Where the wrapped `create` of each runtime reports, for the run in progress. */
const sinks = new WeakMap<SystemFactory, { current?: (failure: ActorFailure) => void }>();

/**
 * Wraps `runtime.ActorSystem.create` so each new system reports its actor failures to `sink`;
 * returns the function that stops the reporting. The wrapper is put in once per runtime, before
 * the runner hardens the runtime for lab code (./confine.ts freezes its classes), and later runs
 * only swap the sink it reports to. A runtime that was frozen before it could be wrapped, or has
 * no `ActorSystem`, is left alone.
 */
export function recordActorFailures(
  runtime: unknown,
  sink: (failure: ActorFailure) => void,
): () => void {
  const factory = (runtime as { ActorSystem?: SystemFactory } | undefined)?.ActorSystem;
  if (!factory || typeof factory.create !== "function") return () => {};
  let slot = sinks.get(factory);
  if (!slot) {
    const original = factory.create;
    const target: { current?: (failure: ActorFailure) => void } = {};
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const system = original.apply(this, args) as ObservableSystem | undefined;
      const report = target.current;
      if (report)
        system?.observe?.((event) => {
          if (event.type === "failed") report({ path: event.path ?? "", error: event.error });
        });
      return system;
    };
    try {
      factory.create = wrapped;
    } catch {
      return () => {};
    }
    if (factory.create !== wrapped) return () => {};
    slot = target;
    sinks.set(factory, slot);
  }
  const own = slot;
  own.current = sink;
  return () => {
    if (own.current === sink) own.current = undefined;
  };
}

/** "An actor threw …" with the error and where in the learner's code it was thrown. */
export function describeActorFailure(
  failure: ActorFailure,
  mapStack: (stack: string) => string = (stack) => stack,
): string {
  const { error } = failure;
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `a thrown ${typeof error}: ${String(error)}`;
  const stack = (error as { stack?: unknown } | null)?.stack;
  const where = labLocation(typeof stack === "string" ? { stack: mapStack(stack) } : error);
  const actor = failure.path ? ` ${failure.path}` : "";
  return `The actor${actor} threw ${text}${where ? ` (at ${where})` : ""}`;
}

/**
 * The actor failures of the check that is running, as both runners report them: the page's
 * (./core.ts) and the grader's Vitest worker (src/grader/child/harden.ts). Only exceptions the
 * learner's or the checks' code threw count: a failure the runtime raises on purpose (a write a
 * check made fail) is part of the check, not its cause.
 */
export class ActorFailureLog {
  private failures: ActorFailure[] = [];
  private readonly stop: () => void;

  /** Call before the runtime is hardened for lab code (see `recordActorFailures`). */
  constructor(runtime: unknown) {
    this.stop = recordActorFailures(runtime, (f) => {
      if (labLocation(f.error) !== undefined) this.failures.push(f);
    });
  }

  /** A check starts: what failed before it is not its cause. */
  checkStarted(): void {
    this.failures = [];
  }

  /**
   * The error to put first in a failed check's errors: the exception that stopped an actor
   * explains the failure better than its symptom ("the command got no reply").
   */
  cause(mapStack?: (stack: string) => string): { name: string; message: string } | undefined {
    if (this.failures.length === 0) return undefined;
    const causes = [...new Set(this.failures.map((f) => describeActorFailure(f, mapStack)))];
    return { name: "Error", message: causes.join("\n") };
  }

  close(): void {
    this.stop();
  }
}
