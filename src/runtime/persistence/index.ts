export { AdaptedJournal, type EventAdapter } from "./adapter";
export { Effect, EffectBuilder } from "./effect";
export {
  type EventContext,
  EventSourcedBehavior,
  type EventSourcedSettings,
  type EventSourcedSignal,
  type HandlerContext,
  PersistFailure,
  RecoveryFailure,
  type StashOverflowStrategy,
} from "./event-sourced-behavior";
export {
  describeDataLoss,
  IndexedDBJournal,
  type IndexedDBJournalOptions,
  type JournalNotices,
  JournalWriteFailed,
} from "./indexeddb-journal";
export type { DataLossRecord, OpenReport } from "./indexeddb-schema";
export { IndexedDBSnapshotStore } from "./indexeddb-snapshot-store";
export {
  type AtomicWrite,
  type Journal,
  type PersistentRepr,
  PersistRejected,
  type SelectedSnapshot,
  SequenceConflict,
  type SnapshotMetadata,
  type SnapshotStore,
  WriterFenced,
} from "./journal";
export { InMemoryJournal } from "./memory-journal";
export { InMemorySnapshotStore } from "./memory-snapshot-store";
export {
  InMemoryOffsetStore,
  InMemoryReadModel,
  type OffsetStore,
  type TransactionalOffsetStore,
} from "./offset-store";
export { Persistence } from "./persistence-plugin";
export {
  type AtLeastOnceProjection,
  type ExactlyOnceProjection,
  type ProjectionHandle,
  type ProjectionSource,
  runProjection,
} from "./projection";
export {
  currentEventsByPersistenceId,
  currentEventsByTag,
  type EventEnvelope,
  eventsByPersistenceId,
  eventsByTag,
  type LiveStream,
  type TaggedJournal,
} from "./query";
