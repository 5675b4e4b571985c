import { type Random, SeededRandom } from "../sim/random";
import { RealScheduler } from "../sim/real-scheduler";
import type { Scheduler } from "../sim/scheduler";
import { type Behavior, Behaviors } from "./behavior";
import { ActorCell } from "./cell";
import type { Logger } from "./context";
import { DeadLetters } from "./dead-letters";
import { Dispatcher } from "./dispatcher";
import { type ActorRef, recipientOf } from "./ref";

/** Something the runtime did, for traces, demos and tests. */
export type SystemEvent =
  | { readonly type: "spawned"; readonly path: string }
  | { readonly type: "stopped"; readonly path: string; readonly failure?: unknown }
  | { readonly type: "failed"; readonly path: string; readonly error: unknown }
  | { readonly type: "restarted"; readonly path: string }
  | { readonly type: "backoff"; readonly path: string; readonly delayMs: number }
  | { readonly type: "deadLetter"; readonly path: string; readonly message: unknown }
  | { readonly type: "unhandled"; readonly path: string; readonly message: unknown }
  | {
      readonly type: "log";
      readonly path: string;
      readonly level: LogLevel;
      readonly text: string;
      readonly error?: unknown;
    };

/** Severity of a {@link Logger} line, as reported in a `log` {@link SystemEvent}. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Options for {@link ActorSystem.create}. */
export interface ActorSystemOptions {
  /** Clock and timers. Defaults to the real clock; pass a `VirtualScheduler` for tests. */
  scheduler?: Scheduler;
  /**
   * Seed for every random choice in the system (jitter, `ctx.random()`). Pass one only for
   * simulation and tests, where the same seed must give the same run. Without it the system
   * seeds itself from `crypto`, so a restarted process never draws the same values again (ids
   * made with `ctx.random()` would otherwise repeat after every restart).
   */
  seed?: number;
  /** Messages one actor handles before the dispatcher moves to the next actor. */
  throughput?: number;
  /** Messages handled before yielding to the host event loop. */
  batchLimit?: number;
}

/** Thrown by `ask` when no reply arrives in time. */
export class AskTimeoutError extends Error {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
    /** Set when the ask failed before its timeout, e.g. because the recipient had stopped. */
    readonly reason?: string,
  ) {
    super(
      reason
        ? `ask to ${target} failed: ${reason}`
        : `ask to ${target} timed out after ${timeoutMs} ms`,
    );
    this.name = "AskTimeoutError";
  }
}

/**
 * A tree of actors under one guardian, with one scheduler, one seeded random source and one
 * dead-letter office. The system is itself a reference to the guardian.
 *
 * @example Starting a system on a virtual clock and asking its guardian
 * ```ts
 * type Ping = { type: "ping"; replyTo: ActorRef<string> };
 * const guardian = Behaviors.receiveMessage<Ping>((msg) => {
 *   msg.replyTo.tell("pong");
 *   return Behaviors.same;
 * });
 * const sim = new VirtualScheduler();
 * const system = ActorSystem.create(guardian, "ping", { scheduler: sim, seed: 7 });
 * const reply = ask<Ping, string>(system.ref, (replyTo) => ({ type: "ping", replyTo }), {
 *   timeout: 1_000,
 * });
 * await sim.runUntilIdle(); // nothing runs until the virtual clock is driven
 * console.log(await reply); // "pong"
 * await system.terminate();
 * ```
 */
export class ActorSystem<T> {
  readonly name: string;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly deadLetters = new DeadLetters();
  /** @internal */
  readonly dispatcher: Dispatcher;
  /** @internal */
  readonly unhandledMarker = Behaviors.unhandled;
  private readonly root: ActorCell<never>;
  private readonly guardian: ActorCell<T>;
  private readonly systemCell: ActorCell<never>;
  private readonly listeners = new Set<(event: SystemEvent) => void>();
  private resolveTerminated!: () => void;
  private terminated = false;
  /** Resolves once the guardian and every actor have stopped. */
  readonly whenTerminated: Promise<void>;

  /** Starts a system whose guardian runs `guardian`. */
  static create<T>(
    guardian: Behavior<T>,
    name: string,
    options: ActorSystemOptions = {},
  ): ActorSystem<T> {
    return new ActorSystem(guardian, name, options);
  }

  private constructor(guardian: Behavior<T>, name: string, options: ActorSystemOptions) {
    if (!/^[\w-]+$/.test(name))
      throw new Error(`invalid system name "${name}": use letters, digits, - and _`);
    this.name = name;
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.random = new SeededRandom(options.seed ?? freshSeed());
    this.dispatcher = new Dispatcher(
      this.scheduler,
      options.throughput ?? 256,
      options.batchLimit ?? 100_000,
    );
    this.whenTerminated = new Promise((resolve) => {
      this.resolveTerminated = resolve;
    });
    this.root = new ActorCell<never>(
      this as ActorSystem<unknown>,
      undefined,
      name,
      name,
      Behaviors.ignore,
    );
    this.root.start();
    this.systemCell = this.spawnUnder(this.root, Behaviors.ignore, "system");
    this.guardian = this.spawnUnder(this.root, guardian, "user");
  }

  /** The guardian's reference. */
  get ref(): ActorRef<T> {
    return this.guardian.self;
  }

  /** Sends a message to the guardian. */
  tell(message: T): void {
    this.guardian.enqueue(message);
  }

  /** Starts a top-level actor beside the guardian (for tests, demos and system services). */
  systemActorOf<U>(behavior: Behavior<U>, name: string): ActorRef<U> {
    return this.systemCell.spawn(behavior, name);
  }

  /** Stops every actor; resolves when done. */
  terminate(): Promise<void> {
    this.root.stopSelf();
    return this.whenTerminated;
  }

  /** True once every actor, the guardian included, has stopped. */
  get isTerminated(): boolean {
    return this.terminated;
  }

  /** Follows what the runtime does (spawns, stops, failures, dead letters, logs). */
  observe(listener: (event: SystemEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly incarnations = new Map<string, number>();

  /** @internal How many actors have been started at `path` so far (numbering incarnations). */
  incarnationOf(path: string): number {
    const n = (this.incarnations.get(path) ?? 0) + 1;
    this.incarnations.set(path, n);
    return n;
  }

  /** @internal */
  emit(event: SystemEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** @internal */
  deadLetter(message: unknown, path: string): void {
    this.deadLetters.publish({ message, recipient: path, time: this.scheduler.now() });
    if (this.listeners.size > 0) this.emit({ type: "deadLetter", path, message });
  }

  /** @internal */
  unhandled(message: unknown, path: string): void {
    if (this.listeners.size > 0) this.emit({ type: "unhandled", path, message });
  }

  /** @internal */
  loggerFor(path: string): Logger {
    const log = (level: LogLevel) => (text: string, error?: unknown) => {
      if (this.listeners.size > 0) this.emit({ type: "log", path, level, text, error });
    };
    return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
  }

  /** @internal */
  cellStopped(cell: ActorCell<unknown>): void {
    if (cell === (this.guardian as ActorCell<unknown>) && this.root.isAlive) {
      this.root.stopSelf();
      return;
    }
    if (cell === (this.root as ActorCell<unknown>)) {
      this.terminated = true;
      this.resolveTerminated();
    }
  }

  private spawnUnder<U>(
    parent: ActorCell<never>,
    behavior: Behavior<U>,
    name: string,
  ): ActorCell<U> {
    const ref = parent.spawn(behavior, name);
    return recipientOf(ref) as ActorCell<U>;
  }
}

/** A seed no earlier run used: from `crypto` (in Node and in workers alike). */
function freshSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0] as number;
}
