import { type Behavior, Behaviors, SetupBehavior } from "../actor/behavior";
import type { ActorContext } from "../actor/context";
import { sendGuard } from "../actor/ref";
import type { SupervisorStrategy } from "../actor/supervision";
import { SeededRandom } from "../sim/random";
import type { EventAdapter } from "./adapter";
import type { EffectBuilder, SideEffect } from "./effect";
import { type Journal, type PersistentRepr, PersistRejected, type SnapshotStore } from "./journal";
import { Persistence } from "./persistence-plugin";

/**
 * Time and randomness for handlers, safe to use during replay: use `ctx.now()` and
 * `ctx.random()` instead of `Date.now()` and `Math.random()`, so recovery rebuilds the same state.
 *
 * @example A die whose rolls replay exactly
 * ```ts
 * type Cmd = { type: "roll"; replyTo: ActorRef<number> };
 * type Evt = { type: "rolled"; value: number };
 * type State = { rolls: number[]; updatedAt: number };
 * const die = EventSourcedBehavior.create<Cmd, Evt, State>({
 *   persistenceId: "die-1",
 *   emptyState: { rolls: [], updatedAt: 0 },
 *   // Draw in the command handler and store the result in the event…
 *   commandHandler: (_state, cmd, ctx) =>
 *     Effect.persist<Evt, State>({ type: "rolled", value: 1 + Math.floor(ctx.random() * 6) })
 *       .thenReply(cmd.replyTo, (s) => s.rolls.at(-1) ?? 0),
 *   // …while in the event handler ctx.now() is when the event was recorded, even during replay.
 *   eventHandler: (state, evt, ctx) => ({ rolls: [...state.rolls, evt.value], updatedAt: ctx.now() }),
 * });
 * ```
 */
export interface HandlerContext {
  readonly persistenceId: string;
  /** Sequence number of the event being applied, or of the last stored event for a command. */
  readonly sequenceNr: number;
  /** True while recovering from the journal. */
  readonly recovering: boolean;
  /**
   * For a command: the scheduler's time (stored with the events). For an event: the time the
   * event was recorded — during replay too, so rebuilt state never depends on when you replay.
   */
  now(): number;
  /**
   * A float in [0, 1). In an event handler it is seeded by persistence id and sequence number,
   * so replay draws the same numbers; in a command handler it comes from the actor's stream.
   */
  random(): number;
}

/** Signals an event-sourced behaviour can react to with `receiveSignal`. */
export type EventSourcedSignal<S> =
  | { readonly type: "RecoveryCompleted"; readonly state: S; readonly sequenceNr: number }
  | { readonly type: "RecoveryFailed"; readonly error: unknown }
  | { readonly type: "SnapshotCompleted"; readonly sequenceNr: number }
  | { readonly type: "SnapshotFailed"; readonly sequenceNr: number; readonly error: unknown }
  | { readonly type: "PersistRejected"; readonly error: PersistRejected };

/** Settings for {@link EventSourcedBehavior.create}. */
export interface EventSourcedSettings<C, E, S> {
  /** Whose journal this is: unique per entity, e.g. `account-42`. */
  persistenceId: string;
  /** The state before any event. */
  emptyState: S;
  /** Decides what a command means: persist events, reply, do nothing, or stop. */
  commandHandler: (state: S, command: C, ctx: HandlerContext) => EffectBuilder<E, S>;
  /** Applies one stored event. Must be pure: it runs again on every recovery. */
  eventHandler: (state: S, event: E, ctx: HandlerContext) => S;
}

interface Options<S, E> {
  journal?: Journal;
  snapshotStore?: SnapshotStore;
  snapshotEvery?: { every: number; keep: number };
  snapshotWhen?: (state: S, event: E, sequenceNr: number) => boolean;
  tagger?: (event: E) => readonly string[];
  onSignal?: (state: S, signal: EventSourcedSignal<S>) => void;
  persistFailure?: SupervisorStrategy;
  stashCapacity: number;
  recoveryBatch: number;
  adapter?: EventAdapter<E>;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

class Internal {
  constructor(
    readonly kind: "recovered" | "recoveryFailed" | "persisted" | "persistFailed" | "inspect",
    readonly payload: unknown,
  ) {}
}

/** Thrown (and so handed to supervision) when storing events failed. */
export class PersistFailure extends Error {
  constructor(
    readonly persistenceId: string,
    override readonly cause: unknown,
  ) {
    super(
      `persisting events for "${persistenceId}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "PersistFailure";
  }
}

/** Thrown when recovery could not read the snapshot or journal, or an event handler threw. */
export class RecoveryFailure extends Error {
  constructor(
    readonly persistenceId: string,
    override readonly cause: unknown,
  ) {
    super(
      `recovery of "${persistenceId}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "RecoveryFailure";
  }
}

/**
 * An actor whose state is the fold of its stored events, after Akka's `EventSourcedBehavior`.
 * Commands go to `commandHandler`, which returns an {@link Effect}; persisted events go through
 * `eventHandler` only after the journal stored them. Commands that arrive while events are being
 * stored, or during recovery, wait in a stash and are handled in order.
 *
 * @example A bank account: commands decide, events change the state
 * ```ts
 * type Cmd =
 *   | { type: "deposit"; amount: number; replyTo: ActorRef<number> }
 *   | { type: "balance"; replyTo: ActorRef<number> };
 * type Evt = { type: "deposited"; amount: number };
 * type State = { balance: number };
 * const account = (id: string) =>
 *   EventSourcedBehavior.create<Cmd, Evt, State>({
 *     persistenceId: `account-${id}`,
 *     emptyState: { balance: 0 },
 *     commandHandler: (state, cmd) =>
 *       cmd.type === "deposit"
 *         ? Effect.persist<Evt, State>({ type: "deposited", amount: cmd.amount }).thenReply(
 *             cmd.replyTo,
 *             (s) => s.balance, // the state after the event was stored and applied
 *           )
 *         : Effect.reply(cmd.replyTo, state.balance),
 *     eventHandler: (state, evt) => ({ balance: state.balance + evt.amount }),
 *   });
 * declare const ctx: ActorContext<unknown>;
 * const ref = ctx.spawn(account("42"), "account-42"); // recovers from the journal, then runs
 * ```
 */
export class EventSourcedBehavior<C, E, S> extends SetupBehavior<C> {
  private constructor(
    readonly settings: EventSourcedSettings<C, E, S>,
    private readonly options: Options<S, E>,
  ) {
    super((ctx) => run(ctx, settings, options));
    if (!settings.persistenceId)
      throw new Error("EventSourcedBehavior: persistenceId must not be empty");
  }

  /** Builds an event-sourced behaviour; spawn it like any other behaviour. */
  static create<C, E, S>(settings: EventSourcedSettings<C, E, S>): EventSourcedBehavior<C, E, S> {
    return new EventSourcedBehavior(settings, { stashCapacity: 4_096, recoveryBatch: 10_000 });
  }

  private with(options: Partial<Options<S, E>>): EventSourcedBehavior<C, E, S> {
    return new EventSourcedBehavior(this.settings, { ...this.options, ...options });
  }

  /** Stores events in this journal instead of the system's (see `Persistence.register`). */
  withJournal(journal: Journal): EventSourcedBehavior<C, E, S> {
    return this.with({ journal });
  }

  /** Stores snapshots in this store instead of the system's (see `Persistence.register`). */
  withSnapshotStore(snapshotStore: SnapshotStore): EventSourcedBehavior<C, E, S> {
    return this.with({ snapshotStore });
  }

  /**
   * Snapshot every `snapshotEvery` events and keep the newest `keep` snapshots: recovery loads
   * the latest snapshot and replays only the events after it. Events are never deleted.
   *
   * @example A snapshot every 100 events, keeping two
   * ```ts
   * declare const account: EventSourcedBehavior<unknown, unknown, { balance: number }>;
   * // Snapshots at sequence numbers 100, 200, 300…; after each, those older than the newest 2 go.
   * const withSnapshots = account.withRetention({ snapshotEvery: 100, keep: 2 });
   * ```
   */
  withRetention(retention: { snapshotEvery: number; keep: number }): EventSourcedBehavior<C, E, S> {
    const { snapshotEvery, keep } = retention;
    if (
      !Number.isInteger(snapshotEvery) ||
      snapshotEvery < 1 ||
      !Number.isInteger(keep) ||
      keep < 1
    ) {
      throw new RangeError(
        `withRetention: snapshotEvery and keep must be positive integers, got ${snapshotEvery} and ${keep}`,
      );
    }
    return this.with({ snapshotEvery: { every: snapshotEvery, keep } });
  }

  /**
   * Snapshot after an event for which `predicate` is true (in addition to any `withRetention`
   * schedule).
   *
   * @example A snapshot whenever an order ships
   * ```ts
   * type Evt = { type: "item-added"; sku: string } | { type: "shipped" };
   * declare const order: EventSourcedBehavior<unknown, Evt, { items: string[]; shipped: boolean }>;
   * const snapshotting = order.snapshotWhen((_state, event) => event.type === "shipped");
   * ```
   */
  snapshotWhen(
    predicate: (state: S, event: E, sequenceNr: number) => boolean,
  ): EventSourcedBehavior<C, E, S> {
    return this.with({ snapshotWhen: predicate });
  }

  /** Tags each event, for `eventsByTag` queries and projections. */
  withTagger(tagger: (event: E) => readonly string[]): EventSourcedBehavior<C, E, S> {
    return this.with({ tagger });
  }

  /** Reacts to recovery, snapshot and rejection signals (for logging or metrics). */
  receiveSignal(
    handler: (state: S, signal: EventSourcedSignal<S>) => void,
  ): EventSourcedBehavior<C, E, S> {
    return this.with({ onSignal: handler });
  }

  /**
   * What happens when the journal fails a write (call it last: it returns a plain behaviour). The default stops the actor; pass
   * `SupervisorStrategy.restartWithBackoff(...)` to recover and retry later. It never goes on as
   * if the write had succeeded.
   */
  onPersistFailure(strategy: SupervisorStrategy): Behavior<C> {
    return Behaviors.supervise<C>(this.with({ persistFailure: strategy })).onFailure(
      PersistFailure,
      strategy,
    );
  }

  /** Stores events through `adapter` and upcasts them with it on recovery. */
  withEventAdapter(adapter: EventAdapter<E>): EventSourcedBehavior<C, E, S> {
    return this.with({ adapter });
  }

  /** How many commands may wait during recovery or a write (default 4,096). */
  withStashCapacity(capacity: number): EventSourcedBehavior<C, E, S> {
    return this.with({ stashCapacity: capacity });
  }
}

/**
 * The context event handlers see. One instance per actor is re-pointed at each event, so a
 * replay of millions of events allocates nothing per event.
 */
class EventContext implements HandlerContext {
  sequenceNr = 0;
  private timestamp = 0;
  private stream: SeededRandom | undefined;

  constructor(
    readonly persistenceId: string,
    public recovering: boolean,
  ) {}

  at(sequenceNr: number, timestamp: number, recovering: boolean): this {
    this.sequenceNr = sequenceNr;
    this.timestamp = timestamp;
    this.recovering = recovering;
    this.stream = undefined;
    return this;
  }

  now(): number {
    return this.timestamp;
  }

  random(): number {
    this.stream ??= new SeededRandom(hash(`${this.persistenceId}#${this.sequenceNr}`));
    return this.stream.next();
  }
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function applyGuarded<S, E>(
  handler: EventSourcedSettings<unknown, E, S>["eventHandler"],
  state: S,
  event: E,
  ctx: HandlerContext,
): S {
  const previous = sendGuard.reason;
  sendGuard.reason = ctx.recovering ? "replaying events" : "applying an event";
  try {
    return handler(state, event, ctx);
  } finally {
    sendGuard.reason = previous;
  }
}

function run<C, E, S>(
  ctx: ActorContext<C>,
  settings: EventSourcedSettings<C, E, S>,
  options: Options<S, E>,
): Behavior<C> {
  const { persistenceId, eventHandler, commandHandler } = settings;
  const stores = Persistence.of(ctx.system);
  const journal = options.journal ?? stores.journal;
  const snapshots = options.snapshotStore ?? stores.snapshotStore;
  const writerUuid = Math.floor(ctx.random() * 2 ** 32)
    .toString(16)
    .padStart(8, "0");
  const stash = ctx.createStash(options.stashCapacity);
  const signal = (state: S, s: EventSourcedSignal<S>) => options.onSignal?.(state, s);

  const eventCtx = new EventContext(persistenceId, true);
  const adapter = options.adapter;
  let state = settings.emptyState;
  let sequenceNr = 0;
  let lastSnapshotSeq = 0;

  // ---- recovery: latest snapshot, then the events after it, in pages ----
  const recover = async (): Promise<{ state: S; sequenceNr: number }> => {
    // Independent lookups, so both go out at once: one round trip fewer per actor.
    const [snapshot, highest] = await Promise.all([
      snapshots.loadLatest(persistenceId),
      journal.highestSequenceNr(persistenceId),
    ]);
    let s = snapshot ? (snapshot.snapshot as S) : settings.emptyState;
    let seq = snapshot ? snapshot.metadata.sequenceNr : 0;
    lastSnapshotSeq = seq;
    const apply = (payload: unknown, sequenceNr: number, timestamp: number, manifest: string) => {
      if (sequenceNr !== seq + 1) {
        throw new Error(`journal gap: expected event ${seq + 1}, read ${sequenceNr}`);
      }
      const event = adapter ? adapter.fromJournal(payload, manifest) : (payload as E);
      s = applyGuarded(eventHandler, s, event, eventCtx.at(sequenceNr, timestamp, true));
      seq = sequenceNr;
    };
    while (seq < highest) {
      // An in-memory journal hands the events over as they are stored, without a record each.
      if (journal.replayNow) {
        const replayed = journal.replayNow(
          persistenceId,
          seq + 1,
          highest,
          options.recoveryBatch,
          apply,
        );
        if (replayed === 0) break;
        continue;
      }
      const page = await journal.read(persistenceId, seq + 1, highest, options.recoveryBatch);
      if (page.length === 0) break;
      for (const repr of page) apply(repr.event, repr.sequenceNr, repr.timestamp, repr.manifest);
    }
    return { state: s, sequenceNr: Math.max(seq, highest) };
  };
  ctx.pipeToSelf(
    recover(),
    (outcome) =>
      (outcome.ok
        ? new Internal("recovered", outcome.value)
        : new Internal("recoveryFailed", outcome.error)) as unknown as C,
  );

  const waiting = (onInternal: (m: Internal) => Behavior<C>): Behavior<C> =>
    Behaviors.receiveMessage<C>((message) => {
      if (message instanceof Internal) return onInternal(message);
      stash.stash(message);
      return Behaviors.same;
    });

  const recovering = waiting((m) => {
    if (m.kind === "recoveryFailed") {
      signal(state, { type: "RecoveryFailed", error: m.payload });
      throw new RecoveryFailure(persistenceId, m.payload);
    }
    if (m.kind === "recovered") {
      const result = m.payload as { state: S; sequenceNr: number };
      state = result.state;
      sequenceNr = result.sequenceNr;
      signal(state, { type: "RecoveryCompleted", state, sequenceNr });
      // Stashed commands go back one at a time, ahead of newer mail.
      if (!stash.isEmpty()) stash.unstash(Behaviors.same, 1);
      return active;
    }
    if (m.kind === "inspect") stash.stash(m as unknown as C);
    return Behaviors.same;
  });

  const runSideEffects = (effects: readonly SideEffect<S>[]): Behavior<C> => {
    let stop = false;
    for (const effect of effects) {
      if (effect.kind === "reply")
        (effect.to as unknown as { tell(m: unknown): void }).tell(effect.make(state));
      else if (effect.kind === "run") effect.run(state);
      else stop = true;
    }
    return stop ? Behaviors.stopped : Behaviors.same;
  };

  // Read once here: the persist path runs for many actors in turn, and every separate object it
  // touches per event (such as `options`) is likely a cache miss by the time it comes back.
  const { snapshotEvery: every, snapshotWhen, tagger } = options;

  const maybeSnapshot = (applied: readonly PersistentRepr[], events: readonly E[]) => {
    if (!every && !snapshotWhen) return; // the common case: no snapshots, no per-event work
    let take = false;
    applied.forEach((repr, i) => {
      if (every && repr.sequenceNr % every.every === 0) take = true;
      if (snapshotWhen?.(state, events[i] as E, repr.sequenceNr)) take = true;
    });
    if (!take || sequenceNr === lastSnapshotSeq) return;
    const at = sequenceNr;
    lastSnapshotSeq = at;
    const snapshotState = state;
    const saving = snapshots
      .save({ persistenceId, sequenceNr: at, timestamp: ctx.now() }, snapshotState)
      .then(async () => {
        if (every) await snapshots.deleteTo(persistenceId, at - every.every * every.keep);
        signal(state, { type: "SnapshotCompleted", sequenceNr: at });
      })
      .catch((error: unknown) => signal(state, { type: "SnapshotFailed", sequenceNr: at, error }));
    ctx.system.scheduler.track(saving);
  };

  // One write at a time. While it is in flight, commands and inspections wait in the stash;
  // running and persisting are one behaviour with this flag rather than two behaviours, so a
  // write does not cost two behaviour switches in the actor cell.
  let writing = false;
  let pendingEffect: EffectBuilder<E, S> | undefined;
  let pendingReprs: PersistentRepr[] = [];

  // Only one write is ever in flight, so its acknowledgement callbacks are made once per
  // incarnation: a write costs one promise reaction, not closures and envelopes per event.
  const onStored = ctx.deliveryOf(new Internal("persisted", undefined) as unknown as C);
  const onWriteFailed = (error: unknown) =>
    ctx.deliveryOf(new Internal("persistFailed", error) as unknown as C)();

  // A journal that stores without waiting (the in-memory one) lets a write complete in the
  // command's own turn: nothing is in flight, so nothing is stashed and no acknowledgement goes
  // round the mailbox. What the actor and its senders observe is the same: commands are still
  // handled one at a time, in arrival order, each after the previous one's events were applied.
  const appendNow = journal.appendNow?.bind(journal);

  const toReprs = (events: readonly E[]): PersistentRepr[] => {
    const now = ctx.now();
    const reprs: PersistentRepr[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as E;
      reprs[i] = {
        persistenceId,
        sequenceNr: sequenceNr + 1 + i,
        event: adapter ? adapter.toJournal(event) : event,
        timestamp: now,
        tags: tagger?.(event) ?? NO_TAGS,
        writerUuid,
        manifest: adapter ? adapter.manifest(event) : "",
      };
    }
    return reprs;
  };

  /** Stores the effect's events; returns what the actor does next. */
  const persist = (effect: EffectBuilder<E, S>): Behavior<C> => {
    const reprs = toReprs(effect.events);
    if (appendNow) {
      try {
        appendNow(reprs);
      } catch (error) {
        return writeFailed(error);
      }
      return thenNextStashed(applyStored(effect, reprs));
    }
    writing = true;
    pendingEffect = effect;
    pendingReprs = reprs;
    ctx.system.scheduler.track(journal.append(reprs)).then(onStored, onWriteFailed);
    return Behaviors.same;
  };

  const commandContext: HandlerContext = {
    persistenceId,
    get sequenceNr() {
      return sequenceNr;
    },
    recovering: false,
    now: () => ctx.now(),
    random: () => ctx.random(),
  };

  /** Runs one command; returns `same` (a write may now be in flight), `stopped` or `unhandled`. */
  const handleCommand = (command: C): Behavior<C> => {
    const effect = commandHandler(state, command, commandContext);
    switch (effect.kind) {
      case "persist":
        return effect.events.length > 0 ? persist(effect) : afterNoWrite(effect);
      case "unhandled":
        if (!stash.isEmpty()) stash.unstash(Behaviors.same, 1);
        return Behaviors.unhandled;
      case "stop":
        return Behaviors.stopped;
      default:
        return afterNoWrite(effect);
    }
  };

  // After a command that is done in its own turn (it stored nothing, or its journal wrote at
  // once), the next stashed message (one left from recovery) goes back to the front of the
  // mailbox, so a run of such commands stays one per message.
  const thenNextStashed = (next: Behavior<C>): Behavior<C> => {
    if (next === Behaviors.same && !stash.isEmpty()) stash.unstash(Behaviors.same, 1);
    return next;
  };

  // A command that stored nothing: its side effects run now.
  const afterNoWrite = (effect: EffectBuilder<E, S>): Behavior<C> =>
    thenNextStashed(runSideEffects(effect.sideEffects));

  const inspect = (m: Internal) => (m.payload as (s: S, seq: number) => void)(state, sequenceNr);

  // After a write, the oldest stashed command is handled right here instead of going back
  // through the mailbox: each command passes the mailbox once and the stash at most once.
  const resume = (): Behavior<C> => {
    for (let m = stash.take(); m !== undefined; m = stash.take()) {
      if (m instanceof Internal) {
        inspect(m);
        continue;
      }
      const next = handleCommand(m);
      if (next === Behaviors.unhandled) {
        ctx.system.unhandled(m, ctx.self.path);
        return Behaviors.same;
      }
      return next;
    }
    return Behaviors.same;
  };

  /** Applies events the journal stored, then runs the effect's side effects. */
  const applyStored = (
    effect: EffectBuilder<E, S>,
    reprs: readonly PersistentRepr[],
  ): Behavior<C> => {
    for (let i = 0; i < reprs.length; i++) {
      const repr = reprs[i] as PersistentRepr;
      state = applyGuarded(
        eventHandler,
        state,
        effect.events[i] as E,
        eventCtx.at(repr.sequenceNr, repr.timestamp, false),
      );
    }
    sequenceNr += reprs.length;
    maybeSnapshot(reprs, effect.events);
    return runSideEffects(effect.sideEffects);
  };

  const written = (): Behavior<C> => {
    const effect = pendingEffect as EffectBuilder<E, S>;
    const reprs = pendingReprs;
    writing = false;
    pendingEffect = undefined;
    pendingReprs = [];
    const next = applyStored(effect, reprs);
    return next === Behaviors.same ? resume() : next;
  };

  const writeFailed = (error: unknown): Behavior<C> => {
    const wasWriting = writing;
    writing = false;
    pendingEffect = undefined;
    pendingReprs = [];
    if (error instanceof PersistRejected) {
      signal(state, { type: "PersistRejected", error });
      ctx.log.warn(error.message);
      return wasWriting ? resume() : thenNextStashed(Behaviors.same);
    }
    // Commands that waited for this write go back to the mailbox: a backoff restart handles
    // them after recovery (as Akka does); a stop sends them to dead letters.
    stash.unstashAll(Behaviors.same);
    throw new PersistFailure(persistenceId, error);
  };

  const active: Behavior<C> = Behaviors.receiveMessage<C>((message) => {
    if (message instanceof Internal) {
      if (message.kind === "inspect") {
        if (writing) stash.stash(message as unknown as C);
        else inspect(message);
        return Behaviors.same;
      }
      if (!writing) return Behaviors.same;
      return message.kind === "persisted" ? written() : writeFailed(message.payload);
    }
    if (writing) {
      stash.stash(message);
      return Behaviors.same;
    }
    return handleCommand(message);
  });

  return recovering;
}

/** @internal Asks a running event-sourced actor for its state (used by the test kit). */
export function inspectState<S>(
  ref: { tell(message: never): void },
  callback: (state: S, sequenceNr: number) => void,
): void {
  (ref as unknown as { tell(m: Internal): void }).tell(new Internal("inspect", callback));
}
