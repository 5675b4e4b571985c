import type { Journal, PersistentRepr } from "./journal";

/** An event with its position in a tag's stream (1-based, increasing, never reused). */
export interface EventEnvelope<E = unknown> {
  readonly offset: number;
  readonly persistenceId: string;
  readonly sequenceNr: number;
  readonly timestamp: number;
  readonly event: E;
}

/** A journal that can answer tag queries and tell when new events arrive. */
export interface TaggedJournal extends Journal {
  /** Events tagged `tag` with offset > `afterOffset`, in offset order, at most `max`. */
  readByTag(tag: string, afterOffset: number, max?: number): Promise<EventEnvelope[]>;
  /** Calls `listener` after each append; returns an unsubscribe function. */
  subscribe(listener: (events: readonly PersistentRepr[]) => void): () => void;
}

/** A live stream you can stop; iterate it with `for await`. */
export interface LiveStream<T> extends AsyncIterable<T> {
  cancel(): void;
}

/**
 * The events of one entity currently in the journal, oldest first.
 *
 * @example
 * const history = await currentEventsByPersistenceId(journal, "account-1");
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

/** Events tagged `tag` after `offset`, as stored now. */
export function currentEventsByTag(
  journal: TaggedJournal,
  tag: string,
  offset = 0,
): Promise<EventEnvelope[]> {
  return journal.readByTag(tag, offset);
}

// One pull loop serves every live query: read what is there, then wait for the next append.
function live<T>(journal: TaggedJournal, pull: () => Promise<T[]>): LiveStream<T> {
  let cancelled = false;
  let wake: (() => void) | undefined;
  const unsubscribe = journal.subscribe(() => wake?.());
  return {
    cancel() {
      cancelled = true;
      unsubscribe();
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      try {
        while (!cancelled) {
          const waiting = new Promise<void>((resolve) => {
            wake = resolve;
          });
          const batch = await pull();
          for (const item of batch) {
            if (cancelled) return;
            yield item;
          }
          if (batch.length === 0) await waiting;
        }
      } finally {
        unsubscribe();
      }
    },
  };
}

/**
 * The events of one entity, then every new one as it is written, until cancelled.
 *
 * @example
 * const stream = eventsByPersistenceId(journal, "account-1");
 * for await (const e of stream) console.log(e.sequenceNr, e.event);
 */
export function eventsByPersistenceId(
  journal: TaggedJournal,
  persistenceId: string,
  fromSequenceNr = 1,
): LiveStream<PersistentRepr> {
  let next = fromSequenceNr;
  return live(journal, async () => {
    const batch = await currentEventsByPersistenceId(journal, persistenceId, next);
    if (batch.length > 0) next = (batch.at(-1) as PersistentRepr).sequenceNr + 1;
    return batch;
  });
}

/**
 * Events tagged `tag` after `offset`, then every new one as it is written, until cancelled.
 * Feed a projection from it; store the last offset to resume.
 */
export function eventsByTag(
  journal: TaggedJournal,
  tag: string,
  offset = 0,
): LiveStream<EventEnvelope> {
  let after = offset;
  return live(journal, async () => {
    const batch = await journal.readByTag(tag, after);
    if (batch.length > 0) after = (batch.at(-1) as EventEnvelope).offset;
    return batch;
  });
}
