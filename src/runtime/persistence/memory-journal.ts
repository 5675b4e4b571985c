import {
  type AtomicWrite,
  type PersistentRepr,
  PersistRejected,
  SequenceConflict,
} from "./journal";
import type { EventEnvelope, TaggedJournal } from "./query";

interface Stream {
  /** Stored events, oldest first; `events[i].sequenceNr === firstSeq + i`. */
  events: PersistentRepr[];
  firstSeq: number;
  highest: number;
}

const DONE: Promise<void> = Promise.resolve();

/**
 * A journal in memory: for tests, simulations and labs. Events are kept by reference and treated
 * as immutable. Failure injection (`failNextAppend`, `rejectNextAppend`, `failNextRead`) lets
 * tests exercise the unhappy paths of an event-sourced behaviour.
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
  private readonly streams = new Map<string, Stream>();
  private readonly listeners = new Set<(events: readonly PersistentRepr[]) => void>();
  private nextAppendFailure: Error | undefined;
  private nextAppendRejection: string | undefined;
  private nextReadFailure: Error | undefined;
  /** Every event ever appended, in append order (the global offset is index + 1). */
  private readonly log: PersistentRepr[] = [];
  private readonly tagged = new Map<string, EventEnvelope[]>();

  append(events: AtomicWrite): Promise<void> {
    const first = events[0];
    if (!first) return DONE;
    const pid = first.persistenceId;
    for (let i = 1; i < events.length; i++) {
      const e = events[i] as PersistentRepr;
      if (e.persistenceId !== pid || e.sequenceNr !== first.sequenceNr + i) {
        return Promise.reject(
          new Error(
            `an atomic write must be one persistence id with consecutive sequence numbers (event ${i})`,
          ),
        );
      }
    }
    if (this.nextAppendFailure) {
      const error = this.nextAppendFailure;
      this.nextAppendFailure = undefined;
      return Promise.reject(error);
    }
    if (this.nextAppendRejection !== undefined) {
      const reason = this.nextAppendRejection;
      this.nextAppendRejection = undefined;
      return Promise.reject(new PersistRejected(pid, first.sequenceNr, reason));
    }
    for (const e of events) {
      if (e.event === undefined || typeof e.event === "function") {
        return Promise.reject(
          new PersistRejected(
            pid,
            e.sequenceNr,
            `payload of type ${typeof e.event} cannot be stored`,
          ),
        );
      }
    }
    let stream = this.streams.get(pid);
    if (!stream) {
      stream = { events: [], firstSeq: 1, highest: 0 };
      this.streams.set(pid, stream);
    }
    if (first.sequenceNr !== stream.highest + 1) {
      return Promise.reject(new SequenceConflict(pid, stream.highest + 1, first.sequenceNr));
    }
    const stored = stream.events;
    const log = this.log;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as PersistentRepr;
      stored.push(e);
      log.push(e);
      if (e.tags.length > 0) this.index(e, log.length);
    }
    stream.highest += events.length;
    if (this.listeners.size > 0) for (const listener of this.listeners) listener(events);
    return DONE;
  }

  read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Promise<PersistentRepr[]> {
    if (this.nextReadFailure) {
      const error = this.nextReadFailure;
      this.nextReadFailure = undefined;
      return Promise.reject(error);
    }
    const stream = this.streams.get(persistenceId);
    if (!stream) return Promise.resolve([]);
    const from = Math.max(fromSequenceNr, stream.firstSeq) - stream.firstSeq;
    const to = Math.min(toSequenceNr, stream.highest) - stream.firstSeq + 1;
    if (to <= from) return Promise.resolve([]);
    return Promise.resolve(stream.events.slice(from, Math.min(to, from + max)));
  }

  highestSequenceNr(persistenceId: string): Promise<number> {
    return Promise.resolve(this.streams.get(persistenceId)?.highest ?? 0);
  }

  deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    const stream = this.streams.get(persistenceId);
    if (stream && toSequenceNr >= stream.firstSeq) {
      const upTo = Math.min(toSequenceNr, stream.highest);
      stream.events.splice(0, upTo - stream.firstSeq + 1);
      stream.firstSeq = upTo + 1;
    }
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

  private index(e: PersistentRepr, offset: number): void {
    const envelope: EventEnvelope = {
      offset,
      persistenceId: e.persistenceId,
      sequenceNr: e.sequenceNr,
      timestamp: e.timestamp,
      event: e.event,
    };
    for (const tag of e.tags) {
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

  /** Every appended event from global `offset` (1-based, exclusive), in append order. */
  eventsAfter(offset: number): readonly PersistentRepr[] {
    return this.log.slice(offset);
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
