import { type Behavior, Behaviors } from "../../actor/behavior";
import { type SelectedSnapshot, WriterFenced } from "../journal";
import { FencedRecoveryFailure, RecoveryFailure } from "./errors";
import { Internal } from "./protocol";
import { Running } from "./running";
import type { BehaviorSetup } from "./setup";

/** Where recovery has got to: the state and the sequence number it stands for. */
interface Recovered<S> {
  state: S;
  sequenceNr: number;
}

/**
 * Phase 1, after Akka's `ReplayingSnapshot`: load the latest snapshot (and, in the same round
 * trip, the highest stored sequence number). Commands wait in the internal stash.
 */
export function loadingSnapshot<C, E, S>(setup: BehaviorSetup<C, E, S>): Behavior<C> {
  const { ctx, persistenceId, snapshots, journal } = setup;
  ctx.pipeToSelf(
    Promise.all([snapshots.loadLatest(persistenceId), journal.highestSequenceNr(persistenceId)]),
    (outcome) =>
      (outcome.ok
        ? new Internal("loaded", outcome.value)
        : new Internal("recoveryFailed", outcome.error)) as unknown as C,
  );
  return waiting(
    setup,
    () => setup.settings.emptyState,
    (message) => {
      if (message.kind === "recoveryFailed") return recoveryFailed(setup, message.payload);
      if (message.kind !== "loaded") return Behaviors.same;
      const [snapshot, highest] = message.payload as [SelectedSnapshot | undefined, number];
      const start: Recovered<S> = snapshot
        ? { state: snapshot.snapshot as S, sequenceNr: snapshot.metadata.sequenceNr }
        : { state: setup.settings.emptyState, sequenceNr: 0 };
      setup.lastSnapshotSeq = start.sequenceNr;
      return replayingEvents(setup, start, highest);
    },
  );
}

/**
 * Phase 2, after Akka's `ReplayingEvents`: fold the events after the snapshot through the event
 * handler, in pages. A journal that holds its events in memory replays them in this turn.
 */
function replayingEvents<C, E, S>(
  setup: BehaviorSetup<C, E, S>,
  start: Recovered<S>,
  highest: number,
): Behavior<C> {
  const { journal, persistenceId, options } = setup;
  const recovered: Recovered<S> = { ...start };
  const apply = (payload: unknown, sequenceNr: number, _timestamp: number, manifest: string) => {
    if (sequenceNr !== recovered.sequenceNr + 1) {
      throw new Error(
        `journal gap: expected event ${recovered.sequenceNr + 1}, read ${sequenceNr}`,
      );
    }
    const event = options.adapter ? options.adapter.fromJournal(payload, manifest) : (payload as E);
    recovered.state = setup.applyEvent(recovered.state, event, sequenceNr, true);
    recovered.sequenceNr = sequenceNr;
  };
  const done = () => ({
    state: recovered.state,
    sequenceNr: Math.max(recovered.sequenceNr, highest),
  });

  if (journal.replayNow) {
    try {
      while (recovered.sequenceNr < highest) {
        const n = journal.replayNow(
          persistenceId,
          recovered.sequenceNr + 1,
          highest,
          options.recoveryBatch,
          apply,
        );
        if (n === 0) break;
      }
    } catch (error) {
      return recoveryFailed(setup, error);
    }
    return recoveryCompleted(setup, done());
  }

  const replay = async () => {
    while (recovered.sequenceNr < highest) {
      const page = await journal.read(
        persistenceId,
        recovered.sequenceNr + 1,
        highest,
        options.recoveryBatch,
      );
      if (page.length === 0) break;
      for (const repr of page) apply(repr.event, repr.sequenceNr, repr.timestamp, repr.manifest);
    }
    return done();
  };
  setup.ctx.pipeToSelf(
    replay(),
    (outcome) =>
      (outcome.ok
        ? new Internal("replayed", outcome.value)
        : new Internal("recoveryFailed", outcome.error)) as unknown as C,
  );
  return waiting(
    setup,
    () => recovered.state,
    (message) => {
      if (message.kind === "recoveryFailed") return recoveryFailed(setup, message.payload);
      if (message.kind !== "replayed") return Behaviors.same;
      return recoveryCompleted(setup, message.payload as Recovered<S>);
    },
  );
}

/** A recovery phase: commands and inspections wait in the internal stash. */
function waiting<C, E, S>(
  setup: BehaviorSetup<C, E, S>,
  state: () => S,
  onInternal: (message: Internal) => Behavior<C>,
): Behavior<C> {
  return Behaviors.receive<C>((_ctx, message) => {
    if (message instanceof Internal && message.kind !== "inspect") return onInternal(message);
    setup.stash.stashInternal(message);
    return Behaviors.same;
  }, setup.onSignal(state));
}

function recoveryFailed<C, E, S>(setup: BehaviorSetup<C, E, S>, error: unknown): Behavior<C> {
  setup.failingOnJournal = true;
  try {
    setup.signal(setup.settings.emptyState, { type: "RecoveryFailed", error });
  } catch (handlerError) {
    setup.ctx.log.error("RecoveryFailed handler threw", handlerError);
  }
  if (error instanceof WriterFenced) throw new FencedRecoveryFailure(setup.persistenceId, error);
  throw new RecoveryFailure(setup.persistenceId, error);
}

/** RecoveryCompleted fires once, before the first command; a handler that throws fails recovery. */
function recoveryCompleted<C, E, S>(
  setup: BehaviorSetup<C, E, S>,
  recovered: Recovered<S>,
): Behavior<C> {
  try {
    setup.signal(recovered.state, { type: "RecoveryCompleted", ...recovered });
  } catch (error) {
    setup.failingOnJournal = true;
    throw new RecoveryFailure(setup.persistenceId, error);
  }
  return new Running(setup, recovered.state, recovered.sequenceNr).start();
}
