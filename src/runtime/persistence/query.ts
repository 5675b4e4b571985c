import { RealScheduler } from "../sim/real-scheduler";
import type { Cancellable, Scheduler } from "../sim/scheduler";
import type { Journal, PersistentRepr } from "./journal";

/**
 * An event as a query delivers it, with its position in the journal's global order: `offset`
 * starts at 1, only grows, and is never reused, so a reader can store it and resume after it.
 *
 * @example Remembering how far a reader got
 * ```ts
 * declare const journal: InMemoryJournal;
 * let lastSeen = 0;
 * for (const e of await currentEventsByTag(journal, "chat")) lastSeen = e.offset;
 * ```
 */
export interface EventEnvelope<E = unknown> {
  readonly offset: number;
  readonly persistenceId: string;
  readonly sequenceNr: number;
  readonly timestamp: number;
  readonly event: E;
  /** The schema manifest the event was written with, for upcasting (see {@link EventAdapter}). */
  readonly manifest?: string;
}

/**
 * A journal that can answer tag queries. Both {@link InMemoryJournal} and
 * {@link IndexedDBJournal} are one.
 *
 * @example Reading one page of a tag
 * ```ts
 * declare const journal: TaggedJournal;
 * const page = await journal.readByTag("chat", 0, 100); // the first 100 events tagged "chat"
 * ```
 */
export interface TaggedJournal extends Journal {
  /** Events tagged `tag` with offset > `afterOffset`, in offset order, at most `max`. */
  readByTag(tag: string, afterOffset: number, max?: number): Promise<EventEnvelope[]>;
  /**
   * Calls `listener` after each append, if the journal can tell (the in-memory one can); live
   * queries then wait for it instead of polling. Returns an unsubscribe function.
   */
  subscribe?(listener: (events: readonly PersistentRepr[]) => void): () => void;
}

/**
 * A live query: iterate it with `for await`; `cancel()` ends the iteration (so does `break`).
 *
 * @example Listening for a second, then cancelling
 * ```ts
 * declare const journal: InMemoryJournal;
 * const stream = eventsByTag(journal, "chat");
 * setTimeout(() => stream.cancel(), 1_000);
 * for await (const e of stream) console.log(e.offset, e.event);
 * ```
 */
export interface LiveStream<T> extends AsyncIterable<T> {
  /** Ends the stream: a waiting `for await` finishes, and no more events are read. */
  cancel(): void;
}

/**
 * How a live query learns of new events when its journal cannot notify it (IndexedDB, where
 * another worker may be the writer): it polls every `pollIntervalMs` on `scheduler`.
 *
 * @example
 * eventsByTag(journal, "chat", 0, { scheduler: system.scheduler, pollIntervalMs: 50 });
 */
export interface LiveOptions {
  /** Clock for polling; a real one by default, a virtual one under simulation. */
  scheduler?: Scheduler;
  /** Delay between polls when the journal cannot notify (default 100 ms). */
  pollIntervalMs?: number;
}

/**
 * The events of one entity currently in the journal with from ≤ sequenceNr ≤ to, oldest first.
 *
 * @example An entity's whole history, or a range of it
 * ```ts
 * declare const journal: InMemoryJournal;
 * const history = await currentEventsByPersistenceId(journal, "account-1");
 * const recent = await currentEventsByPersistenceId(journal, "account-1", 90, 100);
 * ```
 */
export async function currentEventsByPersistenceId(
  journal: Journal,
  persistenceId: string,
  fromSequenceNr = 1,
  toSequenceNr = Number.MAX_SAFE_INTEGER,
): Promise<PersistentRepr[]> {
  const highest = Math.min(toSequenceNr, await journal.highestSequenceNr(persistenceId));
  return highest < fromSequenceNr ? [] : journal.read(persistenceId, fromSequenceNr, highest);
}

/**
 * Events tagged `tag` with an offset after `offset`, as stored now, in offset order.
 *
 * @example What is there now, then only what came since
 * ```ts
 * declare const journal: InMemoryJournal;
 * const all = await currentEventsByTag(journal, "chat");
 * const newer = await currentEventsByTag(journal, "chat", all.at(-1)?.offset ?? 0);
 * ```
 */
export function currentEventsByTag(
  journal: TaggedJournal,
  tag: string,
  offset = 0,
): Promise<EventEnvelope[]> {
  return journal.readByTag(tag, offset);
}

// One pull loop serves every live query: emit what is there, then wait for a notification from
// the journal (or the next poll) before pulling again. `pull` returns `done` when the query's
// range is exhausted.
function live<T>(
  journal: Journal & Pick<TaggedJournal, "subscribe">,
  options: LiveOptions,
  pull: () => Promise<{ items: T[]; done: boolean }>,
): LiveStream<T> {
  let cancelled = false;
  let wake: (() => void) | undefined;
  let timer: Cancellable | undefined;
  const notified = () => wake?.();
  const unsubscribe = journal.subscribe ? journal.subscribe(notified) : () => {};
  const scheduler = journal.subscribe ? undefined : (options.scheduler ?? new RealScheduler());
  const interval = options.pollIntervalMs ?? 100;
  const stop = () => {
    cancelled = true;
    unsubscribe();
    timer?.cancel();
    wake?.();
  };
  return {
    cancel: stop,
    async *[Symbol.asyncIterator]() {
      try {
        while (!cancelled) {
          // Armed before pulling, so an append during the pull is not missed.
          const waiting = new Promise<void>((resolve) => {
            wake = resolve;
          });
          const { items, done } = await pull();
          for (const item of items) {
            if (cancelled) return;
            yield item;
          }
          if (done) return;
          if (items.length === 0) {
            if (scheduler) timer = scheduler.schedule(interval, notified);
            await waiting;
          }
        }
      } finally {
        stop();
      }
    },
  };
}

/**
 * The events of one entity from `fromSequenceNr`, then every new one as it is written, until
 * `toSequenceNr` is reached or the stream is cancelled.
 *
 * @example Following one account
 * ```ts
 * declare const journal: InMemoryJournal;
 * for await (const e of eventsByPersistenceId(journal, "account-1")) {
 *   console.log(e.sequenceNr, e.event); // stored events first, then new ones as they are written
 *   if (e.sequenceNr >= 100) break; // ends the stream (so does cancel())
 * }
 * ```
 */
export function eventsByPersistenceId(
  journal: Journal & Pick<TaggedJournal, "subscribe">,
  persistenceId: string,
  fromSequenceNr = 1,
  toSequenceNr = Number.MAX_SAFE_INTEGER,
  options: LiveOptions = {},
): LiveStream<PersistentRepr> {
  let next = fromSequenceNr;
  return live(journal, options, async () => {
    if (next > toSequenceNr) return { items: [], done: true };
    const items = await currentEventsByPersistenceId(journal, persistenceId, next, toSequenceNr);
    if (items.length > 0) next = (items.at(-1) as PersistentRepr).sequenceNr + 1;
    return { items, done: next > toSequenceNr };
  });
}

/**
 * Events tagged `tag` after `offset`, then every new one as it is written, until cancelled.
 * Offsets increase monotonically; store the last one seen to resume there. Feed a projection
 * from it (see {@link runProjection}).
 *
 * @example Resuming a live feed after the last offset seen
 * ```ts
 * declare const journal: InMemoryJournal;
 * declare function render(event: unknown): void;
 * let savedOffset = 0; // kept somewhere durable in a real reader
 * const stream = eventsByTag(journal, "chat", savedOffset);
 * for await (const e of stream) {
 *   render(e.event);
 *   savedOffset = e.offset;
 * }
 * ```
 */
export function eventsByTag(
  journal: TaggedJournal,
  tag: string,
  offset = 0,
  options: LiveOptions = {},
): LiveStream<EventEnvelope> {
  let after = offset;
  return live(journal, options, async () => {
    const items = await journal.readByTag(tag, after, 1_000);
    if (items.length > 0) after = (items.at(-1) as EventEnvelope).offset;
    return { items, done: false };
  });
}
