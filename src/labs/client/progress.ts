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

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: "slug" });
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
