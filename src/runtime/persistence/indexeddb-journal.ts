import { type Chunk, dropThrough, eventAt, mergeChunks, toChunk } from "./indexeddb-chunk";
import { ReadBatch } from "./indexeddb-read-batch";
import {
  CHUNKS,
  COUNTERS,
  completion,
  GLOBAL_OFFSET,
  keyRange,
  META,
  type Meta,
  openDatabase,
  request,
  TAGS,
  type TagRow,
} from "./indexeddb-schema";
import {
  type AtomicWrite,
  type PersistentRepr,
  PersistRejected,
  SequenceConflict,
} from "./journal";
import type { EventEnvelope, TaggedJournal } from "./query";

interface PendingAppend {
  events: AtomicWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Chunks fetched per `getAll` while reading a range: bounded memory per step. */
const READ_PAGE = 1_000;

/**
 * Small chunks written since the last compaction that trigger the next one. An actor that
 * persists one event per command writes one record per event; merging every 64 of them into
 * one record makes recovery read 64× fewer records, at the cost of writing each event twice.
 */
const COMPACT_AFTER = 64;

// Merges the chunks written since the last compaction into one, inside the append's transaction:
// readers see either the small chunks or the merged one, never a mix.
async function compact(chunks: IDBObjectStore, m: Meta): Promise<void> {
  const range = keyRange().bound(
    [m.persistenceId, m.compactedTo ?? 0],
    [m.persistenceId, m.highest],
    true,
  );
  const tail = (await request(chunks.getAll(range))) as Chunk[];
  if (tail.length > 1) {
    chunks.delete(range);
    chunks.put(mergeChunks(tail));
  }
  m.compactedTo = m.highest;
  m.tailChunks = 0;
}

function checkShape(events: AtomicWrite): Error | undefined {
  const first = events[0] as PersistentRepr;
  for (let i = 1; i < events.length; i++) {
    const e = events[i] as PersistentRepr;
    if (e.persistenceId !== first.persistenceId || e.sequenceNr !== first.sequenceNr + i)
      return new Error(
        `an atomic write must be one persistence id with consecutive sequence numbers (event ${i} of "${first.persistenceId}" is ${e.persistenceId}#${e.sequenceNr})`,
      );
  }
  return undefined;
}

/**
 * The browser's journal: events in IndexedDB, so they survive a reload and can be shared by
 * several workers. Appends issued in the same tick share one readwrite transaction (group
 * commit). Inside it each append is still checked and written on its own: a sequence conflict
 * or an unstorable payload fails that append only, never its neighbours. Each atomic write is
 * stored as one record, which makes it all-or-nothing and makes recovery fast.
 *
 * Pass the `IDBFactory` to use: `indexedDB` in a page or worker, a fresh fake-indexeddb
 * `IDBFactory` in Node tests. Tag queries are supported (`readByTag`); live queries over this
 * journal poll (see {@link eventsByTag}), since another worker may be the writer.
 *
 * @example Events that survive a page reload
 * ```ts
 * declare const system: ActorSystem<unknown>;
 * const journal = new IndexedDBJournal(indexedDB, "workshop");
 * const snapshotStore = new IndexedDBSnapshotStore(indexedDB, "workshop");
 * Persistence.register(system, { journal, snapshotStore });
 * // After a reload, the same database name finds the same events:
 * await new IndexedDBJournal(indexedDB, "workshop").highestSequenceNr("account-1");
 * ```
 */
export class IndexedDBJournal implements TaggedJournal {
  private readonly db: Promise<IDBDatabase>;
  private readonly reads: ReadBatch;
  private pending: PendingAppend[] = [];
  private flushing = false;
  /** Readwrite transactions committed by appends so far (each may carry many appends). */
  commits = 0;

  constructor(factory: IDBFactory, name: string) {
    this.db = openDatabase(factory, name);
    this.reads = new ReadBatch(this.db, [CHUNKS, META, TAGS]);
  }

  /** Readonly transactions opened so far; concurrent reads share one. */
  get readTransactions(): number {
    return this.reads.transactions;
  }

  append(events: AtomicWrite): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const malformed = checkShape(events);
    if (malformed) return Promise.reject(malformed);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  // One transaction for everything queued so far. Sequence numbers are checked against the
  // stored highest inside the transaction, so concurrent writers (other tabs, workers) are
  // serialised by IndexedDB and the loser sees a SequenceConflict.
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const db = await this.db;
      const tx = db.transaction([CHUNKS, META, TAGS, COUNTERS], "readwrite");
      const committed = completion(tx);
      const chunks = tx.objectStore(CHUNKS);
      const meta = tx.objectStore(META);
      const tags = tx.objectStore(TAGS);
      const counters = tx.objectStore(COUNTERS);
      const pids = [...new Set(batch.map((p) => (p.events[0] as PersistentRepr).persistenceId))];
      const metas = new Map<string, Meta>();
      const [offsetBefore] = await Promise.all([
        request(counters.get(GLOBAL_OFFSET)) as Promise<number | undefined>,
        ...pids.map(async (pid) =>
          metas.set(
            pid,
            ((await request(meta.get(pid))) as Meta | undefined) ?? {
              persistenceId: pid,
              highest: 0,
            },
          ),
        ),
      ]);
      let offset = offsetBefore ?? 0;
      const outcomes: Array<() => void> = [];
      for (const item of batch) {
        const events = item.events as PersistentRepr[];
        const first = events[0] as PersistentRepr;
        const pid = first.persistenceId;
        const m = metas.get(pid) as Meta;
        const expected = m.highest + 1;
        if (first.sequenceNr !== expected) {
          outcomes.push(() => item.reject(new SequenceConflict(pid, expected, first.sequenceNr)));
          continue;
        }
        const last = first.sequenceNr + events.length - 1;
        try {
          // put() clones synchronously: an unclonable payload throws here, before anything
          // of this append is written, and leaves the transaction usable for the others.
          chunks.put(toChunk(events));
        } catch (error) {
          const reason = `payload cannot be stored: ${(error as Error).message}`;
          outcomes.push(() => item.reject(new PersistRejected(pid, first.sequenceNr, reason)));
          continue;
        }
        for (const e of events) {
          offset++;
          for (const tag of e.tags) {
            tags.put({
              tag,
              offset,
              persistenceId: pid,
              sequenceNr: e.sequenceNr,
              timestamp: e.timestamp,
              event: e.event,
              manifest: e.manifest,
            } satisfies TagRow);
          }
        }
        m.highest = last;
        m.tailChunks = (m.tailChunks ?? 0) + 1;
        outcomes.push(item.resolve);
      }
      for (const m of metas.values()) {
        if ((m.tailChunks ?? 0) >= COMPACT_AFTER) await compact(chunks, m);
        meta.put(m);
      }
      counters.put(offset, GLOBAL_OFFSET);
      await committed;
      this.commits++;
      for (const settle of outcomes) settle();
    } catch (error) {
      // The transaction itself failed (quota, abort, closed database): nothing was written.
      for (const item of batch) item.reject(error);
    } finally {
      if (this.pending.length > 0) void this.flush();
      else this.flushing = false;
    }
  }

  read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Promise<PersistentRepr[]> {
    if (toSequenceNr < fromSequenceNr || max <= 0) return Promise.resolve([]);
    return this.reads.run(async (tx) => {
      const out: PersistentRepr[] = [];
      const store = tx.objectStore(CHUNKS);
      const KeyRange = keyRange();
      // Chunks are keyed by their last sequence number: the first one that matters is the first
      // whose last ≥ from; read on in pages until a chunk starts after `to`.
      let range = KeyRange.bound([persistenceId, fromSequenceNr], [persistenceId, Infinity]);
      for (;;) {
        const page = (await request(store.getAll(range, READ_PAGE))) as Chunk[];
        for (const chunk of page) {
          if (chunk.first > toSequenceNr) return out;
          const start = Math.max(0, fromSequenceNr - chunk.first);
          const end = Math.min(chunk.payloads.length, toSequenceNr - chunk.first + 1);
          for (let i = start; i < end; i++) {
            out.push(eventAt(chunk, i));
            if (out.length >= max) return out;
          }
        }
        if (page.length < READ_PAGE) return out;
        const lastKey = (page[page.length - 1] as Chunk).last;
        range = KeyRange.bound([persistenceId, lastKey], [persistenceId, Infinity], true);
      }
    });
  }

  highestSequenceNr(persistenceId: string): Promise<number> {
    return this.reads.run(
      async (tx) =>
        ((await request(tx.objectStore(META).get(persistenceId))) as Meta | undefined)?.highest ??
        0,
    );
  }

  /** Deletes events up to `toSequenceNr`; the tag index keeps them, as tag offsets are final. */
  async deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    if (toSequenceNr < 1) return;
    const db = await this.db;
    const tx = db.transaction(CHUNKS, "readwrite");
    const committed = completion(tx);
    const chunks = tx.objectStore(CHUNKS);
    const KeyRange = keyRange();
    chunks.delete(KeyRange.bound([persistenceId, 0], [persistenceId, toSequenceNr]));
    // A chunk straddling the cut keeps only its events after it (same key: same last).
    const [straddling] = (await request(
      chunks.getAll(
        KeyRange.bound([persistenceId, toSequenceNr], [persistenceId, Infinity], true),
        1,
      ),
    )) as Chunk[];
    if (straddling && straddling.first <= toSequenceNr)
      chunks.put(dropThrough(straddling, toSequenceNr));
    await committed;
  }

  async readByTag(
    tag: string,
    afterOffset: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Promise<EventEnvelope[]> {
    const range = keyRange().bound([tag, afterOffset], [tag, Infinity], true);
    const rows = await this.reads.run(
      async (tx) =>
        (await request(tx.objectStore(TAGS).getAll(range, Math.min(max, 2 ** 32 - 1)))) as TagRow[],
    );
    return rows.map(({ offset, persistenceId, sequenceNr, timestamp, event, manifest }) => ({
      offset,
      persistenceId,
      sequenceNr,
      timestamp,
      event,
      manifest,
    }));
  }

  /** Closes the connection (a reload does this implicitly). */
  async close(): Promise<void> {
    (await this.db).close();
  }
}
