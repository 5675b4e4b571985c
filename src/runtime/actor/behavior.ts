import type { ActorContext } from "./context";
import type { Signal } from "./signals";
import type { StashBuffer } from "./stash";
import type { SupervisorStrategy } from "./supervision";
import type { TimerScheduler } from "./timers";

/** @internal Discriminates the behaviour kinds without megamorphic instanceof chains. */
export enum Tag {
  Receive = 0,
  Setup = 1,
  Same = 2,
  Stopped = 3,
  Unhandled = 4,
  Empty = 5,
  Ignore = 6,
  Supervise = 7,
}

/**
 * What an actor does with its next message. Behaviours are values: a handler returns the
 * behaviour for the next message, `Behaviors.same` to keep the current one, or
 * `Behaviors.stopped` to stop.
 */
export abstract class Behavior<T> {
  /** @internal */
  abstract readonly tag: Tag;
  /** Type-level only (never set): ties the behaviour to the messages it accepts. */
  declare readonly __message?: T;
}

type MessageHandler<T> = (ctx: ActorContext<T>, message: T) => Behavior<T>;
type SignalHandler<T> = (ctx: ActorContext<T>, signal: Signal) => Behavior<T>;

/** A behaviour built by `Behaviors.receive`; add a signal handler with {@link receiveSignal}. */
export class ReceiveBehavior<T> extends Behavior<T> {
  /** @internal */
  readonly tag = Tag.Receive;
  /**
   * @internal The `Behaviors.receiveMessage` handler itself, which the actor calls directly:
   * `onMessage` wraps it to drop the context, a second call on every message otherwise.
   */
  readonly direct: ((message: T) => Behavior<T>) | undefined;
  constructor(
    readonly onMessage: MessageHandler<T>,
    readonly onSignal?: SignalHandler<T>,
    direct?: (message: T) => Behavior<T>,
  ) {
    super();
    this.direct = direct;
  }

  /**
   * Adds a handler for lifecycle signals (`PostStop`, `PreRestart`, `Terminated`). Return
   * `Behaviors.unhandled` for signals you do not care about.
   */
  receiveSignal(onSignal: SignalHandler<T>): ReceiveBehavior<T> {
    return new ReceiveBehavior(this.onMessage, onSignal, this.direct);
  }
}

/** A behaviour built when the actor starts; see {@link Behaviors.setup}. */
export class SetupBehavior<T> extends Behavior<T> {
  /** @internal */
  readonly tag = Tag.Setup;
  constructor(readonly factory: (ctx: ActorContext<T>) => Behavior<T>) {
    super();
  }
}

/** @internal */
export class StoppedBehavior<T> extends Behavior<T> {
  /** @internal */
  readonly tag = Tag.Stopped;
  constructor(readonly postStop?: () => void) {
    super();
  }
}

/** @internal */
export class MarkerBehavior extends Behavior<never> {
  constructor(readonly tag: Tag.Same | Tag.Unhandled | Tag.Empty | Tag.Ignore) {
    super();
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** A behaviour wrapped with failure handling; see {@link Behaviors.supervise}. */
export class SuperviseBehavior<T> extends Behavior<T> {
  /** @internal */
  readonly tag = Tag.Supervise;
  constructor(
    readonly inner: Behavior<T>,
    readonly rules: ReadonlyArray<{
      readonly on?: ErrorClass;
      readonly strategy: SupervisorStrategy;
    }>,
  ) {
    super();
  }

  /**
   * Chooses what happens when the behaviour throws. Pass an error class first to apply the
   * strategy only to that kind of error; chain calls for several kinds (first match wins).
   */
  onFailure(strategy: SupervisorStrategy): SuperviseBehavior<T>;
  onFailure(on: ErrorClass, strategy: SupervisorStrategy): SuperviseBehavior<T>;
  onFailure(a: SupervisorStrategy | ErrorClass, b?: SupervisorStrategy): SuperviseBehavior<T> {
    const rule =
      typeof a === "function" ? { on: a, strategy: b as SupervisorStrategy } : { strategy: a };
    return new SuperviseBehavior(this.inner, [...this.rules, rule]);
  }

  /** @internal The strategy for `error`, or undefined if no rule matches. */
  strategyFor(error: unknown): SupervisorStrategy | undefined {
    for (const rule of this.rules) {
      if (!rule.on || error instanceof rule.on) return rule.strategy;
    }
    return undefined;
  }
}

const same = new MarkerBehavior(Tag.Same);
const unhandled = new MarkerBehavior(Tag.Unhandled);
const empty = new MarkerBehavior(Tag.Empty);
const ignore = new MarkerBehavior(Tag.Ignore);
const stopped = new StoppedBehavior<never>();

/**
 * Builds behaviours, after Akka Typed's `Behaviors`.
 *
 * @example A counter whose state is the behaviour itself
 * ```ts
 * type Counter =
 *   | { type: "inc" }
 *   | { type: "get"; replyTo: ActorRef<number> }
 *   | { type: "stop" }
 *   | { type: "reset" };
 * const counter = (n: number): Behavior<Counter> =>
 *   Behaviors.receiveMessage((msg) => {
 *     switch (msg.type) {
 *       case "inc":
 *         return counter(n + 1); // the next message sees the new state
 *       case "get":
 *         msg.replyTo.tell(n);
 *         return Behaviors.same; // keep the current behaviour
 *       case "stop":
 *         return Behaviors.stopped;
 *       default:
 *         return Behaviors.unhandled; // "reset" is not understood: reported, behaviour kept
 *     }
 *   });
 * ```
 */
export const Behaviors = {
  /**
   * Handles each message with access to the actor's context (self, spawn, watch, log…). The
   * optional second handler receives lifecycle signals.
   *
   * @example A greeter that logs through its context
   * ```ts
   * type Greet = { name: string; replyTo: ActorRef<string> };
   * const greeter = Behaviors.receive<Greet>((ctx, msg) => {
   *   ctx.log.info(`greeting ${msg.name}`);
   *   msg.replyTo.tell(`Hello, ${msg.name}!`);
   *   return Behaviors.same;
   * });
   * ```
   */
  receive<T>(onMessage: MessageHandler<T>, onSignal?: SignalHandler<T>): ReceiveBehavior<T> {
    return new ReceiveBehavior(onMessage, onSignal);
  },
  /** Handles each message without needing the context. */
  receiveMessage<T>(onMessage: (message: T) => Behavior<T>): ReceiveBehavior<T> {
    return new ReceiveBehavior<T>((_ctx, message) => onMessage(message), undefined, onMessage);
  },
  /** Handles only signals; messages are unhandled. */
  receiveSignal<T>(onSignal: SignalHandler<T>): ReceiveBehavior<T> {
    return new ReceiveBehavior<T>(() => unhandled, onSignal);
  },
  /**
   * Runs `factory` when the actor starts (and again on each restart) to build its behaviour:
   * the place to spawn children, start timers and set up initial state.
   *
   * @example Spawning a child when the actor starts
   * ```ts
   * declare const worker: Behavior<string>;
   * const manager = Behaviors.setup<{ job: string }>((ctx) => {
   *   const child = ctx.spawn(worker, "worker"); // once per start, not once per message
   *   return Behaviors.receiveMessage((msg) => {
   *     child.tell(msg.job);
   *     return Behaviors.same;
   *   });
   * });
   * ```
   */
  setup<T>(factory: (ctx: ActorContext<T>) => Behavior<T>): Behavior<T> {
    return new SetupBehavior(factory);
  },
  /** Keep the current behaviour for the next message. */
  same: same as Behavior<never>,
  /** The message was not understood: it is reported as unhandled and the behaviour is kept. */
  unhandled: unhandled as Behavior<never>,
  /** Stop this actor after the current message. Children stop first, then `PostStop`. */
  stopped: stopped as Behavior<never>,
  /** Stop, and run `postStop` once the actor has stopped. */
  stoppedWith<T>(postStop: () => void): Behavior<T> {
    return new StoppedBehavior<T>(postStop);
  },
  /** Treats every message as unhandled. */
  empty: empty as Behavior<never>,
  /** Drops every message silently. */
  ignore: ignore as Behavior<never>,
  /** Wraps a behaviour with a failure strategy; without one, a failure stops the actor. */
  supervise<T>(behavior: Behavior<T>): SuperviseBehavior<T> {
    return new SuperviseBehavior(behavior, []);
  },
  /**
   * Gives the behaviour keyed timers. Starting a timer with a key that is already active
   * replaces it: the old message is never delivered, even if it was already due.
   */
  withTimers<T>(factory: (timers: TimerScheduler<T>) => Behavior<T>): Behavior<T> {
    return new SetupBehavior((ctx) => factory(ctx.timers));
  },
  /**
   * Gives the behaviour a bounded stash. Stashing beyond `capacity` throws a StashOverflowError.
   */
  withStash<T>(capacity: number, factory: (stash: StashBuffer<T>) => Behavior<T>): Behavior<T> {
    return new SetupBehavior((ctx) => factory(ctx.createStash(capacity)));
  },
} as const;
