/**
 * The IndexedDB bench's work, run inside the page (bench/browser.ts drives it through
 * page-runtime.ts's bundle). Each function returns what it measured, timed in the page.
 */
import {
  ActorSystem,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  IndexedDBJournal,
  IndexedDBSnapshotStore,
  Persistence,
} from "../src/runtime/index";
import { addedEvents } from "./events";

export interface JournalSettings {
  durability?: IDBTransactionDurability;
  maxBatchEvents?: number;
}

/**
 * `actors` entities writing concurrently: each appends its next `batch` events as soon as its
 * previous append is acknowledged, until it has written `perActor`. The journal group-commits
 * whatever arrives while a transaction is in flight.
 */
export async function persistConcurrently(
  name: string,
  actors: number,
  perActor: number,
  batch: number,
  settings: JournalSettings,
): Promise<{ seconds: number; commits: number }> {
  const start = performance.now();
  const journal = new IndexedDBJournal(indexedDB, name, settings);
  const entity = async (a: number) => {
    for (let from = 1; from <= perActor; from += batch)
      await journal.append(addedEvents(`c-${a}`, from, Math.min(from + batch - 1, perActor)));
  };
  await Promise.all(Array.from({ length: actors }, (_, a) => entity(a)));
  const seconds = (performance.now() - start) / 1000;
  const commits = journal.commits;
  await journal.close();
  return { seconds, commits };
}

/** Writes `perActor` events for each of `actors` entities, `batch` events per atomic write. */
export async function seed(
  name: string,
  actors: number,
  perActor: number,
  batch: number,
): Promise<{ seconds: number; commits: number }> {
  const start = performance.now();
  const journal = new IndexedDBJournal(indexedDB, name);
  for (let from = 1; from <= perActor; from += batch) {
    const to = Math.min(from + batch - 1, perActor);
    await Promise.all(
      Array.from({ length: actors }, (_, a) => journal.append(addedEvents(`c-${a}`, from, to))),
    );
  }
  const seconds = (performance.now() - start) / 1000;
  const commits = journal.commits;
  await journal.close();
  return { seconds, commits };
}

/**
 * `actors` event-sourced counters recover from the journal `name` through the runtime, on a
 * fresh connection (as after a reload). Timed from opening the connection until every actor has
 * recovered; `total` is the sum of every counter, which must equal the events stored.
 */
export async function recoverActors(
  name: string,
  actors: number,
): Promise<{ seconds: number; total: number }> {
  const start = performance.now();
  const journal = new IndexedDBJournal(indexedDB, name);
  const system = ActorSystem.create(Behaviors.ignore as never, "recover");
  Persistence.register(system as never, {
    journal,
    snapshotStore: new IndexedDBSnapshotStore(indexedDB, name),
  });
  let recovered = 0;
  let total = 0;
  await new Promise<void>((resolve) => {
    for (let a = 0; a < actors; a++) {
      const behavior = EventSourcedBehavior.create<never, { n: number }, number>({
        persistenceId: `c-${a}`,
        emptyState: 0,
        commandHandler: () => Effect.none(),
        eventHandler: (sum, e) => sum + e.n,
      }).receiveSignal((_s, signal) => {
        if (signal.type === "RecoveryCompleted") {
          total += signal.state;
          if (++recovered === actors) resolve();
        }
      });
      system.systemActorOf(behavior, `c${a}`);
    }
  });
  const seconds = (performance.now() - start) / 1000;
  await system.terminate();
  await journal.close();
  return { seconds, total };
}

/** Deletes a bench database, waiting until it is gone. */
export function drop(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
  });
}
