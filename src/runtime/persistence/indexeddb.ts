import {
  type AtomicWrite,
  type Journal,
  type PersistentRepr,
  PersistRejected,
  type SelectedSnapshot,
  SequenceConflict,
  type SnapshotMetadata,
  type SnapshotStore,
} from "./journal";

const EVENTS = "events";
const META = "meta";
const SNAPSHOTS = "snapshots";
const VERSION = 1;

interface Meta {
  persistenceId: string;
  highest: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
  });
}

/** Opens (and on first use creates or upgrades) the workshop's database. */
function open(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(EVENTS))
        db.createObjectStore(EVENTS, { keyPath: ["persistenceId", "sequenceNr"] });
      if (!db.objectStoreNames.contains(META))
        db.createObjectStore(META, { keyPath: "persistenceId" });
      if (!db.objectStoreNames.contains(SNAPSHOTS))
        db.createObjectStore(SNAPSHOTS, { keyPath: ["persistenceId", "sequenceNr"] });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () =>
      reject(new Error(`IndexedDB "${name}" is blocked by another open connection`));
  });
}

function keyRange(): typeof IDBKeyRange {
  const range = (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
  if (!range) throw new Error("IDBKeyRange is not available in this environment");
  return range;
}

interface PendingAppend {
  events: AtomicWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The browser's journal: events in IndexedDB, so they survive a reload. Appends issued in the
 * same tick share one transaction (group commit); each append is still all-or-nothing and
 * sequence-checked on its own, so one conflicting writer never fails its neighbours.
 *
 * @example
 * const journal = new IndexedDBJournal(indexedDB, "workshop");
 * Persistence.register(system, { journal, snapshotStore: new IndexedDBSnapshotStore(indexedDB, "workshop") });
 */
export class IndexedDBJournal implements Journal {
  private readonly db: Promise<IDBDatabase>;
  private pending: PendingAppend[] = [];
  private flushing = false;
  /** Transactions committed so far (each may carry many appends). */
  commits = 0;

  constructor(factory: IDBFactory, name: string) {
    this.db = open(factory, name);
  }

  append(events: AtomicWrite): Promise<void> {
    const first = events[0];
    if (!first) return Promise.resolve();
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as PersistentRepr;
      if (e.persistenceId !== first.persistenceId || e.sequenceNr !== first.sequenceNr + i) {
        return Promise.reject(
          new Error(
            `an atomic write must be one persistence id with consecutive sequence numbers (event ${i})`,
          ),
        );
      }
      try {
        structuredClone(e.event);
      } catch (error) {
        return Promise.reject(
          new PersistRejected(
            e.persistenceId,
            e.sequenceNr,
            `payload cannot be stored: ${(error as Error).message}`,
          ),
        );
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const db = await this.db;
      const tx = db.transaction([EVENTS, META], "readwrite");
      const committed = done(tx);
      const events = tx.objectStore(EVENTS);
      const meta = tx.objectStore(META);
      const pids = [...new Set(batch.map((p) => (p.events[0] as PersistentRepr).persistenceId))];
      const highest = new Map<string, number>();
      await Promise.all(
        pids.map(async (pid) =>
          highest.set(pid, ((await request(meta.get(pid))) as Meta | undefined)?.highest ?? 0),
        ),
      );
      const outcomes: Array<() => void> = [];
      for (const item of batch) {
        const first = item.events[0] as PersistentRepr;
        const pid = first.persistenceId;
        const expected = (highest.get(pid) ?? 0) + 1;
        if (first.sequenceNr !== expected) {
          outcomes.push(() => item.reject(new SequenceConflict(pid, expected, first.sequenceNr)));
          continue;
        }
        for (const e of item.events) events.put(e);
        const last = first.sequenceNr + item.events.length - 1;
        highest.set(pid, last);
        meta.put({ persistenceId: pid, highest: last } satisfies Meta);
        outcomes.push(item.resolve);
      }
      await committed;
      this.commits++;
      for (const settle of outcomes) settle();
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      if (this.pending.length > 0) void this.flush();
      else this.flushing = false;
    }
  }

  async read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max?: number,
  ): Promise<PersistentRepr[]> {
    if (toSequenceNr < fromSequenceNr) return [];
    const db = await this.db;
    const store = db.transaction(EVENTS, "readonly").objectStore(EVENTS);
    const range = keyRange().bound([persistenceId, fromSequenceNr], [persistenceId, toSequenceNr]);
    return (await request(store.getAll(range, max))) as PersistentRepr[];
  }

  async highestSequenceNr(persistenceId: string): Promise<number> {
    const db = await this.db;
    const meta = db.transaction(META, "readonly").objectStore(META);
    return ((await request(meta.get(persistenceId))) as Meta | undefined)?.highest ?? 0;
  }

  async deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(EVENTS, "readwrite");
    tx.objectStore(EVENTS).delete(
      keyRange().bound([persistenceId, 0], [persistenceId, toSequenceNr]),
    );
    await done(tx);
  }

  /** Closes the connection (a reload does this implicitly). */
  async close(): Promise<void> {
    (await this.db).close();
  }
}

interface StoredSnapshot extends SnapshotMetadata {
  snapshot: unknown;
}

/**
 * Snapshots in IndexedDB, beside {@link IndexedDBJournal}'s events.
 *
 * @example
 * const snapshots = new IndexedDBSnapshotStore(indexedDB, "workshop");
 */
export class IndexedDBSnapshotStore implements SnapshotStore {
  private readonly db: Promise<IDBDatabase>;

  constructor(factory: IDBFactory, name: string) {
    this.db = open(factory, name);
  }

  async save(metadata: SnapshotMetadata, snapshot: unknown): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(SNAPSHOTS, "readwrite");
    tx.objectStore(SNAPSHOTS).put({ ...metadata, snapshot } satisfies StoredSnapshot);
    await done(tx);
  }

  async loadLatest(
    persistenceId: string,
    maxSequenceNr = Number.MAX_SAFE_INTEGER,
  ): Promise<SelectedSnapshot | undefined> {
    const db = await this.db;
    const store = db.transaction(SNAPSHOTS, "readonly").objectStore(SNAPSHOTS);
    const range = keyRange().bound([persistenceId, 0], [persistenceId, maxSequenceNr]);
    const cursor = await request(store.openCursor(range, "prev"));
    if (!cursor) return undefined;
    const { snapshot, ...metadata } = cursor.value as StoredSnapshot;
    return { metadata, snapshot };
  }

  async deleteTo(persistenceId: string, maxSequenceNr: number): Promise<void> {
    if (maxSequenceNr < 0) return;
    const db = await this.db;
    const tx = db.transaction(SNAPSHOTS, "readwrite");
    tx.objectStore(SNAPSHOTS).delete(
      keyRange().bound([persistenceId, 0], [persistenceId, maxSequenceNr]),
    );
    await done(tx);
  }

  async close(): Promise<void> {
    (await this.db).close();
  }
}
