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
import { RingBuffer } from "./mailbox";
import { ActorRef, type Recipient } from "./ref";
import { DeathPactError, PostStop, PreRestart, type Signal } from "./signals";
import { BoundedStash, type StashBuffer } from "./stash";
import { backoffDelay, type SupervisorStrategy } from "./supervision";
import type { ActorSystem } from "./system";
import { TimerEnvelope, Timers } from "./timers";

/** @internal A lifecycle signal travelling through the mailbox. */
class SignalEnvelope {
  constructor(
    readonly signal: Signal,
    readonly from?: ActorCell<unknown>,
    readonly custom?: unknown,
  ) {}
}

/** @internal Work that must run inside the actor (adapters, piped results, restarts). */
class RunEnvelope {
  constructor(readonly run: () => unknown) {}
}

enum Life {
  Alive = 0,
  Suspended = 1,
  Dead = 2,
}

/** @internal The runtime's per-actor state: mailbox, behaviour, children and watch lists. */
export class ActorCell<T> implements ActorContext<T>, Recipient {
  readonly self: ActorRef<T>;
  readonly mailbox = new RingBuffer<unknown>();
  scheduled = false;
  private life = Life.Alive;
  private behavior!: Behavior<T>;
  private supervisor: SuperviseBehavior<T> | undefined;
  private readonly childCells = new Map<string, ActorCell<unknown>>();
  private readonly watching = new Map<ActorCell<unknown>, { custom?: unknown }>();
  private readonly watchedBy = new Set<ActorCell<unknown>>();
  private timerScheduler: Timers<T> | undefined;
  private randomStream: Random | undefined;
  private anonymous = 0;
  private restarts: number[] = [];
  private backoffAttempt = 0;
  private lastRestartAt = Number.NEGATIVE_INFINITY;
  private failure: unknown = undefined;
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
      this.fail(error);
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

  /** Handles up to `budget` messages; returns how many it took. */
  run(budget: number): number {
    let handled = 0;
    const mailbox = this.mailbox;
    while (handled < budget && mailbox.size > 0 && this.life === Life.Alive) {
      const message = mailbox.shift();
      handled++;
      try {
        if (
          message instanceof SignalEnvelope ||
          message instanceof TimerEnvelope ||
          message instanceof RunEnvelope
        ) {
          this.receiveInternal(message);
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
        const next = (behavior as ReceiveBehavior<T>).onMessage(this, message);
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
          // The outermost supervisor wins; it stays in force across restarts.
          if (!this.supervisor || current === this.initial)
            this.supervisor = current as SuperviseBehavior<T>;
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

  private fail(error: unknown): void {
    if (this.life === Life.Dead) return;
    const strategy: SupervisorStrategy = this.supervisor?.strategyFor(error) ?? { kind: "stop" };
    this.system.emit({ type: "failed", path: this.self.path, error });
    switch (strategy.kind) {
      case "resume":
        if (this.behavior) return;
        this.stopSelf(error);
        return;
      case "restart": {
        const now = this.system.scheduler.now();
        this.restarts = this.restarts.filter((t) => now - t <= strategy.withinMs);
        if (this.restarts.length >= strategy.maxRestarts) {
          this.log.error(`restart limit reached (${strategy.maxRestarts}), stopping`, error);
          this.stopSelf(error);
          return;
        }
        this.restarts.push(now);
        this.prepareRestart(strategy.stopChildren);
        this.restartNow();
        return;
      }
      case "backoff": {
        const now = this.system.scheduler.now();
        if (now - this.lastRestartAt >= strategy.resetBackoffAfter) this.backoffAttempt = 0;
        const delay = backoffDelay(this.backoffAttempt++, strategy, this.randomSource());
        this.prepareRestart(true);
        this.life = Life.Suspended;
        this.system.emit({ type: "backoff", path: this.self.path, delayMs: delay });
        this.system.scheduler.schedule(delay, () => {
          if (this.life !== Life.Suspended) return;
          this.life = Life.Alive;
          this.restartNow();
          if (this.mailbox.size > 0 && !this.scheduled) {
            this.scheduled = true;
            this.system.dispatcher.ready(this);
          }
        });
        return;
      }
      default:
        this.log.error("failed, stopping", error);
        this.stopSelf(error);
    }
  }

  private prepareRestart(stopChildren: boolean): void {
    try {
      if (this.behavior) this.signal(PreRestart);
    } catch (error) {
      this.log.error("PreRestart handler threw", error);
    }
    this.timerScheduler?.cancelAll();
    if (stopChildren) for (const child of [...this.childCells.values()]) child.stopSelf();
  }

  private restartNow(): void {
    this.lastRestartAt = this.system.scheduler.now();
    this.system.emit({ type: "restarted", path: this.self.path });
    try {
      this.behavior = this.canonicalize(this.initial);
    } catch (error) {
      this.fail(error);
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
      watcher.enqueue(new SignalEnvelope(signal, this as ActorCell<unknown>));
    }
    this.watchedBy.clear();
    for (const message of this.mailbox.drain()) {
      if (
        !(message instanceof SignalEnvelope) &&
        !(message instanceof TimerEnvelope) &&
        !(message instanceof RunEnvelope)
      ) {
        this.system.deadLetter(message, this.self.path);
      }
    }
    this.system.emit({ type: "stopped", path: this.self.path, failure: this.failure });
    this.system.cellStopped(this as ActorCell<unknown>);
  }

  // ---- ActorContext -------------------------------------------------------------------------

  get timers(): Timers<T> {
    if (!this.timerScheduler) {
      this.timerScheduler = new Timers<T>(this.system.scheduler, (envelope) =>
        this.enqueue(envelope),
      );
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
    const cell = child.recipient;
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
    const target = other.recipient;
    if (!(target instanceof ActorCell)) throw new Error(`cannot watch ${other.path}: not an actor`);
    if (target === (this as ActorCell<unknown>)) return;
    if (this.watching.has(target)) {
      this.watching.set(target, { custom });
      return;
    }
    this.watching.set(target, { custom });
    if (target.isAlive) {
      target.watchedBy.add(this as ActorCell<unknown>);
    } else {
      this.enqueue(new SignalEnvelope({ type: "Terminated", ref: other }, target));
    }
  }

  unwatch(other: ActorRef<never>): void {
    const target = other.recipient;
    if (!(target instanceof ActorCell)) return;
    this.watching.delete(target);
    target.watchedBy.delete(this as ActorCell<unknown>);
  }

  messageAdapter<U>(adapt: (message: U) => T): ActorRef<U> {
    return new ActorRef<U>(`${this.self.path}/$adapter`, {
      enqueue: (message) => this.enqueue(new RunEnvelope(() => adapt(message as U))),
    });
  }

  pipeToSelf<R>(promise: Promise<R>, adapt: (outcome: Outcome<R>) => T): void {
    this.system.scheduler.track(promise).then(
      (value) => this.enqueue(new RunEnvelope(() => adapt({ ok: true, value }))),
      (error: unknown) => this.enqueue(new RunEnvelope(() => adapt({ ok: false, error }))),
    );
  }

  deliveryOf(message: T): () => void {
    const envelope = new RunEnvelope(() => message);
    return () => this.enqueue(envelope);
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
    if (!this.randomStream) this.randomStream = this.system.random.fork(this.self.path);
    return this.randomStream;
  }

  createStash(capacity: number): StashBuffer<T> {
    return new BoundedStash<T>(capacity, (messages) => {
      this.mailbox.prependAll(messages);
      if (!this.scheduled && this.life === Life.Alive) {
        this.scheduled = true;
        this.system.dispatcher.ready(this);
      }
    });
  }
}
