/**
 * The entry module of a live-mode node worker: bundle it as a worker script and hand
 * `LiveCluster` a way to start it. Everything it does is in {@link nodeRunner}; this module
 * only brings what cannot be posted: the entity behaviours it can host (the workshop's counter)
 * and the shared journal, IndexedDB, which every worker opens for itself.
 */
import type { Behavior } from "../../actor/behavior";
import { IndexedDBJournal } from "../../persistence/indexeddb-journal";
import { IndexedDBSnapshotStore } from "../../persistence/indexeddb-snapshot-store";
import { RealScheduler } from "../../sim/real-scheduler";
import { counterEntity } from "../sharding/counter-entity";
import { nodeRunner } from "./node-runner";
import type { FromNode, ToNode } from "./protocol";

interface WorkerScope {
  postMessage(message: FromNode): void;
  onmessage: ((event: { readonly data: ToNode }) => void) | null;
  readonly indexedDB?: IDBFactory;
}

const scope = globalThis as unknown as WorkerScope;
const receive = nodeRunner((message) => scope.postMessage(message), new RealScheduler(), {
  entities: { counter: counterEntity as (id: string) => Behavior<never> },
  stores: (name, node) => {
    const factory = scope.indexedDB;
    if (factory === undefined) throw new Error("node worker: this worker has no indexedDB");
    return {
      journal: new IndexedDBJournal(factory, name, { writer: node }),
      snapshotStore: new IndexedDBSnapshotStore(factory, name),
    };
  },
});
scope.onmessage = (event) => receive(event.data);
