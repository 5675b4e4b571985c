/**
 * Where an at-least-once projection remembers how far it got: the offset of the last event it
 * handled. An IndexedDB (or any durable) store implements the same two methods.
 *
 * @example Saving and loading an offset
 * ```ts
 * const offsets: OffsetStore = new InMemoryOffsetStore();
 * await offsets.save("thread-list", 42);
 * await offsets.load("thread-list"); // 42 (0 if never saved)
 * ```
 */
export interface OffsetStore {
  /** The offset of the last event the projection handled; 0 if it never saved one. */
  load(projectionId: string): Promise<number>;
  /** Records that every event up to `offset` has been handled. */
  save(projectionId: string, offset: number): Promise<void>;
}

/**
 * A read-model store that applies an update and records the offset in ONE atomic step, which
 * is what makes a projection exactly-once: after any crash the stored model contains exactly
 * the events up to the stored offset. `U` is the store's kind of update (a function, a SQL-ish
 * change set, a record to put...).
 *
 * @example Committing an update together with its offset
 * ```ts
 * const readModel: TransactionalOffsetStore<(m: Record<string, number>) => Record<string, number>> =
 *   new InMemoryReadModel<Record<string, number>>({});
 * await readModel.commit("counts", 7, (m) => ({ ...m, alice: (m.alice ?? 0) + 1 }));
 * await readModel.load("counts"); // 7
 * ```
 */
export interface TransactionalOffsetStore<U> {
  /** The offset of the last committed event; 0 if nothing was committed. */
  load(projectionId: string): Promise<number>;
  /** Applies `update` and stores `offset` together: both happen, or neither does. */
  commit(projectionId: string, offset: number, update: U): Promise<void>;
}

/**
 * An {@link OffsetStore} in memory, with failure injection for crash tests.
 *
 * @example Offsets in memory, and a crash between handling and saving
 * ```ts
 * const offsets = new InMemoryOffsetStore();
 * await offsets.save("thread-list", 42);
 * await offsets.load("thread-list"); // 42 (0 if never saved)
 * offsets.failNextSave(); // the next save rejects: the projection "crashes" after handling
 * ```
 */
export class InMemoryOffsetStore implements OffsetStore {
  private readonly offsets = new Map<string, number>();
  private nextSaveFailure: Error | undefined;

  /** The last saved offset for `projectionId`, or 0. */
  load(projectionId: string): Promise<number> {
    return Promise.resolve(this.offsets.get(projectionId) ?? 0);
  }

  /** Saves `offset`, unless a failure was injected with {@link failNextSave}. */
  save(projectionId: string, offset: number): Promise<void> {
    const failure = this.nextSaveFailure;
    if (failure) {
      this.nextSaveFailure = undefined;
      return Promise.reject(failure);
    }
    this.offsets.set(projectionId, offset);
    return Promise.resolve();
  }

  /** The next `save` fails and stores nothing. */
  failNextSave(error: Error = new Error("injected offset store failure")): void {
    this.nextSaveFailure = error;
  }
}

/**
 * A read model in memory whose updates are functions `model → model`, committed atomically with
 * the projection's offset (a {@link TransactionalOffsetStore}). Read the current state from
 * `model`. Updates must not mutate the model they receive: a failed commit leaves it as it was.
 *
 * @example A read model fed exactly once by a projection
 * ```ts
 * declare const journal: InMemoryJournal;
 * type Members = Record<string, string[]>;
 * const members = new InMemoryReadModel<Members>({});
 * runProjection({
 *   projectionId: "members",
 *   mode: "exactly-once",
 *   offsetStore: members,
 *   source: (after) => eventsByTag(journal, "thread", after),
 *   handler: (e) => (m: Members) => ({ ...m, [e.persistenceId]: [...(m[e.persistenceId] ?? []), "joined"] }),
 * });
 * members.model; // the state as of the last commit
 * ```
 */
export class InMemoryReadModel<M> implements TransactionalOffsetStore<(model: M) => M> {
  private current: M;
  private readonly offsets = new Map<string, number>();
  private nextCommitFailure: Error | undefined;

  constructor(initial: M) {
    this.current = initial;
  }

  /** The read model as of the last commit. */
  get model(): M {
    return this.current;
  }

  /** The offset of the last commit for `projectionId`, or 0. */
  load(projectionId: string): Promise<number> {
    return Promise.resolve(this.offsets.get(projectionId) ?? 0);
  }

  commit(projectionId: string, offset: number, update: (model: M) => M): Promise<void> {
    const failure = this.nextCommitFailure;
    if (failure) {
      this.nextCommitFailure = undefined;
      return Promise.reject(failure);
    }
    try {
      const next = update(this.current);
      // Both assignments happen in one synchronous step: nothing can observe one without the other.
      this.current = next;
      this.offsets.set(projectionId, offset);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The next `commit` fails and changes nothing (neither the model nor the offset). */
  failNextCommit(error: Error = new Error("injected read-model commit failure")): void {
    this.nextCommitFailure = error;
  }
}
