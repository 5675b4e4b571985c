import type { ActorSystem } from "../actor/system";
import type { Journal, SnapshotStore } from "./journal";
import { InMemoryJournal } from "./memory-journal";
import { InMemorySnapshotStore } from "./memory-snapshot-store";

interface Stores {
  journal: Journal;
  snapshotStore: SnapshotStore;
}

const registry = new WeakMap<ActorSystem<unknown>, Stores>();

/**
 * Which journal and snapshot store an actor system's event-sourced behaviours use, unless a
 * behaviour names its own with `withJournal` / `withSnapshotStore`. Defaults to in-memory stores.
 *
 * @example Giving a system a durable journal
 * ```ts
 * declare const system: ActorSystem<unknown>;
 * Persistence.register(system, { journal: new IndexedDBJournal(indexedDB, "workshop") });
 * Persistence.of(system).journal; // the IndexedDB journal; the snapshot store stays in memory
 * ```
 */
export const Persistence = {
  /** Sets the system's journal and/or snapshot store; call it before spawning persistent actors. */
  register(system: ActorSystem<unknown>, stores: Partial<Stores>): void {
    registry.set(system, { ...Persistence.of(system), ...stores });
  },
  /** The stores the system's persistent actors use (in-memory ones unless registered). */
  of(system: ActorSystem<unknown>): Stores {
    let stores = registry.get(system);
    if (!stores) {
      stores = { journal: new InMemoryJournal(), snapshotStore: new InMemorySnapshotStore() };
      registry.set(system, stores);
    }
    return stores;
  },
} as const;
