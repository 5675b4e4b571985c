/**
 * One stored event: the payload plus what the journal knows about it. Sequence numbers start at
 * 1 per persistence id and have no gaps.
 */
export interface PersistentRepr<E = unknown> {
  readonly persistenceId: string;
  readonly sequenceNr: number;
  readonly event: E;
  /** When the event was written, on the writer's scheduler clock (replay sees this, not now). */
  readonly timestamp: number;
  readonly tags: readonly string[];
  /** Identifies the writing incarnation, so two writers can be told apart in a trace. */
  readonly writerUuid: string;
  /** Schema name/version of the payload, for event adapters. */
  readonly manifest: string;
}

/** An event on its way into the journal; the journal assigns nothing the writer did not. */
export type AtomicWrite<E = unknown> = readonly PersistentRepr<E>[];

/**
 * An atomic write handed over as columns, for {@link Journal.appendAcked}: the events of one
 * persistence id numbered from `firstSequenceNr`, all stamped `timestamp` by `writerUuid`. It
 * says the same as the {@link PersistentRepr}s `append` takes, without a record per event.
 *
 * The writer may reuse this object and its arrays once `appendAcked` returns, so a journal copies
 * what it keeps before returning.
 */
export interface EventWrite {
  readonly persistenceId: string;
  readonly firstSequenceNr: number;
  /** The payloads, oldest first; never empty. */
  readonly payloads: readonly unknown[];
  readonly timestamp: number;
  readonly writerUuid: string;
  /** One manifest for every event, or one per event. */
  readonly manifest: string | readonly string[];
  /** Each event's tags, or undefined when no event has any. */
  readonly tags: readonly (readonly string[])[] | undefined;
  /**
   * The journal's own: where it may keep a handle to this writer's stream between writes, so a
   * writer that reuses this object is not looked up by persistence id on every write. Writers
   * leave it alone.
   */
  journalSlot?: unknown;
}

/** How {@link Journal.appendAcked} answers: exactly one of the two, once, after `appendAcked` returned. */
export interface WriteAck {
  /** Every event of the write is stored. */
  persisted(): void;
  /** Nothing of the write is stored; `error` is what `append` would have rejected with. */
  failed(error: unknown): void;
}

/**
 * The append-only event log. Implementations: in-memory (tests, simulation) and IndexedDB
 * (browser). Every method is asynchronous so both share one contract.
 *
 * @example Appending atomically, and catching a second writer
 * ```ts
 * const journal: Journal = new InMemoryJournal();
 * const deposited = (sequenceNr: number, amount: number): PersistentRepr => ({
 *   persistenceId: "account-1",
 *   sequenceNr,
 *   event: { type: "deposited", amount },
 *   timestamp: 0,
 *   tags: ["accounts"],
 *   writerUuid: "writer-1",
 *   manifest: "",
 * });
 * await journal.append([deposited(1, 50), deposited(2, 20)]); // both or neither
 * try {
 *   await journal.append([deposited(2, 99)]); // sequence number 2 is taken
 * } catch (error) {
 *   if (error instanceof SequenceConflict) console.log("another writer got there first");
 * }
 * const events = await journal.read("account-1", 1, 2); // oldest first
 * ```
 */
export interface Journal {
  /**
   * Appends `events` atomically: all or nothing. `events[0].sequenceNr` must be exactly the
   * highest stored sequence number + 1 and the batch must be consecutive; otherwise the promise
   * rejects with `SequenceConflict` and nothing is written — that is how a second writer for the
   * same persistence id is caught (a journal that knows the other writer is still running
   * rejects with `WriterFenced`, a `SequenceConflict` naming the owner). A payload the journal cannot store rejects with
   * `PersistRejected` (nothing written, the writer may go on); any other rejection is a storage
   * failure.
   */
  append(events: AtomicWrite): Promise<void>;
  /**
   * Optional, for a journal that can store without waiting (the in-memory one): the same write
   * as `append`, done before it returns, throwing what `append` would reject with. An
   * event-sourced actor then applies its events and handles its next command in the same turn,
   * with nothing to stash.
   */
  appendNow?(events: AtomicWrite): void;
  /**
   * Optional: the same write as `append`, by the same rules, acknowledged through `ack`
   * instead of a promise of its own, and never before it returns. An event-sourced actor uses
   * it when present: a write then costs no promise and no record per event. The promise it
   * returns is for a virtual clock to wait on (`Scheduler.track`): its reactions run after the
   * acknowledgement was made, and writes acknowledged together may share it.
   */
  appendAcked?(write: EventWrite, ack: WriteAck): Promise<void>;
  /**
   * Optional, for a journal that holds its events in memory: calls `visit` with each stored
   * event with from ≤ sequenceNr ≤ to, oldest first, at most `max`, without building a record
   * for each, and returns how many it visited. Recovery uses it instead of `read` when present.
   */
  replayNow?(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    visit: (event: unknown, sequenceNr: number, timestamp: number, manifest: string) => void,
  ): number;
  /** Events with from ≤ sequenceNr ≤ to, in order, at most `max`. */
  read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max?: number,
  ): Promise<PersistentRepr[]>;
  /** The highest sequence number ever written (kept even after deletion); 0 if none. */
  highestSequenceNr(persistenceId: string): Promise<number>;
  /** Deletes events up to and including `toSequenceNr`; numbering continues after them. */
  deleteTo(persistenceId: string, toSequenceNr: number): Promise<void>;
}

/** Thrown when an append's first sequence number is not the next free one. */
export class SequenceConflict extends Error {
  constructor(
    readonly persistenceId: string,
    readonly expected: number,
    readonly attempted: number,
  ) {
    super(
      `sequence conflict for "${persistenceId}": next free sequence number is ${expected}, the write started at ${attempted} (is a second writer running?)`,
    );
    this.name = "SequenceConflict";
  }
}

/**
 * A {@link SequenceConflict} lost to another writer that is still running (another tab or
 * worker holds the entity): this writer is fenced off the persistence id. A journal that can
 * tell live writers apart (the IndexedDB one) keeps refusing this connection's writes and
 * recoveries of the id until the owner is gone, so the two cannot take turns forever; an
 * event-sourced actor that meets it should stop rather than restart.
 */
export class WriterFenced extends SequenceConflict {
  constructor(
    persistenceId: string,
    expected: number,
    attempted: number,
    /** How the owner names itself (e.g. "tab 3f2a", "node-2"). */
    readonly owner: string,
    /** How this writer names itself. */
    readonly writer: string,
  ) {
    super(persistenceId, expected, attempted);
    this.message = `"${persistenceId}" is owned by ${owner}, another writer that is still running; ${writer} is fenced off it and stops writing it (close ${owner}, or stop the entity there, to take over)`;
    this.name = "WriterFenced";
  }
}

/** Thrown when the journal refuses an event (it cannot be stored); nothing was written. */
export class PersistRejected extends Error {
  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    reason: string,
  ) {
    super(`journal rejected event ${sequenceNr} of "${persistenceId}": ${reason}`);
    this.name = "PersistRejected";
  }
}

/**
 * The rejection for an event whose tags are not an array of strings (a tagger that returned
 * `undefined`, a number or an object), or undefined when they are fine. Tags become index keys,
 * so every journal refuses such an event alone, before anything of its write is stored.
 *
 * @internal
 */
export function badTags(
  e: Pick<PersistentRepr, "persistenceId" | "sequenceNr" | "tags">,
): PersistRejected | undefined {
  const tags = e.tags as unknown;
  if (Array.isArray(tags) && tags.every((t) => typeof t === "string")) return undefined;
  return new PersistRejected(
    e.persistenceId,
    e.sequenceNr,
    `tags must be an array of strings (the tagger returned ${JSON.stringify(tags) ?? String(tags)})`,
  );
}

/** A stored snapshot's identity. */
export interface SnapshotMetadata {
  readonly persistenceId: string;
  readonly sequenceNr: number;
  readonly timestamp: number;
}

/** A snapshot as loaded for recovery: the state and where in the journal it was taken. */
export interface SelectedSnapshot<S = unknown> {
  readonly metadata: SnapshotMetadata;
  readonly snapshot: S;
}

/** Stores state snapshots so recovery can skip most of the journal. */
export interface SnapshotStore {
  /** Stores the state as of `metadata.sequenceNr` (all events up to it applied). */
  save(metadata: SnapshotMetadata, snapshot: unknown): Promise<void>;
  /** The newest snapshot with sequenceNr ≤ `maxSequenceNr` (default: any). */
  loadLatest(persistenceId: string, maxSequenceNr?: number): Promise<SelectedSnapshot | undefined>;
  /** Deletes snapshots with sequenceNr ≤ `maxSequenceNr` (retention). */
  deleteTo(persistenceId: string, maxSequenceNr: number): Promise<void>;
}
