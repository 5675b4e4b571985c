import { type Behavior, Behaviors, SetupBehavior } from "../actor/behavior";
import type { ActorContext } from "../actor/context";
import { SupervisorStrategy } from "../actor/supervision";
import type { EventAdapter } from "./adapter";
import { FencedRecoveryFailure, PersistFailure, RecoveryFailure } from "./event-sourced/errors";
import { loadingSnapshot } from "./event-sourced/replaying";
import { BehaviorSetup } from "./event-sourced/setup";
import { StashState } from "./event-sourced/stash-state";
import type {
  EventSourcedSettings,
  EventSourcedSignal,
  Options,
  StashOverflowStrategy,
} from "./event-sourced/types";
import type { Journal, SnapshotStore } from "./journal";

export { PersistFailure, RecoveryFailure } from "./event-sourced/errors";
export type {
  EventContext,
  EventSourcedSettings,
  EventSourcedSignal,
  HandlerContext,
  StashOverflowStrategy,
} from "./event-sourced/types";

/**
 * An actor whose state is the fold of its stored events, after Akka's `EventSourcedBehavior`.
 * Commands go to `commandHandler`, which returns an {@link Effect}. Its events are applied to a
 * candidate state first (an event the handler throws on is never stored), then written; the
 * state the next command sees, replies and side effects wait for the journal's acknowledgement.
 * Commands that arrive meanwhile, or during recovery, wait in a stash and are handled in order.
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
    super((ctx) => start(ctx, settings, options));
    if (!settings.persistenceId)
      throw new Error("EventSourcedBehavior: persistenceId must not be empty");
  }

  /** Builds an event-sourced behaviour; spawn it like any other behaviour. */
  static create<C, E, S>(settings: EventSourcedSettings<C, E, S>): EventSourcedBehavior<C, E, S> {
    return new EventSourcedBehavior(settings, {
      stashCapacity: 4_096,
      stashOverflow: "drop",
      recoveryBatch: 10_000,
    });
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

  /**
   * Reacts to recovery, snapshot and rejection signals, and to PreRestart and PostStop (for
   * logging, metrics or releasing resources). A handler that throws fails the actor.
   */
  receiveSignal(
    handler: (state: S, signal: EventSourcedSignal<S>) => void,
  ): EventSourcedBehavior<C, E, S> {
    return this.with({ onSignal: handler });
  }

  /**
   * What happens when the journal fails a write or recovery fails. The default stops the
   * actor; pass `SupervisorStrategy.restartWithBackoff(...)` to recover and retry later. It
   * never goes on as if the write had succeeded, and an outer `Behaviors.supervise` never
   * applies to these failures (as in Akka): it handles only the errors of your own handlers.
   */
  onPersistFailure(strategy: SupervisorStrategy): EventSourcedBehavior<C, E, S> {
    return this.with({ persistFailure: strategy });
  }

  /** Stores events through `adapter` and upcasts them with it on recovery. */
  withEventAdapter(adapter: EventAdapter<E>): EventSourcedBehavior<C, E, S> {
    return this.with({ adapter });
  }

  /**
   * How many commands may wait during recovery or a write, and in the user stash (default
   * 4,096 each).
   */
  withStashCapacity(capacity: number): EventSourcedBehavior<C, E, S> {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `withStashCapacity: capacity must be a positive integer, got ${capacity}`,
      );
    }
    return this.with({ stashCapacity: capacity });
  }

  /**
   * What happens to a command when a stash is full: `"drop"` (the default, as Akka's
   * `stash-overflow-strategy`) sends it to dead letters; `"fail"` fails the actor.
   */
  withStashOverflowStrategy(strategy: StashOverflowStrategy): EventSourcedBehavior<C, E, S> {
    return this.with({ stashOverflow: strategy });
  }
}

/**
 * Starts one incarnation. The stashes are made outside the journal-failure supervisor, so a
 * restart after a journal failure keeps the commands waiting in them (Akka's design), while
 * any other restart (an outer supervisor's) makes new ones.
 */
function start<C, E, S>(
  ctx: ActorContext<C>,
  settings: EventSourcedSettings<C, E, S>,
  options: Options<S, E>,
): Behavior<C> {
  const stash = new StashState<C>(ctx, options.stashCapacity, options.stashOverflow);
  const strategy = options.persistFailure ?? SupervisorStrategy.stop;
  return Behaviors.supervise<C>(
    Behaviors.setup((ctx) => loadingSnapshot(new BehaviorSetup(ctx, settings, options, stash))),
  )
    .onFailure(FencedRecoveryFailure, SupervisorStrategy.stop)
    .onFailure(PersistFailure, strategy)
    .onFailure(RecoveryFailure, strategy);
}
