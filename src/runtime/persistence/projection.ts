import type { OffsetStore, TransactionalOffsetStore } from "./offset-store";
import type { EventEnvelope } from "./query";

/**
 * Where a projection's events come from, given the offset to resume after: a live query
 * (`eventsByTag(journal, tag, after)`, runs until stopped) or a current one
 * (`currentEventsByTag(journal, tag, after)`, ends when caught up).
 */
export type ProjectionSource = (
  afterOffset: number,
) =>
  | AsyncIterable<EventEnvelope>
  | Iterable<EventEnvelope>
  | Promise<AsyncIterable<EventEnvelope> | Iterable<EventEnvelope>>;

interface Common {
  /** Names the projection's row in its offset store. */
  projectionId: string;
  source: ProjectionSource;
}

/**
 * At-least-once: the handler runs, then the offset is saved. A crash between the two replays
 * that event on restart, so the handler must tolerate seeing an event twice.
 */
export interface AtLeastOnceProjection extends Common {
  mode: "at-least-once";
  offsetStore: OffsetStore;
  handler: (envelope: EventEnvelope) => void | Promise<void>;
}

/**
 * Exactly-once: the handler only computes an update; the store applies it together with the
 * offset in one atomic commit, so after a crash an event is neither lost nor applied twice.
 */
export interface ExactlyOnceProjection<U> extends Common {
  mode: "exactly-once";
  offsetStore: TransactionalOffsetStore<U>;
  handler: (envelope: EventEnvelope) => U | Promise<U>;
}

/** A running projection. */
export interface ProjectionHandle {
  /** Offset of the last event fully processed (committed). */
  readonly offset: number;
  /**
   * Settles when the projection ends: resolves when the source ran out or `stop()` was called,
   * rejects with the error that stopped it (a crash: run it again to resume).
   */
  readonly done: Promise<void>;
  /** Stops after the event in progress; resolves when stopped. */
  stop(): Promise<void>;
  /** Resolves once every event up to `offset` is processed; rejects if the projection ends first. */
  reached(offset: number): Promise<void>;
}

/**
 * Keeps a read model up to date from a query (the Q in CQRS). It resumes after the offset in
 * its offset store, so restarting a crashed projection is simply calling this again.
 *
 * @example Messages per thread exactly once, and a notifier at least once
 * ```ts
 * declare const journal: InMemoryJournal;
 * type Counts = Record<string, number>;
 * // Exactly once: the handler returns an update; the update and the offset commit together.
 * const counts = new InMemoryReadModel<Counts>({});
 * const projection = runProjection({
 *   projectionId: "message-counts",
 *   mode: "exactly-once",
 *   source: (after) => eventsByTag(journal, "chat", after),
 *   offsetStore: counts,
 *   handler: (e) => (m: Counts) => ({ ...m, [e.persistenceId]: (m[e.persistenceId] ?? 0) + 1 }),
 * });
 * await projection.reached(10);
 * counts.model; // { "thread-1": 10 }
 * await projection.stop();
 *
 * // At least once: handle, then save the offset. A crash in between handles an event again,
 * // so the handler must be idempotent.
 * const notified = new Set<string>();
 * runProjection({
 *   projectionId: "notifier",
 *   mode: "at-least-once",
 *   source: (after) => currentEventsByTag(journal, "chat", after),
 *   offsetStore: new InMemoryOffsetStore(),
 *   handler: (e) => {
 *     notified.add(`${e.persistenceId}#${e.sequenceNr}`);
 *   },
 * });
 * ```
 */
export function runProjection<U>(
  options: AtLeastOnceProjection | ExactlyOnceProjection<U>,
): ProjectionHandle {
  let offset = 0;
  let stopped = false;
  let finished = false;
  let cancelSource: (() => void) | undefined;
  const waiters: Array<{ offset: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  const progressed = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i] as (typeof waiters)[number];
      if (w.offset <= offset) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const run = async () => {
    offset = await options.offsetStore.load(options.projectionId);
    progressed();
    if (stopped) return;
    const source = await options.source(offset);
    cancelSource = (source as { cancel?: () => void }).cancel?.bind(source);
    if (stopped) cancelSource?.();
    for await (const envelope of source) {
      if (stopped) break;
      if (envelope.offset <= offset) continue; // a source that re-delivers: already done
      if (options.mode === "at-least-once") {
        await options.handler(envelope);
        await options.offsetStore.save(options.projectionId, envelope.offset);
      } else {
        const update = await options.handler(envelope);
        await options.offsetStore.commit(options.projectionId, envelope.offset, update);
      }
      offset = envelope.offset;
      progressed();
    }
  };

  const done = run().finally(() => {
    finished = true;
    cancelSource?.();
    for (const w of waiters.splice(0))
      w.reject(
        new Error(
          `projection "${options.projectionId}" ended at offset ${offset} before reaching ${w.offset}`,
        ),
      );
  });
  done.catch(() => {}); // a crash is reported through `done`; never an unhandled rejection

  return {
    get offset() {
      return offset;
    },
    done,
    async stop() {
      stopped = true;
      cancelSource?.();
      await done.catch(() => {});
    },
    reached(target: number) {
      if (offset >= target) return Promise.resolve();
      if (finished)
        return Promise.reject(
          new Error(`projection "${options.projectionId}" ended at offset ${offset}`),
        );
      return new Promise<void>((resolve, reject) => {
        waiters.push({ offset: target, resolve, reject });
      });
    },
  };
}
