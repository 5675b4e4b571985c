import { ReadBatch } from "./indexeddb-read-batch";
import { completion, keyRange, openDatabase, request, SNAPSHOTS } from "./indexeddb-schema";
import type { SelectedSnapshot, SnapshotMetadata, SnapshotStore } from "./journal";

interface StoredSnapshot extends SnapshotMetadata {
  snapshot: unknown;
}

/**
 * Snapshots in IndexedDB, in the same database as {@link IndexedDBJournal}'s events, keyed
 * [persistenceId, sequenceNr] so the latest one is a reverse cursor away.
 *
 * @example Saving and loading a snapshot
 * ```ts
 * const snapshots = new IndexedDBSnapshotStore(indexedDB, "workshop");
 * await snapshots.save({ persistenceId: "account-1", sequenceNr: 100, timestamp: Date.now() }, { balance: 70 });
 * const latest = await snapshots.loadLatest("account-1");
 * latest?.snapshot; // { balance: 70 }; recovery replays events 101… on top of it
 * ```
 */
export class IndexedDBSnapshotStore implements SnapshotStore {
  private readonly db: Promise<IDBDatabase>;
  private readonly reads: ReadBatch;

  constructor(factory: IDBFactory, name: string) {
    this.db = openDatabase(factory, name).then((opened) => opened.db);
    this.reads = new ReadBatch(this.db, [SNAPSHOTS]);
  }

  /** Stores `snapshot` under its persistence id and sequence number (replacing one stored there). */
  async save(metadata: SnapshotMetadata, snapshot: unknown): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(SNAPSHOTS, "readwrite");
    const committed = completion(tx);
    const { persistenceId, sequenceNr, timestamp } = metadata;
    tx.objectStore(SNAPSHOTS).put({
      persistenceId,
      sequenceNr,
      timestamp,
      snapshot,
    } satisfies StoredSnapshot);
    await committed;
  }

  loadLatest(
    persistenceId: string,
    maxSequenceNr = Number.MAX_SAFE_INTEGER,
  ): Promise<SelectedSnapshot | undefined> {
    const range = keyRange().bound([persistenceId, 0], [persistenceId, maxSequenceNr]);
    return this.reads.run(async (tx) => {
      const cursor = await request(tx.objectStore(SNAPSHOTS).openCursor(range, "prev"));
      if (!cursor) return undefined;
      const { snapshot, ...metadata } = cursor.value as StoredSnapshot;
      return { metadata, snapshot };
    });
  }

  async deleteTo(persistenceId: string, maxSequenceNr: number): Promise<void> {
    if (maxSequenceNr < 0) return;
    const db = await this.db;
    const tx = db.transaction(SNAPSHOTS, "readwrite");
    const committed = completion(tx);
    tx.objectStore(SNAPSHOTS).delete(
      keyRange().bound([persistenceId, 0], [persistenceId, maxSequenceNr]),
    );
    await committed;
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    (await this.db).close();
  }
}
