import type { ActorRef } from "./ref";

/**
 * Lifecycle notifications delivered to a behaviour's signal handler, never to its message
 * handler. Match on `signal.type`.
 */
export type Signal = PreRestart | PostStop | Terminated | ChildFailed;

/** Sent to the failing behaviour just before a restart replaces it. */
export interface PreRestart {
  readonly type: "PreRestart";
}

/** Sent once, after the actor's children have stopped and before it is gone. */
export interface PostStop {
  readonly type: "PostStop";
}

/**
 * Sent exactly once to each watcher of an actor that stopped (see `ctx.watch`). Leaving it
 * unhandled fails the watcher with a {@link DeathPactError}, as in Akka.
 */
export interface Terminated {
  readonly type: "Terminated";
  readonly ref: ActorRef<never>;
}

/** A {@link Terminated} that a parent receives when its watched child stopped by failing. */
export interface ChildFailed {
  readonly type: "ChildFailed";
  readonly ref: ActorRef<never>;
  readonly error: unknown;
}

export const PreRestart: PreRestart = Object.freeze({ type: "PreRestart" });
export const PostStop: PostStop = Object.freeze({ type: "PostStop" });

/** Thrown in a watcher that did not handle the {@link Terminated} of an actor it watched. */
export class DeathPactError extends Error {
  constructor(readonly ref: ActorRef<never>) {
    super(`death pact: ${ref.path} stopped and its watcher did not handle Terminated`);
    this.name = "DeathPactError";
  }
}
