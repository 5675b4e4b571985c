import type { SupervisorStrategy } from "../../actor/supervision";
import type { EventAdapter } from "../adapter";
import type { EffectBuilder } from "../effect";
import type { Journal, PersistRejected, SnapshotStore } from "../journal";

/**
 * What a command handler may use besides the state and the command. A command handler decides,
 * so this is where time and randomness belong: read them here and store what you drew in the
 * event, as Akka teaches. Event handlers get neither (see {@link EventContext}).
 *
 * @example A die: draw in the command handler, store the value in the event
 * ```ts
 * type Cmd = { type: "roll"; replyTo: ActorRef<number> };
 * type Evt = { type: "rolled"; value: number; at: number };
 * type State = { rolls: number[] };
 * const die = EventSourcedBehavior.create<Cmd, Evt, State>({
 *   persistenceId: "die-1",
 *   emptyState: { rolls: [] },
 *   commandHandler: (_state, cmd, ctx) =>
 *     Effect.persist<Evt, State>({
 *       type: "rolled",
 *       value: 1 + Math.floor(ctx.random() * 6),
 *       at: ctx.now(),
 *     }).thenReply(cmd.replyTo, (s) => s.rolls.at(-1) ?? 0),
 *   // Replay reads the stored value: no clock, no random here.
 *   eventHandler: (state, evt) => ({ rolls: [...state.rolls, evt.value] }),
 * });
 * ```
 */
export interface HandlerContext {
  readonly persistenceId: string;
  /** Sequence number of the last stored event. */
  readonly sequenceNr: number;
  /** Always false for a command (kept so one context type reads the same everywhere). */
  readonly recovering: boolean;
  /** The scheduler's time in ms (virtual under simulation). */
  now(): number;
  /**
   * A float in [0, 1) that never repeats across incarnations of the actor: each start draws
   * its own stream, and an unseeded system seeds itself from `crypto`. Seeded, reproducible
   * draws come only from a seeded system (simulation and tests).
   */
  random(): number;
}

/**
 * What an event handler may know about the event it applies. No clock and no random: an
 * event handler runs again on every recovery, so it must only fold what the event carries.
 */
export interface EventContext {
  readonly persistenceId: string;
  /** Sequence number of the event being applied. */
  readonly sequenceNr: number;
  /**
   * True while recovering from the journal; false while a new event is applied before it is
   * written (its result is kept only once the journal has stored it).
   */
  readonly recovering: boolean;
}

/** Signals an event-sourced behaviour can react to with `receiveSignal`. */
export type EventSourcedSignal<S> =
  | { readonly type: "RecoveryCompleted"; readonly state: S; readonly sequenceNr: number }
  | { readonly type: "RecoveryFailed"; readonly error: unknown }
  | { readonly type: "SnapshotCompleted"; readonly sequenceNr: number }
  | { readonly type: "SnapshotFailed"; readonly sequenceNr: number; readonly error: unknown }
  | { readonly type: "PersistRejected"; readonly error: PersistRejected }
  | { readonly type: "PreRestart" }
  | { readonly type: "PostStop" };

/** Settings for `EventSourcedBehavior.create`. */
export interface EventSourcedSettings<C, E, S> {
  /** Whose journal this is: unique per entity, e.g. `account-42`. */
  persistenceId: string;
  /** The state before any event. */
  emptyState: S;
  /** Decides what a command means: persist events, reply, do nothing, stash, or stop. */
  commandHandler: (state: S, command: C, ctx: HandlerContext) => EffectBuilder<E, S>;
  /**
   * Applies one event. Must be pure: it runs before the write (an event it throws on is never
   * stored, and the actor fails) and again on every recovery.
   */
  eventHandler: (state: S, event: E, ctx: EventContext) => S;
}

/**
 * What happens to a command that arrives while the internal stash (commands waiting for
 * recovery or a write) is full. `"drop"` (Akka's default): it goes to dead letters. `"fail"`:
 * the actor fails with a `StashOverflowError`.
 */
export type StashOverflowStrategy = "drop" | "fail";

/** @internal */
export interface Options<S, E> {
  journal?: Journal;
  snapshotStore?: SnapshotStore;
  snapshotEvery?: { every: number; keep: number };
  snapshotWhen?: (state: S, event: E, sequenceNr: number) => boolean;
  tagger?: (event: E) => readonly string[];
  onSignal?: (state: S, signal: EventSourcedSignal<S>) => void;
  persistFailure?: SupervisorStrategy;
  stashCapacity: number;
  stashOverflow: StashOverflowStrategy;
  recoveryBatch: number;
  adapter?: EventAdapter<E>;
}
