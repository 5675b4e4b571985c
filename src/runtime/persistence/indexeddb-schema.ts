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
const V1_EVENTS = "events";
export const SCHEMA_VERSION = 3;

/** The highest sequence number per persistence id (survives `deleteTo`), and compaction state. */
export interface Meta {
  persistenceId: string;
  highest: number;
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

/** Opens the database, creating or upgrading its stores to {@link SCHEMA_VERSION}. */
export function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, SCHEMA_VERSION);
    req.onupgradeneeded = (event) => {
      const db = req.result;
      const tx = req.transaction as IDBTransaction;
      if (!db.objectStoreNames.contains(META))
        db.createObjectStore(META, { keyPath: "persistenceId" });
      if (!db.objectStoreNames.contains(SNAPSHOTS))
        db.createObjectStore(SNAPSHOTS, { keyPath: ["persistenceId", "sequenceNr"] });
      if (!db.objectStoreNames.contains(TAGS))
        db.createObjectStore(TAGS, { keyPath: ["tag", "offset"] });
      if (!db.objectStoreNames.contains(COUNTERS)) db.createObjectStore(COUNTERS);
      if (!db.objectStoreNames.contains(CHUNKS))
        db.createObjectStore(CHUNKS, { keyPath: ["persistenceId", "last"] });
      if (event.oldVersion === 1 && db.objectStoreNames.contains(V1_EVENTS)) upgradeFrom1(db, tx);
      if (event.oldVersion === 2) upgradeFrom2(tx);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab wants a newer schema: step aside rather than block its upgrade.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () =>
      reject(new Error(`IndexedDB "${name}" is blocked: another tab holds an older version open`));
  });
}

// Version 1 kept one record per event; each becomes a chunk of one. Events written then carry
// no global offset, so the counter starts after them.
function upgradeFrom1(db: IDBDatabase, tx: IDBTransaction): void {
  const chunks = tx.objectStore(CHUNKS);
  let count = 0;
  const cursor = tx.objectStore(V1_EVENTS).openCursor();
  cursor.onsuccess = () => {
    const c = cursor.result;
    if (c) {
      const e = c.value as PersistentRepr;
      chunks.put(toChunk([e]) satisfies Chunk);
      count++;
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
