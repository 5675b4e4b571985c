import type { V3Results } from "../results";

/**
 * A learner's progress on one lab, kept in this browser's IndexedDB so it survives reloads.
 * Nothing leaves the browser: the site is static and has no server.
 */
export interface LabProgress {
  slug: string;
  /** The editable files as the learner last left them. */
  files: Record<string, string>;
  /** The learner's own version, set aside while the solution is shown ("Restore my code"). */
  mine?: Record<string, string>;
  /** The file tab that was open. */
  openFile?: string;
  results?: V3Results;
  updatedAt: number;
}

const DB_NAME = "es-workshop-labs";
const STORE = "progress";

/** The browser deleted the saved progress (it reports `dataLoss` when it found its files corrupt). */
export interface ProgressLoss {
  /** The browser's own words, possibly empty. */
  readonly message: string;
  readonly noticedAt: number;
}

// Kept outside IndexedDB (which was just emptied), so whichever page opens the store first after
// the loss (the labs index or a lab) leaves it for the lab page to tell the learner.
const LOSS_KEY = "es-workshop-labs:data-loss";
const memory = new Map<string, string>();
function notes(): Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  try {
    if (typeof localStorage !== "undefined") return localStorage;
  } catch {
    // Storage disabled: fall back to this page's memory.
  }
  return {
    getItem: (k) => memory.get(k) ?? null,
    setItem: (k, v) => void memory.set(k, v),
    removeItem: (k) => void memory.delete(k),
  };
}

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DB_NAME, 1);
    request.onupgradeneeded = (event) => {
      request.result.createObjectStore(STORE, { keyPath: "slug" });
      const loss = event as IDBVersionChangeEvent & { dataLoss?: string; dataLossMessage?: string };
      if (loss.dataLoss === "total")
        notes().setItem(
          LOSS_KEY,
          JSON.stringify({ message: loss.dataLossMessage ?? "", noticedAt: Date.now() }),
        );
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export class ProgressStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory = globalThis.indexedDB) {}

  private database(): Promise<IDBDatabase> {
    this.db ??= openDb(this.factory);
    return this.db;
  }

  /** A loss of saved progress the learner has not been told about yet. */
  async dataLoss(): Promise<ProgressLoss | undefined> {
    await this.database();
    const note = notes().getItem(LOSS_KEY);
    return note ? (JSON.parse(note) as ProgressLoss) : undefined;
  }

  /** The learner was told: forget the loss. */
  acknowledgeDataLoss(): void {
    notes().removeItem(LOSS_KEY);
  }

  async load(slug: string): Promise<LabProgress | undefined> {
    const db = await this.database();
    return settle(db.transaction(STORE).objectStore(STORE).get(slug)) as Promise<
      LabProgress | undefined
    >;
  }

  async save(progress: LabProgress): Promise<void> {
    const db = await this.database();
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(progress);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }

  async all(): Promise<LabProgress[]> {
    const db = await this.database();
    return settle(db.transaction(STORE).objectStore(STORE).getAll()) as Promise<LabProgress[]>;
  }

  async clear(slug: string): Promise<void> {
    const db = await this.database();
    await settle(db.transaction(STORE, "readwrite").objectStore(STORE).delete(slug));
  }
}

/** The loss in plain words for the learner. */
export function describeProgressLoss(loss: ProgressLoss): string {
  const browser = loss.message ? ` (it said: "${loss.message}")` : "";
  return `Your browser deleted the code and results this site had saved for you${browser}; it noticed on ${new Date(loss.noticedAt).toLocaleString()}. Every lab starts again from its starter files. This usually follows a browser crash that damaged its files, not anything you did.`;
}

/** "12 of 21 checks pass", or undefined before the first run. */
export function summarise(results: V3Results | undefined):
  | {
      passed: number;
      total: number;
      done: boolean;
    }
  | undefined {
  if (!results) return undefined;
  const total = results.tests.length;
  const passed = results.tests.filter((t) => t.status === "pass").length;
  return { passed, total, done: results.status === "pass" };
}
