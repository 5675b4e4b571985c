/**
 * The IndexedDB database shared by the journal and the snapshot store: its object stores, its
 * schema version and the upgrades between versions, plus small promise helpers.
 *
 * Version history:
 * - 1: one record per event in `events`, keyed [persistenceId, sequenceNr].
 * - 2: one record per atomic write in `chunks`, keyed [persistenceId, last sequenceNr], so a
 *   recovery deserialises a few large records instead of millions of small ones; a tag index
 *   with a global offset (`tags`, `counters`). Upgrading from 1 moves every event into a chunk
 *   of its own.
 * - 3: chunks are stored column by column (see `indexeddb-chunk.ts`), which reads about four
 *   times faster. Upgrading from 2 rewrites every chunk in place.
 * - 4: a group commit is first stored as one record in `groups` and folded into `chunks` later
 *   (see `indexeddb-group-log.ts`); a `generation` counter tells writers that another connection
 *   rewrote stored state without appending. Upgrading from 3 adds the empty store.
 *
 * @internal
 */
import { type Chunk, toChunk } from "./indexeddb-chunk";
import type { PersistentRepr } from "./journal";

export const CHUNKS = "chunks";
export const META = "meta";
export const SNAPSHOTS = "snapshots";
export const TAGS = "tags";
export const COUNTERS = "counters";
export const GROUPS = "groups";
const V1_EVENTS = "events";
export const SCHEMA_VERSION = 4;

/** The highest sequence number per persistence id (survives `deleteTo`), and compaction state. */
export interface Meta {
  persistenceId: string;
  highest: number;
  /** The journal connection (tab or worker) that wrote last, and how a learner would name it. */
  owner?: { id: string; label: string };
  /** Every chunk up to this sequence number has been through compaction (absent: none yet). */
  compactedTo?: number;
  /** Chunks written after `compactedTo`. */
  tailChunks?: number;
}

/** One tagged event in the tag index, keyed [tag, offset]. */
export interface TagRow {
  tag: string;
  offset: number;
  persistenceId: string;
  sequenceNr: number;
  timestamp: number;
  event: unknown;
  manifest: string;
}

/** The key in `counters` of the global offset: how many events were ever appended. */
export const GLOBAL_OFFSET = "globalOffset";

/**
 * The key in `counters` of a number that every write other than an append bumps (`deleteTo`).
 * With the global offset it tells a writer whether what it remembers of the stores is still
 * what they hold.
 */
export const GENERATION = "generation";

/**
 * The key in `counters` of a data-loss record: written when the browser reported, while opening,
 * that it had deleted the database (`dataLoss: "total"`), and kept until someone acknowledges it,
 * so every connection (journal, snapshot store, other tabs and workers) hears of it, not only
 * the one that happened to open first.
 */
export const DATA_LOSS = "dataLoss";

/** What the browser said when it deleted the database, and when this was noticed. */
export interface DataLossRecord {
  readonly dataLoss: "total";
  /** The browser's own words (`dataLossMessage`), possibly empty. */
  readonly message: string;
  /** When the loss was noticed (ms since the epoch). */
  readonly noticedAt: number;
}

/** How the database came to be open: a data loss, a wait for older tabs, an upgrade. */
export interface OpenReport {
  /** Set when the browser had deleted the stored data (see {@link DATA_LOSS}). */
  readonly dataLoss?: DataLossRecord;
  /** The schema version found on disk (0: a new, or freshly deleted, database). */
  readonly upgradedFrom: number;
  /** True when another tab held an older version open and this one had to wait for it. */
  readonly waitedForOtherTabs: boolean;
}

/** Plain-words notices about the database, for a page to show (see {@link openDatabase}). */
export interface DatabaseNotices {
  /** Another tab or worker holds an older schema open; opening waits until it closes. */
  onBlocked?(): void;
  /** This connection was closed so a newer version (opened elsewhere) can upgrade. */
  onClosedForUpgrade?(): void;
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/**
 * Opens the database, creating or upgrading its stores to {@link SCHEMA_VERSION}.
 *
 * When another tab holds an older version open, the open waits (the other tab's connection gets
 * `versionchange` and, if it runs this code, closes) instead of failing. When the browser reports
 * that it deleted the data (Chromium does after finding its files corrupt, for example after the
 * browser was killed), a {@link DataLossRecord} is stored and returned, never dropped.
 */
export function openDatabase(
  factory: IDBFactory,
  name: string,
  notices: DatabaseNotices = {},
): Promise<{ db: IDBDatabase; report: OpenReport }> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, SCHEMA_VERSION);
    let upgradedFrom = SCHEMA_VERSION;
    let waitedForOtherTabs = false;
    req.onupgradeneeded = (event) => {
      const db = req.result;
      const tx = req.transaction as IDBTransaction;
      upgradedFrom = event.oldVersion;
      if (!db.objectStoreNames.contains(META))
        db.createObjectStore(META, { keyPath: "persistenceId" });
      if (!db.objectStoreNames.contains(SNAPSHOTS))
        db.createObjectStore(SNAPSHOTS, { keyPath: ["persistenceId", "sequenceNr"] });
      if (!db.objectStoreNames.contains(TAGS))
        db.createObjectStore(TAGS, { keyPath: ["tag", "offset"] });
      if (!db.objectStoreNames.contains(COUNTERS)) db.createObjectStore(COUNTERS);
      if (!db.objectStoreNames.contains(CHUNKS))
        db.createObjectStore(CHUNKS, { keyPath: ["persistenceId", "last"] });
      if (!db.objectStoreNames.contains(GROUPS)) db.createObjectStore(GROUPS);
      const loss = event as IDBVersionChangeEvent & { dataLoss?: string; dataLossMessage?: string };
      if (loss.dataLoss === "total") {
        tx.objectStore(COUNTERS).put(
          {
            dataLoss: "total",
            message: loss.dataLossMessage ?? "",
            noticedAt: Date.now(),
          } satisfies DataLossRecord,
          DATA_LOSS,
        );
      }
      if (event.oldVersion === 1 && db.objectStoreNames.contains(V1_EVENTS)) upgradeFrom1(db, tx);
      if (event.oldVersion === 2) upgradeFrom2(tx);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab wants a newer schema: step aside rather than block its upgrade, and say so.
      db.onversionchange = () => {
        db.close();
        notices.onClosedForUpgrade?.();
      };
      const tx = db.transaction(COUNTERS, "readonly");
      const lost = tx.objectStore(COUNTERS).get(DATA_LOSS);
      lost.onsuccess = () => {
        const dataLoss = lost.result as DataLossRecord | undefined;
        resolve({
          db,
          report: { upgradedFrom, waitedForOtherTabs, ...(dataLoss ? { dataLoss } : {}) },
        });
      };
      lost.onerror = () => reject(lost.error);
    };
    req.onerror = () => reject(req.error);
    // Not an error: the open goes on once the older connection closes.
    req.onblocked = () => {
      waitedForOtherTabs = true;
      notices.onBlocked?.();
    };
  });
}

/** Deletes the data-loss record: someone has told the learner. */
export async function acknowledgeDataLoss(db: IDBDatabase): Promise<void> {
  const tx = db.transaction(COUNTERS, "readwrite");
  const done = completion(tx);
  tx.objectStore(COUNTERS).delete(DATA_LOSS);
  await done;
}

// Version 1 kept one record per event; each becomes a chunk of one. Version 1 had no global
// offset, so its events get offsets 1..n in key order (persistence id, then sequence number),
// their tags go into the tag index under those offsets, and the counter starts after them.
function upgradeFrom1(db: IDBDatabase, tx: IDBTransaction): void {
  const chunks = tx.objectStore(CHUNKS);
  const tags = tx.objectStore(TAGS);
  let count = 0;
  const cursor = tx.objectStore(V1_EVENTS).openCursor();
  cursor.onsuccess = () => {
    const c = cursor.result;
    if (c) {
      const e = c.value as PersistentRepr;
      chunks.put(toChunk([e]) satisfies Chunk);
      count++;
      for (const tag of e.tags ?? []) {
        tags.put({
          tag,
          offset: count,
          persistenceId: e.persistenceId,
          sequenceNr: e.sequenceNr,
          timestamp: e.timestamp,
          event: e.event,
          manifest: e.manifest,
        } satisfies TagRow);
      }
      c.continue();
    } else {
      tx.objectStore(COUNTERS).put(count, GLOBAL_OFFSET);
      db.deleteObjectStore(V1_EVENTS);
    }
  };
}

// Version 2 stored each chunk's events as an array of envelopes; lay each out in columns. The
// key (persistence id, last sequence number) does not change, so each record is updated in place.
function upgradeFrom2(tx: IDBTransaction): void {
  const cursor = tx.objectStore(CHUNKS).openCursor();
  cursor.onsuccess = () => {
    const c = cursor.result;
    if (!c) return;
    const old = c.value as { events?: PersistentRepr[] };
    if (old.events) c.update(toChunk(old.events));
    c.continue();
  };
}

/** `IDBKeyRange` of the host (browsers and workers have it; Node tests get fake-indexeddb's). */
export function keyRange(): typeof IDBKeyRange {
  const range = (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
  if (!range) throw new Error("IDBKeyRange is not available: load an IndexedDB implementation");
  return range;
}
