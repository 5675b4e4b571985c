import {
  type AtomicWrite,
  badTags,
  type EventWrite,
  type PersistentRepr,
  PersistRejected,
  SequenceConflict,
  type WriteAck,
} from "./journal";
import { StoredStream } from "./memory-stream";
import type { EventEnvelope, TaggedJournal } from "./query";

const DONE: Promise<void> = Promise.resolve();
const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * A journal in memory: for tests, simulations and labs. Payloads are kept by reference and
 * treated as immutable; writes complete at once (`appendNow`). Failure injection
 * (`failNextAppend`, `rejectNextAppend`, `failNextRead`) lets tests exercise the unhappy paths of
 * an event-sourced behaviour.
 *
 * @example A system's journal, with a storage failure injected
 * ```ts
 * declare const guardian: Behavior<never>;
 * const journal = new InMemoryJournal();
 * const system = ActorSystem.create(guardian, "bank", { scheduler: new VirtualScheduler() });
 * Persistence.register(system, { journal });
 * journal.failNextAppend(); // the next write fails: the writer stops, or restarts if supervised
 * journal.persistenceIds(); // ids with events, in first-write order
 * ```
 */
export class InMemoryJournal implements TaggedJournal {
  /**
   * Stores `events` before it returns, by `append`'s rules, and throws what `append` would
   * reject with; an event-sourced actor then applies its events in the same turn. Absent when
   * the journal was made with `{ immediateWrites: false }`.
   */
  readonly appendNow: ((events: AtomicWrite) => void) | undefined;
  private readonly streams = new Map<string, StoredStream>();
  private readonly listeners = new Set<(events: readonly PersistentRepr[]) => void>();
  private nextAppendFailure: Error | undefined;
  private nextAppendRejection: string | undefined;
  private nextReadFailure: Error | undefined;
  /** Every event ever appended, in append order (the global offset is index + 1), as stream… */
  private readonly logStreams: StoredStream[] = [];
  /** …and sequence number. */
  private readonly logSeqs: number[] = [];
  private readonly tagged = new Map<string, EventEnvelope[]>();
  /** Writes by `appendAcked` this turn, and what each is told (undefined: stored). */
  private acks: (WriteAck | undefined)[] = [];
  private ackErrors: unknown[] = [];
  private ackCount = 0;
  /**
   * The previous turn's two lists, for the next: they are filled by index and never shrunk, so
   * a turn of writes allocates no list and never regrows one.
   */
  private spareAcks: (WriteAck | undefined)[] = [];
  private spareAckErrors: unknown[] = [];
  private acking: Promise<void> | undefined;

  /**
   * @param options.immediateWrites `true` (the default): a write is stored before `append`
   * returns, and an actor can apply it at once (`appendNow`). `false`: every write is
   * acknowledged later, as by a real store, so commands that arrive meanwhile wait in the
   * writer's stash — the path the IndexedDB journal takes.
   */
  constructor(options: { immediateWrites?: boolean } = {}) {
    this.appendNow = options.immediateWrites === false ? undefined : (events) => this.store(events);
  }

  /** Forgets every stored event (for tests that reuse one journal, like the test kit's `clear`). */
  clear(): void {
    for (const stream of this.streams.values()) stream.live = false;
    this.streams.clear();
    this.logStreams.length = 0;
    this.logSeqs.length = 0;
    this.tagged.clear();
  }

  append(events: AtomicWrite): Promise<void> {
    try {
      this.store(events);
      return DONE;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `append` acknowledged through `ack` (see `Journal.appendAcked`): stored now, acknowledged
   * later, as a durable journal's group commit is. The writes of one turn are acknowledged
   * together, in write order, by one promise reaction: no promise and no record per write.
   */
  appendAcked(write: EventWrite, ack: WriteAck): Promise<void> {
    let error: unknown;
    try {
      this.storeColumns(write);
    } catch (failure) {
      error = failure ?? new Error("journal write failed with no reason given");
    }
    const n = this.ackCount++;
    this.acks[n] = ack;
    this.ackErrors[n] = error;
    this.acking ??= DONE.then(this.deliverAcks);
    return this.acking;
  }

  /** Acknowledges the writes of the turn just ended; a write made meanwhile waits for the next. */
  private readonly deliverAcks = (): void => {
    const { acks, ackErrors, ackCount } = this;
    this.acks = this.spareAcks;
    this.ackErrors = this.spareAckErrors;
    this.ackCount = 0;
    this.acking = undefined;
    for (let i = 0; i < ackCount; i++) {
      const ack = acks[i] as WriteAck;
      const error = ackErrors[i];
      // Nothing of a delivered write stays reachable from here.
      acks[i] = undefined;
      ackErrors[i] = undefined;
      try {
        if (error === undefined) ack.persisted();
        else ack.failed(error);
      } catch (thrown) {
        // One writer's callback must not cost the others their acknowledgement.
        queueMicrotask(() => {
          throw thrown;
        });
      }
    }
    this.spareAcks = acks;
    this.spareAckErrors = ackErrors;
  };

  private store(events: AtomicWrite): void {
    const first = events[0];
    if (!first) return;
    const pid = first.persistenceId;
    for (let i = 1; i < events.length; i++) {
      const e = events[i] as PersistentRepr;
      if (e.persistenceId !== pid || e.sequenceNr !== first.sequenceNr + i) {
        throw new Error(
          `an atomic write must be one persistence id with consecutive sequence numbers (event ${i})`,
        );
      }
    }
    this.refuseInjected(pid, first.sequenceNr);
    for (const e of events) this.refuseUnstorable(pid, e.sequenceNr, e.event, e.tags);
    const stream = this.nextWrite(pid, first.sequenceNr);
    stream.append(events);
    this.logged(stream, events.length);
    if (this.listeners.size > 0) this.notify(events);
  }

  /** `store` for a write handed over as columns; the same checks, in the same order. */
  private storeColumns(write: EventWrite): void {
    const { persistenceId: pid, firstSequenceNr: first, payloads, tags } = write;
    if (payloads.length === 0) return;
    this.refuseInjected(pid, first);
    for (let i = 0; i < payloads.length; i++) {
      this.refuseUnstorable(pid, first + i, payloads[i], tags === undefined ? NO_TAGS : tags[i]);
    }
    // The writer's handle to its stream, when it holds one: no lookup by persistence id.
    const held = write.journalSlot;
    const stream =
      held instanceof StoredStream && held.owner === this && held.live && held.persistenceId === pid
        ? this.checkNext(held, first)
        : this.nextWrite(pid, first);
    // A write that cannot carry the handle (a frozen object) is simply looked up each time.
    if (held !== stream && Object.isExtensible(write)) write.journalSlot = stream;
    stream.appendColumns(write);
    this.logged(stream, payloads.length);
    if (this.listeners.size > 0) {
      const stored: PersistentRepr[] = [];
      for (let seq = first; seq <= stream.highest; seq++)
        stored.push(stream.at(seq) as PersistentRepr);
      this.notify(stored);
    }
  }

  /** Throws the failure or rejection a test injected for the next append, once. */
  private refuseInjected(pid: string, firstSequenceNr: number): void {
    if (this.nextAppendFailure) {
      const error = this.nextAppendFailure;
      this.nextAppendFailure = undefined;
      throw error;
    }
    if (this.nextAppendRejection !== undefined) {
      const reason = this.nextAppendRejection;
      this.nextAppendRejection = undefined;
      throw new PersistRejected(pid, firstSequenceNr, reason);
    }
  }

  /** Throws `PersistRejected` for an event this journal cannot store. */
  private refuseUnstorable(pid: string, sequenceNr: number, payload: unknown, tags: unknown): void {
    if (!Array.isArray(tags) || tags.length !== 0) {
      const tagProblem = badTags({
        persistenceId: pid,
        sequenceNr,
        tags: tags as readonly string[],
      });
      if (tagProblem) throw tagProblem;
    }
    if (payload === undefined || typeof payload === "function") {
      throw new PersistRejected(
        pid,
        sequenceNr,
        `payload of type ${typeof payload} cannot be stored`,
      );
    }
  }

  /** The stream a write starting at `firstSequenceNr` goes to; a `SequenceConflict` if taken. */
  private nextWrite(pid: string, firstSequenceNr: number): StoredStream {
    let stream = this.streams.get(pid);
    if (!stream) {
      stream = new StoredStream(pid, this);
      this.streams.set(pid, stream);
    }
    return this.checkNext(stream, firstSequenceNr);
  }

  /** `stream`, if a write starting at `firstSequenceNr` is the next one; else a `SequenceConflict`. */
  private checkNext(stream: StoredStream, firstSequenceNr: number): StoredStream {
    if (firstSequenceNr !== stream.highest + 1) {
      throw new SequenceConflict(stream.persistenceId, stream.highest + 1, firstSequenceNr);
    }
    return stream;
  }

  /** Adds the last `count` events just stored in `stream` to the global log and tag index. */
  private logged(stream: StoredStream, count: number): void {
    for (let seq = stream.highest - count + 1; seq <= stream.highest; seq++) {
      this.logStreams.push(stream);
      this.logSeqs.push(seq);
      const tags = stream.tagsAt(seq);
      if (tags !== undefined) this.index(stream, seq, tags, this.logSeqs.length);
    }
  }

  private notify(events: AtomicWrite): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        // The events are stored: a failing subscriber must not turn the write into a failure.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Promise<PersistentRepr[]> {
    const failure = this.takeReadFailure();
    if (failure) return Promise.reject(failure);
    const stream = this.streams.get(persistenceId);
    return Promise.resolve(stream ? stream.read(fromSequenceNr, toSequenceNr, max) : []);
  }

  /** Recovery's fast path: the stored events' parts, without a record each (see `Journal`). */
  replayNow(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    visit: (event: unknown, sequenceNr: number, timestamp: number, manifest: string) => void,
  ): number {
    const failure = this.takeReadFailure();
    if (failure) throw failure;
    const stream = this.streams.get(persistenceId);
    return stream ? stream.replay(fromSequenceNr, toSequenceNr, max, visit) : 0;
  }

  /** The injected read failure, if any; it fails one read only. */
  private takeReadFailure(): Error | undefined {
    const error = this.nextReadFailure;
    this.nextReadFailure = undefined;
    return error;
  }

  highestSequenceNr(persistenceId: string): Promise<number> {
    return Promise.resolve(this.streams.get(persistenceId)?.highest ?? 0);
  }

  deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    this.streams.get(persistenceId)?.deleteTo(toSequenceNr);
    return DONE;
  }

  readByTag(
    tag: string,
    afterOffset: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Promise<EventEnvelope[]> {
    const list = this.tagged.get(tag) ?? [];
    // Offsets only grow, so binary-search the first one after `afterOffset`.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as EventEnvelope).offset <= afterOffset) lo = mid + 1;
      else hi = mid;
    }
    return Promise.resolve(list.slice(lo, lo + max));
  }

  private index(stream: StoredStream, seq: number, tags: readonly string[], offset: number): void {
    const e = stream.at(seq) as PersistentRepr;
    const envelope: EventEnvelope = {
      offset,
      persistenceId: e.persistenceId,
      sequenceNr: e.sequenceNr,
      timestamp: e.timestamp,
      event: e.event,
    };
    for (const tag of tags) {
      let list = this.tagged.get(tag);
      if (!list) {
        list = [];
        this.tagged.set(tag, list);
      }
      list.push(envelope);
    }
  }

  /** Persistence ids that have events, in first-write order. */
  persistenceIds(): string[] {
    return [...this.streams.keys()];
  }

  /**
   * Every appended event from global `offset` (1-based, exclusive), in append order; events
   * deleted since (`deleteTo`) are left out.
   */
  eventsAfter(offset: number): readonly PersistentRepr[] {
    const out: PersistentRepr[] = [];
    for (let i = offset; i < this.logSeqs.length; i++) {
      const repr = (this.logStreams[i] as StoredStream).at(this.logSeqs[i] as number);
      if (repr) out.push(repr);
    }
    return out;
  }

  /** Calls `listener` with each appended batch; returns an unsubscribe function. */
  subscribe(listener: (events: readonly PersistentRepr[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next append fails with `error` (a storage failure); nothing is written. */
  failNextAppend(error: Error = new Error("injected journal failure")): void {
    this.nextAppendFailure = error;
  }

  /** The next append is rejected (the events cannot be stored); nothing is written. */
  rejectNextAppend(reason = "injected rejection"): void {
    this.nextAppendRejection = reason;
  }

  /** The next read fails with `error`. */
  failNextRead(error: Error = new Error("injected read failure")): void {
    this.nextReadFailure = error;
  }
}
