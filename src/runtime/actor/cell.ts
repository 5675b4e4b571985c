import type { Random } from "../sim/random";
import type { Cancellable } from "../sim/scheduler";
import {
  type Behavior,
  type ReceiveBehavior,
  type SetupBehavior,
  type StoppedBehavior,
  type SuperviseBehavior,
  Tag,
} from "./behavior";
import type { ActorContext, Logger, Outcome } from "./context";
import { InternalEnvelope, SegmentQueue } from "./mailbox";
import { ActorRef, type Recipient, recipientOf } from "./ref";
import { DeathPactError, PostStop, PreRestart, type Signal } from "./signals";
import { BoundedStash, type StashBuffer } from "./stash";
import { backoffDelay, SupervisorStrategy } from "./supervision";
import type { ActorSystem } from "./system";
import { TimerEnvelope, Timers } from "./timers";

/** @internal A lifecycle signal travelling through the mailbox. */
class SignalEnvelope extends InternalEnvelope {
  constructor(
    readonly signal: Signal,
    readonly from?: ActorCell<unknown>,
    readonly custom?: unknown,
  ) {
    super();
  }
}

/** @internal Work that must run inside the actor (adapters, piped results, restarts). */
class RunEnvelope extends InternalEnvelope {
  constructor(readonly run: () => unknown) {
    super();
  }
}

/** One `Behaviors.supervise` layer in force, with its own restart history. */
interface SupervisorFrame<T> {
  readonly supervisor: SuperviseBehavior<T>;
  restarts: number[];
  backoffAttempt: number;
  lastRestartAt: number;
}

/** Returned by a failure handler when nothing further failed. */
const HANDLED = Symbol("handled");

enum Life {
  Alive = 0,
  Suspended = 1,
  Dead = 2,
}

/** @internal The runtime's per-actor state: mailbox, behaviour, children and watch lists. */
export class ActorCell<T> implements ActorContext<T>, Recipient {
  readonly self: ActorRef<T>;
  readonly mailbox = new SegmentQueue<unknown>();
  scheduled = false;
  private life = Life.Alive;
  private behavior!: Behavior<T>;
  // Outermost first. The innermost layer whose rules match an error decides (as in Akka), and
  // restarting a layer rebuilds only what it wraps: layers outside it, and their state, stay.
  private supervisors: SupervisorFrame<T>[] = [];
  private readonly childCells = new Map<string, ActorCell<unknown>>();
  private readonly watching = new Map<ActorCell<unknown>, { custom?: unknown }>();
  private readonly watchedBy = new Set<ActorCell<unknown>>();
  private timerScheduler: Timers<T> | undefined;
  private randomStream: Random | undefined;
  private anonymous = 0;
  private failure: unknown = undefined;
  /**
   * Internal envelopes in the mailbox. While there are none, `run` takes every message for a
   * user message without asking its class: an `instanceof` on a message of unknown shape walks
   * its prototype chain, and that walk was the largest cost of a steady tell benchmark.
   */
  private internalQueued = 0;
  readonly log: Logger;

  constructor(
    readonly system: ActorSystem<unknown>,
    readonly parent: ActorCell<unknown> | undefined,
    readonly name: string,
    path: string,
    private readonly initial: Behavior<T>,
  ) {
    this.self = new ActorRef<T>(path, this);
    this.log = system.loggerFor(path);
  }

  /** Called once after construction; runs setup and may fail the actor straight away. */
  start(): void {
    this.system.emit({ type: "spawned", path: this.self.path });
    try {
      this.behavior = this.canonicalize(this.initial);
    } catch (error) {
      this.fail(error, true);
    }
  }

  get isAlive(): boolean {
    return this.life !== Life.Dead;
  }

  // ---- Recipient ----------------------------------------------------------------------------

  enqueue(message: unknown): void {
    if (this.life === Life.Dead) {
      if (!(message instanceof SignalEnvelope) && !(message instanceof TimerEnvelope)) {
        this.system.deadLetter(message, this.self.path);
      }
      return;
    }
    this.mailbox.push(message);
    if (!this.scheduled && this.life === Life.Alive) {
      this.scheduled = true;
      this.system.dispatcher.ready(this);
    }
  }

  /** The runtime's own mail goes in through here, so `internalQueued` counts it. */
  private post(envelope: SignalEnvelope | TimerEnvelope | RunEnvelope): void {
    if (this.life !== Life.Dead) this.internalQueued++;
    this.enqueue(envelope);
  }

  /** Handles up to `budget` messages; returns how many it took. */
  run(budget: number): number {
    let handled = 0;
    const mailbox = this.mailbox;
    while (handled < budget && mailbox.size > 0 && this.life === Life.Alive) {
      const message = mailbox.shift();
      handled++;
      try {
        if (this.internalQueued !== 0 && message instanceof InternalEnvelope) {
          this.internalQueued--;
          this.receiveInternal(message as SignalEnvelope | TimerEnvelope | RunEnvelope);
        } else {
          this.receiveMessage(message as T);
        }
      } catch (error) {
        this.fail(error);
      }
    }
    return handled;
  }

  /** Whether the dispatcher should keep this actor in its run queue. */
  get runnable(): boolean {
    return this.life === Life.Alive && this.mailbox.size > 0;
  }

  // ---- message handling ---------------------------------------------------------------------

  private receiveMessage(message: T): void {
    const behavior = this.behavior;
    switch (behavior.tag) {
      case Tag.Receive: {
        const direct = (behavior as ReceiveBehavior<T>).direct;
        const next =
          direct !== undefined
            ? direct(message)
            : (behavior as ReceiveBehavior<T>).onMessage(this, message);
        if (next.tag !== Tag.Same) this.become(next, message);
        return;
      }
      case Tag.Ignore:
        return;
      default:
        this.system.unhandled(message, this.self.path);
    }
  }

  private receiveInternal(envelope: SignalEnvelope | TimerEnvelope | RunEnvelope): void {
    if (envelope instanceof TimerEnvelope) {
      const accepted = this.timerScheduler?.accept(envelope);
      if (accepted) this.receiveMessage(accepted.message);
      return;
    }
    if (envelope instanceof RunEnvelope) {
      this.receiveMessage(envelope.run() as T);
      return;
    }
    const { signal, from } = envelope;
    if (from) {
      // A Terminated for an actor we have stopped watching (or already heard about) is dropped.
      const watch = this.watching.get(from);
      if (!watch) return;
      this.watching.delete(from);
      if (watch.custom !== undefined) {
        this.receiveMessage(watch.custom as T);
        return;
      }
    }
    const next = this.signal(signal);
    if (
      next.tag === Tag.Unhandled &&
      (signal.type === "Terminated" || signal.type === "ChildFailed")
    ) {
      throw new DeathPactError(signal.ref);
    }
    if (next.tag !== Tag.Same && next.tag !== Tag.Unhandled) this.become(next, signal);
  }

  private signal(signal: Signal): Behavior<T> {
    const behavior = this.behavior;
    if (behavior?.tag === Tag.Receive) {
      const onSignal = (behavior as ReceiveBehavior<T>).onSignal;
      if (onSignal) return onSignal(this, signal);
    }
    return behavior?.tag === Tag.Ignore
      ? (behavior as Behavior<T>)
      : (this.system.unhandledMarker as Behavior<T>);
  }

  private become(next: Behavior<T>, cause: unknown): void {
    switch (next.tag) {
      case Tag.Unhandled:
        this.system.unhandled(cause, this.self.path);
        return;
      case Tag.Stopped:
        this.stopSelf(undefined, (next as StoppedBehavior<T>).postStop);
        return;
      default:
        this.behavior = this.canonicalize(next);
    }
  }

  /** Unwraps setup and supervise until a behaviour that can take a message is left. */
  private canonicalize(behavior: Behavior<T>): Behavior<T> {
    let current = behavior;
    for (;;) {
      switch (current.tag) {
        case Tag.Setup:
          current = (current as SetupBehavior<T>).factory(this);
          break;
        case Tag.Supervise:
          this.pushSupervisor(current as SuperviseBehavior<T>);
          current = (current as SuperviseBehavior<T>).inner;
          break;
        case Tag.Same:
        case Tag.Unhandled:
          throw new Error(
            `${this.self.path}: Behaviors.same/unhandled cannot be an initial behaviour`,
          );
        case Tag.Stopped:
          this.stopSelf(undefined, (current as StoppedBehavior<T>).postStop);
          return current;
        default:
          return current;
      }
    }
  }

  // ---- failure and supervision --------------------------------------------------------------

  private pushSupervisor(supervisor: SuperviseBehavior<T>): void {
    const innermost = this.supervisors.at(-1);
    // A behaviour that returns itself wrapped in the same supervision (a common recursive
    // shape) replaces that layer instead of nesting one more per message, as Akka does.
    if (innermost && sameRules(innermost.supervisor, supervisor)) {
      this.supervisors[this.supervisors.length - 1] = { ...innermost, supervisor };
      return;
    }
    this.supervisors.push({
      supervisor,
      restarts: [],
      backoffAttempt: 0,
      lastRestartAt: Number.NEGATIVE_INFINITY,
    });
  }

  /**
   * Handles a failure, and any failure of the restarts it causes, in a loop: a setup that
   * always throws never recurses into the caller of `spawn`.
   */
  private fail(error: unknown, starting = false): void {
    let current: unknown = error;
    let onStart = starting;
    while (current !== HANDLED) {
      current = this.handleFailure(current, onStart);
      onStart = true;
    }
  }

  /** Applies the innermost matching strategy; returns the error of a failed restart, if any. */
  private handleFailure(error: unknown, starting: boolean): unknown {
    if (this.life === Life.Dead) return HANDLED;
    let index = -1;
    let strategy: SupervisorStrategy = SupervisorStrategy.stop;
    for (let i = this.supervisors.length - 1; i >= 0; i--) {
      const found = this.supervisors[i]?.supervisor.strategyFor(error);
      if (found) {
        index = i;
        strategy = found;
        break;
      }
    }
    this.system.emit({ type: "failed", path: this.self.path, error });
    const frame = this.supervisors[index];
    switch (strategy.kind) {
      case "resume":
        // A behaviour that failed to start has nothing to resume (Akka fails it too).
        if (starting || !this.behavior) break;
        return HANDLED;
      case "restart": {
        if (!frame) break;
        // An unlimited restart of a setup that throws would loop for ever: fail instead.
        if (starting && strategy.maxRestarts === Number.POSITIVE_INFINITY) {
          this.log.error("failed while starting, stopping", error);
          this.stopSelf(error);
          return HANDLED;
        }
        const now = this.system.scheduler.now();
        frame.restarts = frame.restarts.filter((t) => now - t <= strategy.withinMs);
        if (frame.restarts.length >= strategy.maxRestarts) {
          this.log.error(`restart limit reached (${strategy.maxRestarts}), stopping`, error);
          this.stopSelf(error);
          return HANDLED;
        }
        frame.restarts.push(now);
        this.prepareRestart(strategy.stopChildren, starting);
        return this.restartNow(index);
      }
      case "backoff": {
        if (!frame) break;
        const now = this.system.scheduler.now();
        if (now - frame.lastRestartAt >= strategy.resetBackoffAfter) frame.backoffAttempt = 0;
        const delay = backoffDelay(frame.backoffAttempt++, strategy, this.randomSource());
        this.prepareRestart(true, starting);
        this.life = Life.Suspended;
        this.system.emit({ type: "backoff", path: this.self.path, delayMs: delay });
        this.system.scheduler.schedule(delay, () => {
          if (this.life !== Life.Suspended) return;
          this.life = Life.Alive;
          const failed = this.restartNow(index);
          if (failed !== HANDLED) this.fail(failed, true);
          if (this.runnable && !this.scheduled) {
            this.scheduled = true;
            this.system.dispatcher.ready(this);
          }
        });
        return HANDLED;
      }
    }
    this.log.error("failed, stopping", error);
    this.stopSelf(error);
    return HANDLED;
  }

  private prepareRestart(stopChildren: boolean, starting: boolean): void {
    // Timers go first: a PreRestart handler must not see a timer of the old incarnation fire.
    this.timerScheduler?.cancelAll();
    try {
      if (this.behavior && !starting) this.signal(PreRestart);
    } catch (error) {
      this.log.error("PreRestart handler threw", error);
    }
    if (stopChildren) for (const child of [...this.childCells.values()]) child.stopSelf();
  }

  /** Rebuilds what supervisor `index` wraps; returns the error if that setup threw. */
  private restartNow(index: number): unknown {
    const frame = this.supervisors[index] as SupervisorFrame<T>;
    this.supervisors.length = index + 1;
    frame.lastRestartAt = this.system.scheduler.now();
    this.system.emit({ type: "restarted", path: this.self.path });
    try {
      this.behavior = this.canonicalize(frame.supervisor.inner);
      return HANDLED;
    } catch (error) {
      return error;
    }
  }

  // ---- stopping -----------------------------------------------------------------------------

  /** Stops children first (depth first), then signals PostStop, then notifies watchers. */
  stopSelf(failure?: unknown, postStop?: () => void): void {
    if (this.life === Life.Dead) return;
    this.life = Life.Dead;
    this.failure = failure;
    for (const child of [...this.childCells.values()]) child.stopSelf();
    this.timerScheduler?.cancelAll();
    try {
      if (this.behavior) this.signal(PostStop);
      postStop?.();
    } catch (error) {
      this.log.error("PostStop handler threw", error);
    }
    this.parent?.childCells.delete(this.name);
    for (const target of this.watching.keys()) target.watchedBy.delete(this as ActorCell<unknown>);
    this.watching.clear();
    const ref = this.self as ActorRef<never>;
    for (const watcher of this.watchedBy) {
      const childFailed = failure !== undefined && watcher === this.parent;
      const signal: Signal = childFailed
        ? { type: "ChildFailed", ref, error: failure }
        : { type: "Terminated", ref };
      watcher.post(new SignalEnvelope(signal, this as ActorCell<unknown>));
    }
    this.watchedBy.clear();
    this.internalQueued = 0;
    for (const message of this.mailbox.drain()) {
      if (!(message instanceof InternalEnvelope)) {
        this.system.deadLetter(message, this.self.path);
      }
    }
    this.system.emit({ type: "stopped", path: this.self.path, failure: this.failure });
    this.system.cellStopped(this as ActorCell<unknown>);
  }

  // ---- ActorContext -------------------------------------------------------------------------

  get timers(): Timers<T> {
    if (!this.timerScheduler) {
      this.timerScheduler = new Timers<T>(this.system.scheduler, (envelope) => this.post(envelope));
    }
    return this.timerScheduler;
  }

  get children(): ReadonlyArray<ActorRef<never>> {
    return [...this.childCells.values()].map((c) => c.self as ActorRef<never>);
  }

  child(name: string): ActorRef<never> | undefined {
    return this.childCells.get(name)?.self as ActorRef<never> | undefined;
  }

  spawn<U>(behavior: Behavior<U>, name: string): ActorRef<U> {
    if (this.life === Life.Dead)
      throw new Error(`${this.self.path} is stopped and cannot spawn "${name}"`);
    if (!/^[\w.~:@&=+$,!*'()%-]+$/.test(name)) {
      throw new Error(
        `invalid actor name "${name}": use letters, digits and - _ . ~ : @ & = + $ , ! * ' ( ) %`,
      );
    }
    if (this.childCells.has(name))
      throw new Error(`${this.self.path} already has a child named "${name}"`);
    const cell = new ActorCell<U>(
      this.system,
      this as ActorCell<unknown>,
      name,
      `${this.self.path}/${name}`,
      behavior,
    );
    this.childCells.set(name, cell as ActorCell<unknown>);
    cell.start();
    return cell.self;
  }

  spawnAnonymous<U>(behavior: Behavior<U>): ActorRef<U> {
    return this.spawn(behavior, `$${(this.anonymous++).toString(36)}`);
  }

  stop(child: ActorRef<never>): void {
    const cell = recipientOf(child);
    if (!(cell instanceof ActorCell) || cell.parent !== (this as ActorCell<unknown>)) {
      throw new Error(`${this.self.path} can only stop its own children, not ${child.path}`);
    }
    cell.stopSelf();
  }

  watch(other: ActorRef<never>): void {
    this.watchInternal(other, undefined);
  }

  watchWith(other: ActorRef<never>, message: T): void {
    this.watchInternal(other, message);
  }

  private watchInternal(other: ActorRef<never>, custom: unknown): void {
    const target = recipientOf(other);
    if (!(target instanceof ActorCell)) throw new Error(`cannot watch ${other.path}: not an actor`);
    if (target === (this as ActorCell<unknown>)) return;
    const existing = this.watching.get(target);
    if (existing) {
      // Akka refuses to change silently what a watch delivers: unwatch first to redefine it.
      if (!sameMessage(existing.custom, custom)) {
        throw new IllegalWatchError(this.self.path, other.path);
      }
      return;
    }
    this.watching.set(target, { custom });
    if (target.isAlive) {
      target.watchedBy.add(this as ActorCell<unknown>);
    } else {
      this.post(new SignalEnvelope({ type: "Terminated", ref: other }, target));
    }
  }

  unwatch(other: ActorRef<never>): void {
    const target = recipientOf(other);
    if (!(target instanceof ActorCell)) return;
    this.watching.delete(target);
    target.watchedBy.delete(this as ActorCell<unknown>);
  }

  messageAdapter<U>(adapt: (message: U) => T): ActorRef<U> {
    return new ActorRef<U>(`${this.self.path}/$adapter`, {
      enqueue: (message) => this.post(new RunEnvelope(() => adapt(message as U))),
    });
  }

  pipeToSelf<R>(promise: Promise<R>, adapt: (outcome: Outcome<R>) => T): void {
    this.system.scheduler.track(promise).then(
      (value) => this.post(new RunEnvelope(() => adapt({ ok: true, value }))),
      (error: unknown) => this.post(new RunEnvelope(() => adapt({ ok: false, error }))),
    );
  }

  deliveryOf(message: T): () => void {
    const envelope = new RunEnvelope(() => message);
    return () => this.post(envelope);
  }

  scheduleOnce<U>(delayMs: number, target: ActorRef<U>, message: U): Cancellable {
    return this.system.scheduler.schedule(delayMs, () => target.tell(message));
  }

  now(): number {
    return this.system.scheduler.now();
  }

  random(): number {
    return this.randomSource().next();
  }

  private randomSource(): Random {
    // Each actor started at a path draws its own stream: a stopped and re-spawned actor (or
    // one in a new, unseeded system) never repeats the values an earlier incarnation drew.
    this.randomStream ??= this.system.random.fork(
      `${this.self.path}#${this.system.incarnationOf(this.self.path)}`,
    );
    return this.randomStream;
  }

  createStash(capacity: number): StashBuffer<T> {
    return new BoundedStash<T>(capacity, this);
  }

  // ---- unstashing (StashBuffer) -------------------------------------------------------------

  /** @internal The behaviour unstashed messages start with: `same` means the current one. */
  unstashStart(behavior: Behavior<T>): Behavior<T> {
    if (behavior.tag === Tag.Same) return this.behavior;
    if (behavior.tag === Tag.Unhandled) {
      throw new Error(`${this.self.path}: cannot unstash into Behaviors.unhandled`);
    }
    return this.canonicalize(behavior);
  }

  /**
   * @internal Handles one unstashed message with `behavior`, in place (not through the
   * mailbox), and returns the behaviour for the next one.
   */
  unstashOne(behavior: Behavior<T>, message: T): Behavior<T> {
    if (behavior.tag === Tag.Ignore) return behavior;
    if (behavior.tag !== Tag.Receive) {
      this.system.unhandled(message, this.self.path);
      return behavior;
    }
    const direct = (behavior as ReceiveBehavior<T>).direct;
    const next =
      direct !== undefined
        ? direct(message)
        : (behavior as ReceiveBehavior<T>).onMessage(this, message);
    if (next.tag === Tag.Same) return behavior;
    if (next.tag === Tag.Unhandled) {
      this.system.unhandled(message, this.self.path);
      return behavior;
    }
    if (next.tag === Tag.Stopped) return next;
    return this.canonicalize(next);
  }

  /**
   * @internal A message handler threw while unstashing: the behaviour reached so far becomes
   * current, so PreRestart and PostStop reach it, as in Akka.
   */
  unstashFailed(behavior: Behavior<T>): void {
    if (behavior.tag === Tag.Receive || behavior.tag === Tag.Ignore) this.behavior = behavior;
  }

  /** @internal Sends an unstashed message the stopped behaviour could not take to dead letters. */
  unstashDropped(message: T): void {
    this.system.deadLetter(message, this.self.path);
  }

  /** @internal How many envelopes wait in the mailbox (used by event sourcing). */
  get queued(): number {
    return this.mailbox.size;
  }

  /** @internal Drops the oldest `count` queued messages to dead letters (used by event sourcing). */
  discardQueued(count: number): void {
    for (let i = 0; i < count && this.mailbox.size > 0; i++) {
      const message = this.mailbox.shift();
      if (message instanceof InternalEnvelope) this.internalQueued--;
      else this.system.deadLetter(message, this.self.path);
    }
  }
}

/** Thrown by `watch`/`watchWith` when a watch would silently change what it delivers. */
export class IllegalWatchError extends Error {
  constructor(watcher: string, target: string) {
    super(
      `${watcher} already watches ${target} with a different termination message; unwatch it first`,
    );
    this.name = "IllegalWatchError";
  }
}

function sameMessage(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function sameRules<T>(a: SuperviseBehavior<T>, b: SuperviseBehavior<T>): boolean {
  if (a === b) return true;
  if (a.rules.length !== b.rules.length) return false;
  return a.rules.every((rule, i) => {
    const other = b.rules[i];
    return (
      other !== undefined && rule.on === other.on && rule.strategy.kind === other.strategy.kind
    );
  });
}
