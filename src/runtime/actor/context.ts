import type { Cancellable } from "../sim/scheduler";
import type { Behavior } from "./behavior";
import type { ActorRef } from "./ref";
import type { StashBuffer } from "./stash";
import type { ActorSystem } from "./system";
import type { TimerScheduler } from "./timers";

/** A line of the actor's log; see {@link ActorContext.log}. */
export interface Logger {
  /** Detail for tracing a run; demos may hide it. */
  debug(message: string): void;
  /** Something worth seeing in the demo's event log. */
  info(message: string): void;
  /** Something unexpected that the actor handled. */
  warn(message: string): void;
  /** A failure, with the error that caused it if there is one. */
  error(message: string, error?: unknown): void;
}

/** The outcome of a piped promise, as delivered by {@link ActorContext.pipeToSelf}. */
export type Outcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: unknown };

/**
 * What an actor can do besides replying: spawn and stop children, watch other actors, adapt
 * messages, and read the clock and random. Use it only inside the actor's own handlers.
 *
 * @example Spawning, watching and forwarding to a child
 * ```ts
 * type Msg = { type: "job"; payload: string };
 * declare const workerBehavior: Behavior<string>;
 * const manager = Behaviors.setup<Msg>((ctx) => {
 *   const worker = ctx.spawn(workerBehavior, "worker");
 *   ctx.watch(worker); // a Terminated signal arrives if it stops
 *   return Behaviors.receive((ctx, msg) => {
 *     ctx.log.debug(`forwarding at ${ctx.now()} ms`);
 *     worker.tell(msg.payload);
 *     return Behaviors.same;
 *   });
 * });
 * ```
 */
export interface ActorContext<T> {
  /** This actor's own reference. */
  readonly self: ActorRef<T>;
  /** The system this actor lives in. */
  readonly system: ActorSystem<unknown>;
  /** A log that records the actor's path and the scheduler's time. */
  readonly log: Logger;
  /** The keyed timers of this actor (cancelled when it stops or restarts). */
  readonly timers: TimerScheduler<T>;
  /** The children currently alive. */
  readonly children: ReadonlyArray<ActorRef<never>>;
  /** The child with this name, if it is alive. */
  child(name: string): ActorRef<never> | undefined;
  /** Starts a child actor. Names must be unique among living children. */
  spawn<U>(behavior: Behavior<U>, name: string): ActorRef<U>;
  /** Starts a child with a generated name. */
  spawnAnonymous<U>(behavior: Behavior<U>): ActorRef<U>;
  /** Stops a direct child (and its children). */
  stop(child: ActorRef<never>): void;
  /**
   * Get exactly one `Terminated` signal when `other` stops (at once if it already has); a child
   * that stopped by failing sends `ChildFailed` instead. Leaving either unhandled fails this
   * actor with a `DeathPactError`.
   *
   * @example A parent that stops when its worker does
   * ```ts
   * declare const worker: Behavior<string>;
   * const parent = Behaviors.setup<string>((ctx) => {
   *   const child = ctx.spawn(worker, "worker");
   *   ctx.watch(child);
   *   return Behaviors.receiveMessage<string>((job) => {
   *     child.tell(job);
   *     return Behaviors.same;
   *   }).receiveSignal((ctx, signal) => {
   *     if (signal.type === "Terminated" || signal.type === "ChildFailed") {
   *       ctx.log.warn(`${signal.ref.path} stopped`);
   *       return Behaviors.stopped;
   *     }
   *     return Behaviors.unhandled;
   *   });
   * });
   * ```
   */
  watch(other: ActorRef<never>): void;
  /** Like {@link watch}, but deliver `message` instead of the `Terminated` signal. */
  watchWith(other: ActorRef<never>, message: T): void;
  /** Stop watching; no `Terminated` will arrive for `other` after this. */
  unwatch(other: ActorRef<never>): void;
  /** A reference that turns `U` messages into this actor's `T` (run inside this actor). */
  messageAdapter<U>(adapt: (message: U) => T): ActorRef<U>;
  /** Delivers the promise's outcome to this actor as a message, mapped by `adapt`. */
  pipeToSelf<R>(promise: Promise<R>, adapt: (outcome: Outcome<R>) => T): void;
  /** Sends `message` to `target` after `delayMs`. Prefer keyed {@link timers} for self-messages. */
  scheduleOnce<U>(delayMs: number, target: ActorRef<U>, message: U): Cancellable;
  /** The scheduler's time in ms: virtual under simulation, so tests are exact. */
  now(): number;
  /**
   * A float in [0, 1) from this actor's own stream. Each incarnation (each start at a path, in
   * each run of an unseeded system) draws a new stream, so values never repeat after a restart;
   * only a seeded system (simulation, tests) repeats them, run after run.
   */
  random(): number;
  /** @internal Used by `Behaviors.withStash`. */
  createStash(capacity: number): StashBuffer<T>;
  /**
   * @internal A callback that queues `message` for this actor the way {@link pipeToSelf}
   * delivers an outcome (dropped, not dead-lettered, once the actor has stopped). Made once and
   * called on every completion of recurring I/O, such as journal acknowledgements, so no
   * closure or envelope is allocated per call.
   */
  deliveryOf(message: T): () => void;
  /** @internal How many envelopes wait in the mailbox (used by event sourcing). */
  readonly queued: number;
  /** @internal Drops the oldest `count` queued messages to dead letters (used by event sourcing). */
  discardQueued(count: number): void;
}
