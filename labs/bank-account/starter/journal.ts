/**
 * A tiny in-memory journal and snapshot store, enough to run the account in this lab. The
 * runtime's journals follow the same rules: events of one persistence id are numbered 1..N with
 * no gaps, and a write that does not continue the sequence is refused.
 */

/** One stored event and its sequence number. */
export interface JournalEntry<E> {
  readonly sequenceNr: number;
  readonly event: E;
}

/** A copy of the state as it was after event `sequenceNr`. */
export interface Snapshot<S> {
  readonly sequenceNr: number;
  readonly state: S;
}

export class InMemoryJournal<E> {
  private readonly streams = new Map<string, JournalEntry<E>[]>();

  /** Highest sequence number written for `persistenceId`, or 0 when there is none. */
  highestSequenceNr(persistenceId: string): number {
    return this.streams.get(persistenceId)?.length ?? 0;
  }

  /**
   * Appends events atomically after `expectedSequenceNr`. Fails if someone else wrote in between,
   * which is how a second writer for the same id is caught.
   */
  append(persistenceId: string, expectedSequenceNr: number, events: readonly E[]): void {
    const stream = this.streams.get(persistenceId) ?? [];
    if (stream.length !== expectedSequenceNr) {
      throw new Error(
        `${persistenceId}: expected to write after ${expectedSequenceNr}, but the journal is at ${stream.length}`,
      );
    }
    for (const event of events) stream.push({ sequenceNr: stream.length + 1, event });
    this.streams.set(persistenceId, stream);
  }

  /** Events with a sequence number greater than `afterSequenceNr`, in order. */
  read(persistenceId: string, afterSequenceNr = 0): JournalEntry<E>[] {
    return (this.streams.get(persistenceId) ?? []).filter((e) => e.sequenceNr > afterSequenceNr);
  }
}

export class InMemorySnapshotStore<S> {
  private readonly latestById = new Map<string, Snapshot<S>>();
  /** How many snapshots were saved, per id: lets a check see the policy at work. */
  readonly saved = new Map<string, number[]>();

  /** Keeps a deep copy, as a real store would serialise it. */
  save(persistenceId: string, snapshot: Snapshot<S>): void {
    this.latestById.set(persistenceId, structuredClone(snapshot));
    this.saved.set(persistenceId, [...(this.saved.get(persistenceId) ?? []), snapshot.sequenceNr]);
  }

  latest(persistenceId: string): Snapshot<S> | undefined {
    const snapshot = this.latestById.get(persistenceId);
    return snapshot === undefined ? undefined : structuredClone(snapshot);
  }
}
