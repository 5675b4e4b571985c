/**
 * Group reads, the read-side twin of group commit: reads issued in the same tick share one
 * readonly transaction. A thousand actors recovering at once then cost a handful of
 * transactions instead of three each, and opening a transaction is most of a small read's cost.
 *
 * A read is a function of the shared transaction. It may await only that transaction's requests:
 * awaiting anything else lets IndexedDB commit the transaction under it.
 *
 * @internal
 */
export type Read<T> = (tx: IDBTransaction) => Promise<T>;

interface Queued {
  read: Read<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class ReadBatch {
  private queue: Queued[] = [];
  /** Readonly transactions opened so far (each may carry many reads). */
  transactions = 0;

  constructor(
    private readonly db: Promise<IDBDatabase>,
    private readonly stores: string[],
  ) {}

  run<T>(read: Read<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first =
        this.queue.push({ read, resolve: resolve as (v: unknown) => void, reject }) === 1;
      if (first) queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    let db: IDBDatabase;
    try {
      db = await this.db;
    } catch (error) {
      for (const item of this.queue.splice(0)) item.reject(error);
      return;
    }
    // Taken after the await, so reads queued while the database was opening join this batch.
    const batch = this.queue.splice(0);
    let tx: IDBTransaction;
    try {
      tx = db.transaction(this.stores, "readonly");
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    this.transactions++;
    for (const item of batch) item.read(tx).then(item.resolve, item.reject);
  }
}
