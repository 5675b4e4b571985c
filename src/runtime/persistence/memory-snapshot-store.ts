import type { SelectedSnapshot, SnapshotMetadata, SnapshotStore } from "./journal";

/**
 * Snapshots in memory, newest last per persistence id.
 *
 * @example Saving, loading, and a failure injected
 * ```ts
 * const store = new InMemorySnapshotStore();
 * await store.save({ persistenceId: "a-1", sequenceNr: 100, timestamp: 0 }, { balance: 70 });
 * (await store.loadLatest("a-1"))?.snapshot; // { balance: 70 }
 * store.sequenceNrs("a-1"); // [100]
 * store.failNextSave(); // the behaviour gets SnapshotFailed and carries on
 * ```
 */
export class InMemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, SelectedSnapshot[]>();
  private nextSaveFailure: Error | undefined;
  private nextLoadFailure: Error | undefined;

  /** Forgets every snapshot (for tests, like the test kit's `clear`). */
  clear(): void {
    this.snapshots.clear();
  }

  /** Stores `snapshot` for `metadata.persistenceId` (replacing one at the same sequence number). */
  save(metadata: SnapshotMetadata, snapshot: unknown): Promise<void> {
    if (this.nextSaveFailure) {
      const error = this.nextSaveFailure;
      this.nextSaveFailure = undefined;
      return Promise.reject(error);
    }
    const list = this.snapshots.get(metadata.persistenceId) ?? [];
    const kept = list.filter((s) => s.metadata.sequenceNr !== metadata.sequenceNr);
    kept.push({ metadata, snapshot });
    kept.sort((a, b) => a.metadata.sequenceNr - b.metadata.sequenceNr);
    this.snapshots.set(metadata.persistenceId, kept);
    return Promise.resolve();
  }

  loadLatest(
    persistenceId: string,
    maxSequenceNr = Number.MAX_SAFE_INTEGER,
  ): Promise<SelectedSnapshot | undefined> {
    if (this.nextLoadFailure) {
      const error = this.nextLoadFailure;
      this.nextLoadFailure = undefined;
      return Promise.reject(error);
    }
    const list = this.snapshots.get(persistenceId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i] as SelectedSnapshot;
      if (s.metadata.sequenceNr <= maxSequenceNr) return Promise.resolve(s);
    }
    return Promise.resolve(undefined);
  }

  deleteTo(persistenceId: string, maxSequenceNr: number): Promise<void> {
    const list = this.snapshots.get(persistenceId);
    if (list)
      this.snapshots.set(
        persistenceId,
        list.filter((s) => s.metadata.sequenceNr > maxSequenceNr),
      );
    return Promise.resolve();
  }

  /** Sequence numbers of the snapshots kept for `persistenceId`, oldest first. */
  sequenceNrs(persistenceId: string): number[] {
    return (this.snapshots.get(persistenceId) ?? []).map((s) => s.metadata.sequenceNr);
  }

  /** The next `save` rejects with `error` and stores nothing (a `SnapshotFailed` signal). */
  failNextSave(error: Error = new Error("injected snapshot save failure")): void {
    this.nextSaveFailure = error;
  }

  /** The next `loadLatest` rejects with `error`, so recovery fails. */
  failNextLoad(error: Error = new Error("injected snapshot load failure")): void {
    this.nextLoadFailure = error;
  }
}
