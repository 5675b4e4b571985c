import { type Behavior, Behaviors } from "../../actor/behavior";
import type { ActorContext } from "../../actor/context";
import type { EffectBuilder, SideEffect } from "../effect";
import { type Journal, type PersistentRepr, PersistRejected, type WriteAck } from "../journal";
import { PersistFailure } from "./errors";
import { type Inspection, Internal } from "./protocol";
import type { BehaviorSetup } from "./setup";
import type { HandlerContext } from "./types";

/** Shared by every write that has no side effects left to run: a commit allocates nothing. */
const NO_SIDE_EFFECTS: readonly SideEffect<unknown>[] = Object.freeze([]);

/**
 * Phase 3 and 4, after Akka's `Running`: handling commands, and persisting events.
 *
 * A persist applies its events to a candidate state first, so an event the handler rejects
 * (throws on) is never written. Nothing observable changes until the journal acknowledges:
 * the next command still sees the old state and waits in the internal stash, and replies and
 * side effects run after the ack, with the candidate, which then becomes the state (the
 * events are not applied twice).
 *
 * Handling and persisting are one behaviour with a `writing` flag rather than two behaviours,
 * so a write does not cost two behaviour switches in the actor cell.
 */
export class Running<C, E, S> implements HandlerContext {
  readonly persistenceId: string;
  readonly recovering = false;
  private readonly ctx: ActorContext<C>;
  private writing = false;
  // The write in flight (one at a time), kept in fields so a write allocates no record.
  private candidate!: S;
  private pendingCount = 0;
  private pendingSnapshot = false;
  private pendingSideEffects: readonly SideEffect<S>[] = NO_SIDE_EFFECTS;
  private readonly onStored: () => void;
  private readonly onWriteFailed: (error: unknown) => void;
  private readonly appendNow: ((events: readonly PersistentRepr[]) => void) | undefined;
  private readonly acked: boolean;
  private readonly ack: WriteAck;
  private readonly snapshots: boolean;

  constructor(
    private readonly setup: BehaviorSetup<C, E, S>,
    private state: S,
    public sequenceNr: number,
  ) {
    this.persistenceId = setup.persistenceId;
    this.ctx = setup.ctx;
    // Made once per incarnation: a write costs one promise reaction, not closures per event.
    this.onStored = this.ctx.deliveryOf(new Internal("persisted", undefined) as unknown as C);
    this.onWriteFailed = (error) =>
      this.ctx.deliveryOf(new Internal("persistFailed", error) as unknown as C)();
    // A journal that stores without waiting (the in-memory one) completes a write in the
    // command's own turn; what the actor and its senders observe is the same as with a later
    // acknowledgement (see BehaviorSetup.heldInMailbox).
    this.appendNow = setup.journal.appendNow?.bind(setup.journal);
    // A journal that acknowledges by callback (Journal.appendAcked) is told where to, once: a write
    // then costs no promise and no record per event.
    this.acked = setup.journal.appendAcked !== undefined;
    this.ack = { persisted: this.onStored, failed: this.onWriteFailed };
    this.snapshots = !!(setup.options.snapshotEvery || setup.options.snapshotWhen);
  }

  now(): number {
    return this.ctx.now();
  }

  random(): number {
    return this.ctx.random();
  }

  /** The running behaviour; commands stashed during recovery are handled first. */
  start(): Behavior<C> {
    const behavior = Behaviors.receive<C>(
      (_ctx, message) => this.receive(message),
      this.setup.onSignal(() => this.state),
    );
    const next = this.drainStash();
    return next === Behaviors.same ? behavior : next;
  }

  private receive(message: C): Behavior<C> {
    if (this.setup.heldInMailbox > 0) this.setup.heldInMailbox--;
    if (message instanceof Internal) return this.onInternal(message);
    if (this.writing) {
      this.setup.stash.stashInternal(message);
      return Behaviors.same;
    }
    const next = this.handleCommand(message);
    return next === Behaviors.same ? this.drainStash() : next;
  }

  private onInternal(message: Internal): Behavior<C> {
    switch (message.kind) {
      case "inspect":
        if (this.writing) this.setup.stash.stashInternal(message as unknown as C);
        else (message.payload as Inspection<S>)(this.state, this.sequenceNr, this.persistenceId);
        return Behaviors.same;
      case "persisted":
        if (!this.writing) return Behaviors.same;
        this.writing = false;
        return this.whenSame(
          this.commit(
            this.candidate,
            this.pendingCount,
            this.pendingSnapshot,
            this.pendingSideEffects,
          ),
        );
      case "persistFailed":
        if (!this.writing) return Behaviors.same;
        this.writing = false;
        return this.writeFailed(message.payload);
      default:
        return Behaviors.same;
    }
  }

  /** Runs one command; returns `same` (a write may now be in flight), `stopped` or `unhandled`. */
  private handleCommand(command: C): Behavior<C> {
    const effect = this.setup.settings.commandHandler(this.state, command, this);
    switch (effect.kind) {
      case "persist":
        return effect.events.length > 0
          ? this.persist(effect)
          : this.runSideEffects(effect.sideEffects);
      case "unhandled":
        return Behaviors.unhandled;
      case "stop":
        return Behaviors.stopped;
      case "stash":
        this.setup.stash.stashUser(command);
        return this.runSideEffects(effect.sideEffects);
      default:
        return this.runSideEffects(effect.sideEffects);
    }
  }

  /** Applies the events to a candidate state, then writes them. */
  private persist(effect: EffectBuilder<E, S>): Behavior<C> {
    const setup = this.setup;
    const events = effect.events;
    const first = this.sequenceNr + 1;
    let candidate = this.state;
    let snapshot = false;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as E;
      candidate = setup.applyEvent(candidate, event, first + i, false);
      // Each event is checked against the state it produced, as Akka does for persistAll.
      if (this.snapshots && !snapshot) snapshot = setup.shouldSnapshot(candidate, event, first + i);
    }
    if (this.appendNow) {
      try {
        this.appendNow(setup.toReprs(events, first));
      } catch (error) {
        return this.writeFailed(error);
      }
      // Everything queued now would, with a later ack, have waited in the internal stash.
      setup.heldInMailbox = this.ctx.queued;
      return this.commit(candidate, events.length, snapshot, effect.sideEffects);
    }
    this.writing = true;
    this.candidate = candidate;
    this.pendingCount = events.length;
    this.pendingSnapshot = snapshot;
    this.pendingSideEffects = effect.sideEffects;
    const scheduler = this.ctx.system.scheduler;
    if (this.acked) {
      const journal = setup.journal as Required<Pick<Journal, "appendAcked">>;
      scheduler.track(journal.appendAcked(setup.toWrite(events, first), this.ack));
      // The journal copied what it keeps; holding the events until the next write would only
      // keep them alive past a minor collection.
      setup.releaseWrite();
    } else
      scheduler
        .track(setup.journal.append(setup.toReprs(events, first)))
        .then(this.onStored, this.onWriteFailed);
    return Behaviors.same;
  }

  /** The journal stored the events: the candidate becomes the state, then side effects run. */
  private commit(
    candidate: S,
    count: number,
    snapshot: boolean,
    sideEffects: readonly SideEffect<S>[],
  ): Behavior<C> {
    this.state = candidate;
    this.sequenceNr += count;
    this.pendingSideEffects = NO_SIDE_EFFECTS;
    if (snapshot) this.setup.saveSnapshot(candidate, this.sequenceNr);
    return this.runSideEffects(sideEffects);
  }

  private runSideEffects(effects: readonly SideEffect<S>[]): Behavior<C> {
    let stop = false;
    for (const effect of effects) {
      switch (effect.kind) {
        case "reply":
          (effect.to as unknown as { tell(m: unknown): void }).tell(effect.make(this.state));
          break;
        case "run":
          effect.run(this.state);
          break;
        case "unstashAll":
          this.setup.stash.unstashUser();
          break;
        default:
          stop = true;
      }
    }
    return stop ? Behaviors.stopped : Behaviors.same;
  }

  private whenSame(next: Behavior<C>): Behavior<C> {
    return next === Behaviors.same ? this.drainStash() : next;
  }

  /**
   * Handles stashed commands in place, oldest first, until one starts a write or stops the
   * actor: each command passes the mailbox once and the stash at most once.
   */
  private drainStash(): Behavior<C> {
    const stash = this.setup.stash.internal;
    while (!this.writing && stash.size > 0) {
      const message = stash.shift() as C;
      if (message instanceof Internal) {
        this.onInternal(message);
        continue;
      }
      const next = this.handleCommand(message);
      if (next === Behaviors.unhandled) this.ctx.system.unhandled(message, this.ctx.self.path);
      else if (next !== Behaviors.same) return next;
    }
    return Behaviors.same;
  }

  /**
   * A rejected write fails the actor through ordinary supervision (Akka's
   * EventRejectedException); any other journal failure is a {@link PersistFailure}, which only
   * `onPersistFailure`'s strategy handles. Nothing after the failed write ran.
   */
  private writeFailed(error: unknown): Behavior<C> {
    this.pendingSideEffects = NO_SIDE_EFFECTS;
    if (error instanceof PersistRejected) {
      this.setup.signal(this.state, { type: "PersistRejected", error });
      throw error;
    }
    this.setup.failingOnJournal = true;
    throw new PersistFailure(this.persistenceId, error);
  }
}
