export type { EventAdapter } from "./adapter";
export { Effect, EffectBuilder } from "./effect";
export {
  EventSourcedBehavior,
  type EventSourcedSettings,
  type EventSourcedSignal,
  type HandlerContext,
  PersistFailure,
  RecoveryFailure,
} from "./event-sourced-behavior";
export { IndexedDBJournal, IndexedDBSnapshotStore } from "./indexeddb";
export {
  type AtomicWrite,
  type Journal,
  type PersistentRepr,
  PersistRejected,
  type SelectedSnapshot,
  SequenceConflict,
  type SnapshotMetadata,
  type SnapshotStore,
} from "./journal";
export { InMemoryJournal } from "./memory-journal";
export { InMemorySnapshotStore } from "./memory-snapshot-store";
export { Persistence } from "./persistence-plugin";
export {
  type AtLeastOnceOptions,
  type ExactlyOnceOptions,
  InMemoryOffsetStore,
  InMemoryReadModelStore,
  type OffsetStore,
  Projection,
  type ReadModelStore,
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
