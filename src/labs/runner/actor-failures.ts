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

/**
 * Wraps `runtime.ActorSystem.create` so each new system reports its actor failures to `sink`;
 * returns the function that puts the original back. A runtime without an `ActorSystem` (or one
 * that cannot be wrapped) is left alone.
 */
export function recordActorFailures(
  runtime: unknown,
  sink: (failure: ActorFailure) => void,
): () => void {
  const factory = (runtime as { ActorSystem?: SystemFactory } | undefined)?.ActorSystem;
  const original = factory?.create;
  if (!factory || typeof original !== "function") return () => {};
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const system = original.apply(this, args) as ObservableSystem | undefined;
    system?.observe?.((event) => {
      if (event.type === "failed") sink({ path: event.path ?? "", error: event.error });
    });
    return system;
  };
  try {
    factory.create = wrapped;
  } catch {
    return () => {};
  }
  return () => {
    if (factory.create === wrapped) factory.create = original;
  };
}

/** "An actor threw …" with the error and where in the learner's code it was thrown. */
export function describeActorFailure(failure: ActorFailure): string {
  const { error } = failure;
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `a thrown ${typeof error}: ${String(error)}`;
  const where = labLocation(error);
  const actor = failure.path ? ` ${failure.path}` : "";
  return `The actor${actor} threw ${text}${where ? ` (at ${where})` : ""}`;
}
