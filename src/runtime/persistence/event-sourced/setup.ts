import { type Behavior, Behaviors } from "../../actor/behavior";
import type { ActorContext } from "../../actor/context";
import { sendGuard } from "../../actor/ref";
import type { Signal } from "../../actor/signals";
import type { EventWrite, Journal, PersistentRepr, SnapshotStore } from "../journal";
import { Persistence } from "../persistence-plugin";
import type { StashState } from "./stash-state";
import type { EventContext, EventSourcedSettings, EventSourcedSignal, Options } from "./types";

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * The event context handed to event handlers. One per actor, re-pointed at each event, so a
 * replay of millions of events allocates nothing per event.
 */
class ReusedEventContext implements EventContext {
  sequenceNr = 0;
  recovering = true;
  constructor(readonly persistenceId: string) {}
}

/**
 * The columns of the write in flight, one per actor and re-pointed at each write: a journal
 * keeps nothing of it once `Journal.appendAcked` returns, so a write allocates no record of its own.
 */
class ReusedWrite implements EventWrite {
  firstSequenceNr = 0;
  payloads: readonly unknown[] = NO_TAGS;
  timestamp = 0;
  manifest: string | readonly string[] = "";
  tags: readonly (readonly string[])[] | undefined = undefined;
  journalSlot: unknown = undefined;
  constructor(
    readonly persistenceId: string,
    readonly writerUuid: string,
  ) {}
}

/**
 * What every phase of one incarnation shares, after Akka's `BehaviorSetup`: the settings,
 * the stores, the stashes, and the few operations every phase needs.
 */
export class BehaviorSetup<C, E, S> {
  readonly persistenceId: string;
  readonly journal: Journal;
  readonly snapshots: SnapshotStore;
  readonly writerUuid: string;
  /** Set just before a journal failure is thrown: the restart it causes keeps the stashes. */
  failingOnJournal = false;
  /**
   * With a journal that writes at once, how many queued envelopes would, in Akka, have waited
   * in the internal stash for the write's acknowledgement. A thrown exception discards them, as
   * it discards the internal stash with a journal that acknowledges later.
   */
  heldInMailbox = 0;
  lastSnapshotSeq = 0;
  private readonly eventCtx: ReusedEventContext;
  private readonly columns: ReusedWrite;

  constructor(
    readonly ctx: ActorContext<C>,
    readonly settings: EventSourcedSettings<C, E, S>,
    readonly options: Options<S, E>,
    readonly stash: StashState<C>,
  ) {
    this.persistenceId = settings.persistenceId;
    const stores = Persistence.of(ctx.system);
    this.journal = options.journal ?? stores.journal;
    this.snapshots = options.snapshotStore ?? stores.snapshotStore;
    this.writerUuid = Math.floor(ctx.random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
    this.eventCtx = new ReusedEventContext(this.persistenceId);
    this.columns = new ReusedWrite(this.persistenceId, this.writerUuid);
  }

  signal(state: S, signal: EventSourcedSignal<S>): void {
    this.options.onSignal?.(state, signal);
  }

  /** Runs the event handler; a send from inside it throws (talk 2's rule). */
  applyEvent(state: S, event: E, sequenceNr: number, recovering: boolean): S {
    const ctx = this.eventCtx;
    ctx.sequenceNr = sequenceNr;
    ctx.recovering = recovering;
    const previous = sendGuard.reason;
    sendGuard.reason = recovering ? "replaying events" : "applying an event";
    try {
      return this.settings.eventHandler(state, event, ctx);
    } finally {
      sendGuard.reason = previous;
    }
  }

  /** The journal records for `events`, numbered from `firstSequenceNr`. */
  toReprs(events: readonly E[], firstSequenceNr: number): PersistentRepr[] {
    const { adapter, tagger } = this.options;
    const now = this.ctx.now();
    const reprs: PersistentRepr[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as E;
      reprs[i] = {
        persistenceId: this.persistenceId,
        sequenceNr: firstSequenceNr + i,
        event: adapter ? adapter.toJournal(event) : event,
        timestamp: now,
        tags: tagger?.(event) ?? NO_TAGS,
        writerUuid: this.writerUuid,
        manifest: adapter ? adapter.manifest(event) : "",
      };
    }
    return reprs;
  }

  /**
   * The same write as {@link toReprs}, as columns for `Journal.appendAcked`. The object is reused by
   * the next write; without an adapter, `payloads` is `events` itself.
   */
  toWrite(events: readonly E[], firstSequenceNr: number): EventWrite {
    const { adapter, tagger } = this.options;
    const write = this.columns;
    write.firstSequenceNr = firstSequenceNr;
    write.timestamp = this.ctx.now();
    if (!adapter && !tagger) {
      write.payloads = events;
      write.manifest = "";
      write.tags = undefined;
      return write;
    }
    // Per event in toReprs' order (payload, tags, manifest), in case the adapter or tagger keeps count.
    const payloads: unknown[] = new Array(events.length);
    const tags: (readonly string[])[] | undefined = tagger ? new Array(events.length) : undefined;
    const manifests: string[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as E;
      payloads[i] = adapter ? adapter.toJournal(event) : event;
      if (tags) tags[i] = tagger?.(event) ?? NO_TAGS;
      manifests[i] = adapter ? adapter.manifest(event) : "";
    }
    write.payloads = payloads;
    write.tags = tags;
    write.manifest = manifests.every((m) => m === manifests[0])
      ? (manifests[0] as string)
      : manifests;
    return write;
  }

  /** Drops the reused write's hold on the events it carried (see {@link toWrite}). */
  releaseWrite(): void {
    this.columns.payloads = NO_TAGS;
    this.columns.tags = undefined;
  }

  /** Whether a snapshot is due after `event` (applied, giving `state`) at `sequenceNr`. */
  shouldSnapshot(state: S, event: E, sequenceNr: number): boolean {
    const { snapshotEvery, snapshotWhen } = this.options;
    if (snapshotEvery && sequenceNr % snapshotEvery.every === 0) return true;
    return snapshotWhen?.(state, event, sequenceNr) ?? false;
  }

  /** Saves `state` as of `sequenceNr` in the background, then applies retention. */
  saveSnapshot(state: S, sequenceNr: number): void {
    if (sequenceNr === this.lastSnapshotSeq) return;
    this.lastSnapshotSeq = sequenceNr;
    const every = this.options.snapshotEvery;
    const saving = this.snapshots
      .save({ persistenceId: this.persistenceId, sequenceNr, timestamp: this.ctx.now() }, state)
      .then(async () => {
        if (every)
          await this.snapshots.deleteTo(this.persistenceId, sequenceNr - every.every * every.keep);
        this.signal(state, { type: "SnapshotCompleted", sequenceNr });
      })
      .catch((error: unknown) => this.signal(state, { type: "SnapshotFailed", sequenceNr, error }));
    this.ctx.system.scheduler.track(saving);
  }

  /**
   * Lifecycle signals, the same in every phase: the user's handler hears PreRestart and
   * PostStop; a stop discards the stashes, and so does a restart not caused by the journal.
   */
  onSignal(state: () => S): (ctx: ActorContext<C>, signal: Signal) => Behavior<C> {
    return (_ctx, signal) => {
      if (signal.type === "PreRestart") {
        if (!this.failingOnJournal) {
          this.stash.discard();
          this.ctx.discardQueued(this.heldInMailbox);
        }
        this.heldInMailbox = 0;
        this.signal(state(), { type: "PreRestart" });
        return Behaviors.same;
      }
      if (signal.type === "PostStop") {
        this.stash.discard();
        this.signal(state(), { type: "PostStop" });
        return Behaviors.same;
      }
      return Behaviors.unhandled;
    };
  }
}
