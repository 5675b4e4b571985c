import { type Chunk, dropThrough, eventAt, mergeChunks, toChunk } from "./indexeddb-chunk";
import { GroupLog, type GroupRecord } from "./indexeddb-group-log";
import { ReadBatch } from "./indexeddb-read-batch";
import {
  acknowledgeDataLoss,
  CHUNKS,
  COUNTERS,
  completion,
  type DatabaseNotices,
  type DataLossRecord,
  GENERATION,
  GLOBAL_OFFSET,
  GROUPS,
  keyRange,
  META,
  type Meta,
  type OpenReport,
  openDatabase,
  request,
  TAGS,
  type TagRow,
} from "./indexeddb-schema";
import {
  type AtomicWrite,
  badTags,
  type PersistentRepr,
  PersistRejected,
  SequenceConflict,
  WriterFenced,
} from "./journal";
import type { EventEnvelope, TaggedJournal } from "./query";

interface PendingAppend {
  events: AtomicWrite;
  /** The append as it will be stored: a structured clone, so nothing in it can throw later. */
  chunk: Chunk;
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

/** Settings for {@link IndexedDBJournal}; every field is optional. */
export interface IndexedDBJournalOptions {
  /**
   * The durability of each group commit's transaction (default `"strict"`). `"strict"` asks the
   * browser to flush to disk before `complete` fires; `"relaxed"` lets it acknowledge from the
   * OS cache, which is faster and survives a killed browser but not a power cut.
   */
  readonly durability?: IDBTransactionDurability;
  /**
   * The most events one group commit carries (default 256); appends beyond it wait for the next
   * transaction. One append is never split, so a larger atomic write still goes in whole.
   */
  readonly maxBatchEvents?: number;
  /** How this connection names itself to other writers and learners (default "tab 3f2a"…). */
  readonly writer?: string;
  /** Told, in plain words, about data loss, waits for older tabs and closing for an upgrade. */
  readonly notices?: JournalNotices;
}

/** What the journal tells a page about its database, for notices a learner can read. */
export interface JournalNotices extends DatabaseNotices {
  /** The browser deleted this site's stored events (see {@link IndexedDBJournal.opened}). */
  onDataLoss?(loss: DataLossRecord, words: string): void;
}

/** A write the browser failed (quota, closed connection, abort): nothing of it was stored. */
export class JournalWriteFailed extends Error {
  constructor(
    readonly persistenceIds: readonly string[],
    override readonly cause: unknown,
  ) {
    super(`IndexedDB did not store the write (nothing of it was kept): ${reasonOf(cause)}`);
    this.name = "JournalWriteFailed";
  }
}

// Chromium's QuotaExceededError has an empty message: name the error, then say what it means.
const REASONS: Record<string, string> = {
  QuotaExceededError: "the browser's storage quota for this site is full",
  AbortError: "the transaction was aborted",
  InvalidStateError: "the database connection is closed (another tab may be upgrading it)",
  UnknownError: "the browser could not write to disk",
  DataCloneError: "a value cannot be copied into IndexedDB",
  DataError: "a key is not a valid IndexedDB key",
};

/** The reason in an error, never empty: its name, its message, or what the name means. */
export function reasonOf(error: unknown): string {
  if (error !== null && typeof error === "object") {
    const { name, message } = error as { name?: unknown; message?: unknown };
    const n = typeof name === "string" && name !== "Error" ? name : "";
    const m = typeof message === "string" && message !== "" ? message : (REASONS[n] ?? "");
    const text = [n, m].filter((part) => part !== "").join(": ");
    if (text !== "") return text;
  }
  const text = String(error);
  return text === "" || text === "[object Object]" ? "no reason given" : text;
}

/** Plain words for a learner: what was lost, and what it means for them. */
export function describeDataLoss(loss: DataLossRecord, database: string): string {
  const when = new Date(loss.noticedAt).toLocaleString();
  const browser = loss.message ? ` (the browser said: "${loss.message}")` : "";
  return `Your browser deleted the stored events of "${database}"${browser}, noticed ${when}. Every entity stored there now starts again from empty: earlier events, snapshots and tag offsets are gone. This usually follows a browser crash or kill that left its files damaged; it is the browser's doing, not something you did.`;
}

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

/**
 * What a writer remembers of the stores between its group commits: the metadata it has read and
 * the group log. It is the stores' state exactly while the counters still read `offset` and
 * `generation` (every append moves the offset, every other rewrite the generation), which each
 * group commit checks inside its own transaction before trusting it.
 */
interface WriterView {
  offset: number;
  generation: number;
  metas: Map<string, Meta>;
  log: GroupLog;
}

/** Reads, inside `store`'s transaction, the metadata of every id in `pids` not yet in `metas`. */
async function loadMetas(
  store: IDBObjectStore,
  metas: Map<string, Meta>,
  pids: Iterable<string>,
): Promise<void> {
  const reads: Promise<unknown>[] = [];
  for (const pid of pids) {
    if (metas.has(pid)) continue;
    const empty: Meta = { persistenceId: pid, highest: 0 };
    metas.set(pid, empty);
    reads.push(
      request(store.get(pid)).then((m) => {
        if (m !== undefined) metas.set(pid, m as Meta);
      }),
    );
  }
  await Promise.all(reads);
}

// Moves every entity's appends in the group log into one chunk of its own, and clears the log.
// Runs inside a readwrite transaction over chunks, meta and groups, with `metas` holding the
// metadata of every id in the log: all or nothing with that transaction.
async function fold(tx: IDBTransaction, metas: Map<string, Meta>, log: GroupLog): Promise<void> {
  const chunks = tx.objectStore(CHUNKS);
  const folded: Meta[] = [];
  const compactions: Promise<void>[] = [];
  for (const { chunk, owner } of log.folded()) {
    const m = metas.get(chunk.persistenceId) as Meta;
    chunks.put(chunk);
    m.highest = chunk.last;
    m.tailChunks = (m.tailChunks ?? 0) + 1;
    m.owner = owner;
    folded.push(m);
    // Side by side: entities that write in step all compact in the same transaction.
    if (m.tailChunks >= COMPACT_AFTER) compactions.push(compact(chunks, m));
  }
  await Promise.all(compactions);
  const meta = tx.objectStore(META);
  for (const m of folded) meta.put(m);
  tx.objectStore(GROUPS).clear();
}

const isString = (value: unknown): value is string => typeof value === "string";

/**
 * Everything that could make a write fail once its transaction is open, checked before: the
 * shape of the atomic write and its tags (they become keys). Returns the chunk to store, still
 * holding the caller's payloads: {@link seal} copies them.
 */
function prepare(events: AtomicWrite): Chunk | Error {
  const first = events[0] as PersistentRepr;
  const pid = first?.persistenceId;
  if (!isString(pid) || pid === "")
    return new Error("an atomic write needs a non-empty string persistenceId");
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as PersistentRepr;
    if (e.persistenceId !== pid || e.sequenceNr !== first.sequenceNr + i)
      return new Error(
        `an atomic write must be one persistence id with consecutive sequence numbers (event ${i} of "${pid}" is ${e.persistenceId}#${e.sequenceNr})`,
      );
    if (!Number.isSafeInteger(e.sequenceNr) || e.sequenceNr < 1)
      return new Error(
        `sequence numbers start at 1 and are whole numbers ("${pid}" event ${i} has ${e.sequenceNr})`,
      );
    const tagProblem = badTags(e);
    if (tagProblem) return tagProblem;
    if (typeof e.timestamp !== "number" || !isString(e.writerUuid) || !isString(e.manifest))
      return new PersistRejected(
        pid,
        e.sequenceNr,
        "timestamp must be a number, writerUuid and manifest strings",
      );
  }
  return toChunk(events);
}

/**
 * The appends as they will be stored: their payloads structured-cloned, so nothing in them can
 * throw later or change if the caller mutates its events (the rest of a chunk is numbers and
 * strings `prepare` copied). One clone for all of them, as each call has a fixed cost of
 * several microseconds; when it fails (an unclonable value, a throwing getter), each is cloned
 * alone, so only the bad ones are refused.
 */
function seal(chunks: readonly Chunk[]): Array<Chunk | PersistRejected> {
  try {
    const payloads = structuredClone(chunks.map((chunk) => chunk.payloads));
    return chunks.map((chunk, i) => ({ ...chunk, payloads: payloads[i] as unknown[] }));
  } catch {
    return chunks.map((chunk) => {
      try {
        return { ...chunk, payloads: structuredClone(chunk.payloads) };
      } catch (error) {
        return new PersistRejected(
          chunk.persistenceId,
          chunk.first,
          `payload cannot be stored: ${reasonOf(error)}`,
        );
      }
    });
  }
}

// Which journal connections are alive. In a browser, each connection holds a Web Lock for its
// lifetime: the browser releases it when the tab closes, crashes or the worker is terminated, so
// `locks.query()` answers for every tab and worker of the origin. Without Web Locks (Node tests)
// the connections of this process are all there is.
const LOCK_PREFIX = "indexeddb-journal-writer:";
const openHere = new Set<string>();
interface Locks {
  request(name: string, callback: () => Promise<void>): Promise<void>;
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}
function webLocks(): Locks | undefined {
  return (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
}
async function isLive(id: string): Promise<boolean> {
  if (openHere.has(id)) return true;
  const locks = webLocks();
  if (!locks) return false;
  const { held = [] } = await locks.query();
  return held.some((lock) => lock.name === LOCK_PREFIX + id);
}

function defaultLabel(id: string): string {
  const inPage = typeof (globalThis as { document?: unknown }).document !== "undefined";
  return `${inPage ? "tab" : "worker"} ${id.slice(0, 4)}`;
}

/**
 * The browser's journal: events in IndexedDB, so they survive a reload and can be shared by
 * several tabs and workers. Appends issued in the same tick, or while a transaction is in
 * flight, share the next readwrite transaction (group commit, at most `maxBatchEvents` events
 * each), which stores them as one record in a group log, folded into per-entity chunks now and
 * then (see `indexeddb-group-log.ts`).
 *
 * **What an acknowledgement promises.** `append` resolves only after the transaction holding the
 * write fired `complete`: the events are in IndexedDB, readable by every tab, and with the
 * default `durability: "strict"` flushed to disk, so they survive a reload, a crashed tab and a
 * killed browser. If the browser itself later deletes the database (Chromium does when it finds
 * its files corrupt), nothing survives, and the journal says so: see {@link opened} and
 * `notices.onDataLoss`. A rejected append stored nothing of itself.
 *
 * **All or nothing.** Every append is checked (shape, tags, payload) and copied before any
 * transaction opens, so a bad append is refused alone and never fails its neighbours. The copy
 * is taken at the end of the tick of the `append` call, with every other append of that tick:
 * mutating an event later does not change what is stored (events are meant to be immutable, as
 * in Akka, whose journals also serialize them after `persist` returns). Inside the
 * transaction each append is checked against the stored highest sequence number; a conflict
 * refuses that append only. Anything else going wrong aborts the whole transaction, and every
 * append in it is rejected with {@link JournalWriteFailed}: nothing of it is stored.
 *
 * **Fencing.** A writer that loses a sequence conflict to another writer that is still running
 * (another tab or worker) gets {@link WriterFenced} naming the owner, and this connection then
 * refuses that persistence id's writes and `highestSequenceNr` (where every recovery starts)
 * until the owner is gone: the actor's restart fails its recovery and it stops, so two tabs
 * cannot take turns restarting forever. The owner is live while its tab or worker runs (the
 * browser's Web Locks tell); closing it, or `close()` on its journal, hands the id over.
 *
 * Pass the `IDBFactory` to use: `indexedDB` in a page or worker, a fresh fake-indexeddb
 * `IDBFactory` in Node tests. Tag queries are supported (`readByTag`); live queries over this
 * journal poll (see {@link eventsByTag}), since another worker may be the writer.
 *
 * @example Events that survive a page reload
 * ```ts
 * declare const system: ActorSystem<unknown>;
 * const journal = new IndexedDBJournal(indexedDB, "workshop", {
 *   notices: { onDataLoss: (_loss, words) => alert(words) },
 * });
 * const snapshotStore = new IndexedDBSnapshotStore(indexedDB, "workshop");
 * Persistence.register(system, { journal, snapshotStore });
 * // After a reload, the same database name finds the same events:
 * await new IndexedDBJournal(indexedDB, "workshop").highestSequenceNr("account-1");
 * ```
 */
export class IndexedDBJournal implements TaggedJournal {
  private readonly db: Promise<IDBDatabase>;
  private readonly reads: ReadBatch;
  /** Appends of this tick, checked but not yet copied (see {@link seal}). */
  private unsealed: PendingAppend[] = [];
  private pending: PendingAppend[] = [];
  private flushing = false;
  private readonly durability: IDBTransactionDurability;
  private readonly maxBatchEvents: number;
  /** This connection's writer id (random) and the name it shows to others. */
  readonly writerId: string;
  readonly writer: string;
  /** Persistence ids this connection lost to a live owner, with that owner. */
  private readonly fenced = new Map<string, { id: string; label: string }>();
  private releaseLock: (() => void) | undefined;
  /** What this connection remembers of the stores since its last group commit. */
  private view: WriterView | undefined;
  /** The group log as each read transaction found it, read once per transaction. */
  private readonly logs = new WeakMap<IDBTransaction, Promise<GroupLog>>();
  /** The group log as a read last found it, and the counters it was read at. */
  private lastLog: { offset: number; generation: number; log: Promise<GroupLog> } | undefined;
  /**
   * How the database opened: `dataLoss` is set when the browser deleted the stored events (the
   * loss stays reported, to every connection, until {@link acknowledgeDataLoss}).
   */
  readonly opened: Promise<OpenReport>;
  /** Readwrite transactions committed by appends so far (each may carry many appends). */
  commits = 0;

  constructor(factory: IDBFactory, name: string, options: IndexedDBJournalOptions = {}) {
    this.durability = options.durability ?? "strict";
    this.maxBatchEvents = Math.max(1, options.maxBatchEvents ?? 256);
    this.writerId = Array.from({ length: 4 }, () =>
      Math.floor(Math.random() * 2 ** 32)
        .toString(16)
        .padStart(8, "0"),
    ).join("");
    this.writer = options.writer ?? defaultLabel(this.writerId);
    this.holdWriterLock();
    const notices = options.notices ?? {};
    const opening = openDatabase(factory, name, notices);
    this.db = opening.then((o) => o.db);
    this.opened = opening.then((o) => {
      if (o.report.dataLoss)
        notices.onDataLoss?.(o.report.dataLoss, describeDataLoss(o.report.dataLoss, name));
      return o.report;
    });
    // Opening failures surface through the first read or write; this copy must not go unheard.
    this.opened.catch(() => {});
    this.reads = new ReadBatch(this.db, [CHUNKS, META, TAGS, GROUPS, COUNTERS]);
  }

  private holdWriterLock(): void {
    openHere.add(this.writerId);
    const locks = webLocks();
    if (!locks) return;
    void locks
      .request(
        LOCK_PREFIX + this.writerId,
        () =>
          new Promise<void>((resolve) => {
            this.releaseLock = resolve;
          }),
      )
      .catch(() => {});
  }

  /** Readonly transactions opened so far; concurrent reads share one. */
  get readTransactions(): number {
    return this.reads.transactions;
  }

  /** Forgets a reported data loss (after the learner was told); other connections stop seeing it. */
  async acknowledgeDataLoss(): Promise<void> {
    await acknowledgeDataLoss(await this.db);
  }

  append(events: AtomicWrite): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const chunk = prepare(events);
    if (chunk instanceof Error) return Promise.reject(chunk);
    return new Promise<void>((resolve, reject) => {
      // Copied at the end of this tick, with every other append of it: before the caller's
      // code runs again, so what is stored is what was appended.
      if (this.unsealed.push({ events, chunk, resolve, reject }) === 1)
        queueMicrotask(() => this.sealAll());
    });
  }

  private sealAll(): void {
    const items = this.unsealed.splice(0);
    const sealed = seal(items.map((item) => item.chunk));
    items.forEach((item, i) => {
      const chunk = sealed[i] as Chunk | PersistRejected;
      if (chunk instanceof PersistRejected) item.reject(chunk);
      else this.pending.push({ ...item, chunk });
    });
    if (!this.flushing && this.pending.length > 0) {
      this.flushing = true;
      void this.flush();
    }
  }

  // The appends of the next group commit: in arrival order, up to maxBatchEvents (at least one).
  private take(): PendingAppend[] {
    let events = 0;
    let n = 0;
    while (n < this.pending.length) {
      const size = (this.pending[n] as PendingAppend).events.length;
      if (n > 0 && events + size > this.maxBatchEvents) break;
      events += size;
      n++;
    }
    return this.pending.splice(0, n);
  }

  /** The owner this connection is fenced by, if it is still running; forgets a dead one. */
  private async fence(pid: string): Promise<{ id: string; label: string } | undefined> {
    const owner = this.fenced.get(pid);
    if (owner === undefined) return undefined;
    if (await isLive(owner.id)) return owner;
    this.fenced.delete(pid);
    return undefined;
  }

  private fencedError(pid: string, owner: { label: string }, expected: number, attempted: number) {
    return new WriterFenced(pid, expected, attempted, owner.label, this.writer);
  }

  // One transaction for the next group. Sequence numbers are checked against the stored highest
  // inside the transaction, so concurrent writers (other tabs, workers) are serialised by
  // IndexedDB and the loser sees a SequenceConflict.
  private async flush(): Promise<void> {
    let batch = this.take();
    const settled = new Set<PendingAppend>();
    const settle = (item: PendingAppend, error?: unknown) => {
      settled.add(item);
      if (error === undefined) item.resolve();
      else item.reject(error);
    };
    let tx: IDBTransaction | undefined;
    try {
      const db = await this.db;
      // A fenced connection writes nothing to that id while the owner runs.
      if (this.fenced.size > 0)
        for (const item of batch) {
          const first = item.events[0] as PersistentRepr;
          const owner = await this.fence(first.persistenceId);
          if (owner)
            settle(item, this.fencedError(first.persistenceId, owner, 0, first.sequenceNr));
        }
      batch = batch.filter((item) => !settled.has(item));
      if (batch.length === 0) return;
      tx = db.transaction([CHUNKS, META, TAGS, COUNTERS, GROUPS], "readwrite", {
        durability: this.durability,
      });
      const committed = completion(tx);
      // Awaited below, or replaced by the flush's own error: never an unhandled rejection.
      committed.catch(() => {});
      const tags = tx.objectStore(TAGS);
      const counters = tx.objectStore(COUNTERS);
      const [offsetStored, generationStored] = (await Promise.all([
        request(counters.get(GLOBAL_OFFSET)),
        request(counters.get(GENERATION)),
      ])) as [number | undefined, number | undefined];
      const offsetBefore = offsetStored ?? 0;
      const generation = generationStored ?? 0;
      let view = this.view;
      // Another connection wrote since this one's last commit (or there was none): what this
      // connection remembers may be stale, so start again from the stores.
      if (view === undefined || view.offset !== offsetBefore || view.generation !== generation) {
        this.view = undefined;
        const records = (await request(tx.objectStore(GROUPS).getAll())) as GroupRecord[];
        view = { offset: offsetBefore, generation, metas: new Map(), log: new GroupLog(records) };
      }
      this.view = view;
      const meta = tx.objectStore(META);
      await loadMetas(meta, view.metas, new Set(batch.map((p) => p.chunk.persistenceId)));
      let offset = offsetBefore;
      const me = { id: this.writerId, label: this.writer };
      const highest = new Map<string, number>();
      const owners = new Map<string, Meta["owner"]>();
      const conflicts: Array<{ item: PendingAppend; expected: number }> = [];
      const stored: PendingAppend[] = [];
      const record: GroupRecord = { writer: me, chunks: [] };
      let log = view.log;
      for (const item of batch) {
        const chunk = item.chunk;
        const pid = chunk.persistenceId;
        const before =
          highest.get(pid) ??
          Math.max((view.metas.get(pid) as Meta).highest, view.log.highest(pid));
        const expected = before + 1;
        if (chunk.first !== expected) {
          if (!owners.has(pid))
            owners.set(
              pid,
              highest.has(pid) ? me : (view.log.owner(pid) ?? (view.metas.get(pid) as Meta).owner),
            );
          conflicts.push({ item, expected });
          continue;
        }
        record.chunks.push(chunk);
        for (let i = 0; i < chunk.payloads.length; i++) {
          offset++;
          for (const tag of chunk.tags?.[i] ?? []) {
            tags.put({
              tag,
              offset,
              persistenceId: pid,
              sequenceNr: chunk.first + i,
              timestamp: chunk.timestamps[i] as number,
              event: chunk.payloads[i],
              manifest:
                typeof chunk.manifest === "string" ? chunk.manifest : (chunk.manifest[i] as string),
            } satisfies TagRow);
          }
        }
        highest.set(pid, chunk.last);
        stored.push(item);
      }
      if (record.chunks.length > 0) {
        // The whole group as one record, keyed by the offset after its last event.
        tx.objectStore(GROUPS).put(record, offset);
        log = view.log.with(record);
        if (log.shouldFold) {
          await loadMetas(meta, view.metas, log.persistenceIds);
          await fold(tx, view.metas, log);
          log = new GroupLog();
        }
      }
      counters.put(offset, GLOBAL_OFFSET);
      await committed;
      view.offset = offset;
      view.log = log;
      // Reads that find the counters as this commit left them need not read the log back.
      this.lastLog = { offset, generation, log: Promise.resolve(log) };
      this.commits++;
      for (const item of stored) settle(item);
      for (const { item, expected } of conflicts) {
        const pid = item.chunk.persistenceId;
        const owner = owners.get(pid);
        if (owner && owner.id !== this.writerId && (await isLive(owner.id))) {
          this.fenced.set(pid, owner);
          settle(item, this.fencedError(pid, owner, expected, item.chunk.first));
        } else settle(item, new SequenceConflict(pid, expected, item.chunk.first));
      }
    } catch (error) {
      // Something failed inside the transaction (or it could not open): abort it, so nothing of
      // the batch is stored, and tell every caller not yet answered exactly that. What this
      // connection remembered was changed for a commit that did not happen: forget it.
      this.view = undefined;
      try {
        tx?.abort();
      } catch {
        // Already committed or aborted by the browser: nothing more to undo.
      }
      const failure = new JournalWriteFailed(
        [...new Set(batch.map((item) => item.chunk.persistenceId))],
        error,
      );
      for (const item of batch) if (!settled.has(item)) settle(item, failure);
    } finally {
      if (this.pending.length > 0) void this.flush();
      else this.flushing = false;
    }
  }

  /** The group log as `tx` sees it: read once per transaction, shared by its reads. */
  private logIn(tx: IDBTransaction): Promise<GroupLog> {
    let log = this.logs.get(tx);
    if (log === undefined) {
      const counters = tx.objectStore(COUNTERS);
      // Reading the log costs as much as the events in it; while nobody has written since
      // (the counters say so), the log a read found before is still the log.
      log = Promise.all([
        request(counters.get(GLOBAL_OFFSET)),
        request(counters.get(GENERATION)),
      ]).then(([o, g]) => {
        const offset = (o as number | undefined) ?? 0;
        const generation = (g as number | undefined) ?? 0;
        const last = this.lastLog;
        if (last && last.offset === offset && last.generation === generation) return last.log;
        const read = request(tx.objectStore(GROUPS).getAll()).then(
          (records) => new GroupLog(records as GroupRecord[]),
        );
        const mine = { offset, generation, log: read };
        this.lastLog = mine;
        read.catch(() => {
          if (this.lastLog === mine) this.lastLog = undefined;
        });
        return read;
      });
      // A read that ends before it needs the log must not leave its failure unheard.
      log.catch(() => {});
      this.logs.set(tx, log);
    }
    return log;
  }

  read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max = Number.MAX_SAFE_INTEGER,
  ): Promise<PersistentRepr[]> {
    if (toSequenceNr < fromSequenceNr || max <= 0) return Promise.resolve([]);
    return this.reads.run(async (tx) => {
      const logged = this.logIn(tx);
      const out: PersistentRepr[] = [];
      // Adds the chunk's events in range; true once nothing after it can be in range.
      const take = (chunk: Chunk): boolean => {
        if (chunk.first > toSequenceNr) return true;
        const start = Math.max(0, fromSequenceNr - chunk.first);
        const end = Math.min(chunk.payloads.length, toSequenceNr - chunk.first + 1);
        for (let i = start; i < end; i++) {
          out.push(eventAt(chunk, i));
          if (out.length >= max) return true;
        }
        return false;
      };
      const store = tx.objectStore(CHUNKS);
      const KeyRange = keyRange();
      // Chunks are keyed by their last sequence number: the first one that matters is the first
      // whose last ≥ from; read on in pages until a chunk starts after `to`. The group log
      // holds the entity's newer events, not yet folded into chunks.
      let range = KeyRange.bound([persistenceId, fromSequenceNr], [persistenceId, Infinity]);
      for (;;) {
        const page = (await request(store.getAll(range, READ_PAGE))) as Chunk[];
        for (const chunk of page) if (take(chunk)) return out;
        if (page.length < READ_PAGE) break;
        const lastKey = (page[page.length - 1] as Chunk).last;
        range = KeyRange.bound([persistenceId, lastKey], [persistenceId, Infinity], true);
      }
      for (const chunk of (await logged).chunksOf(persistenceId))
        if (chunk.last >= fromSequenceNr && take(chunk)) return out;
      return out;
    });
  }

  /** Rejects with {@link WriterFenced} while another running writer owns `persistenceId`. */
  async highestSequenceNr(persistenceId: string): Promise<number> {
    const owner = await this.fence(persistenceId);
    if (owner) throw this.fencedError(persistenceId, owner, 0, 0);
    return this.reads.run(async (tx) => {
      const [m, log] = await Promise.all([
        request(tx.objectStore(META).get(persistenceId)) as Promise<Meta | undefined>,
        this.logIn(tx),
      ]);
      return Math.max(m?.highest ?? 0, log.highest(persistenceId));
    });
  }

  /** Deletes events up to `toSequenceNr`; the tag index keeps them, as tag offsets are final. */
  async deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    if (toSequenceNr < 1) return;
    const db = await this.db;
    const tx = db.transaction([CHUNKS, META, COUNTERS, GROUPS], "readwrite", {
      durability: this.durability,
    });
    const committed = completion(tx);
    committed.catch(() => {}); // awaited below unless a read fails first
    this.view = undefined;
    const chunks = tx.objectStore(CHUNKS);
    const counters = tx.objectStore(COUNTERS);
    // Fold the group log first, so that every event of the entity is in its chunks; the
    // generation tells other writers that what they remember of the log is gone.
    const [records, generation] = (await Promise.all([
      request(tx.objectStore(GROUPS).getAll()),
      request(counters.get(GENERATION)),
    ])) as [GroupRecord[], number | undefined];
    if (records.length > 0) {
      const log = new GroupLog(records);
      const metas = new Map<string, Meta>();
      await loadMetas(tx.objectStore(META), metas, log.persistenceIds);
      await fold(tx, metas, log);
    }
    counters.put((generation ?? 0) + 1, GENERATION);
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

  /** Closes the connection (a reload does this implicitly) and gives up ownership. */
  async close(): Promise<void> {
    openHere.delete(this.writerId);
    this.releaseLock?.();
    (await this.db).close();
  }
}
