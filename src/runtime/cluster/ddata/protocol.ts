import type { Scheduler } from "../../sim/scheduler";
import type { ReplicatedDataWire } from "./data";
import type { ReplicaId } from "./version-vector";

/**
 * What replicators send each other. Every message is plain JSON data, so the same protocol runs
 * over the in-thread simulated network and between Web Workers.
 *
 * - `Write` / `WriteAck` / `WriteNack`: an update at majority or all, and its acknowledgements.
 *   A replica acks only after merging the value, which is what makes an ack count.
 * - `Read` / `ReadResult`: a read at majority or all.
 * - `Status` / `Gossip`: anti-entropy. A replica sends a random peer the digests of its values;
 *   the peer answers with the values whose digests differ and asks for the ones it lacks.
 */
export type ReplicatorMessage =
  | {
      readonly type: "Write";
      readonly requestId: string;
      readonly key: string;
      readonly data: ReplicatedDataWire;
    }
  | { readonly type: "WriteAck"; readonly requestId: string }
  | { readonly type: "WriteNack"; readonly requestId: string; readonly reason: string }
  | { readonly type: "Read"; readonly requestId: string; readonly key: string }
  | {
      readonly type: "ReadResult";
      readonly requestId: string;
      readonly data: ReplicatedDataWire | null;
    }
  | { readonly type: "Status"; readonly digests: ReadonlyArray<readonly [string, string]> }
  | {
      readonly type: "Gossip";
      readonly entries: ReadonlyArray<readonly [string, ReplicatedDataWire]>;
      /** Keys the sender wants back from the receiver. */
      readonly wanted: readonly string[];
    };

/**
 * All a {@link Replicator} needs from the cluster. Messages may be lost, delayed or reordered;
 * the replicator copes. The cluster's network adapts to this; tests use a loopback.
 *
 * @example Three replicas over a simulated network
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const network = new Network<ReplicatorMessage>(scheduler, new SeededRandom(1));
 * const replicas = ["a", "b", "c"];
 * const transportFor = (self: string): ReplicatorTransport => ({
 *   self,
 *   scheduler,
 *   members: () => replicas,
 *   send: (to, message) => {
 *     network.send(self, to, message); // may be lost: the replicator copes
 *   },
 *   onMessage: (handler) => {
 *     network.connect(self, handler);
 *     return () => network.disconnect(self);
 *   },
 * });
 * const a = new Replicator({ transport: transportFor("a"), random: new SeededRandom(2) });
 * ```
 */
export interface ReplicatorTransport {
  /** This replica's id: the node's unique address as text. */
  readonly self: ReplicaId;
  /** The clock for timeouts, gossip ticks and LWW timestamps. */
  readonly scheduler: Scheduler;
  /** The current members that hold replicas, this one included. */
  members(): readonly ReplicaId[];
  /** Sends a message to another replica, at most once (it may be lost). */
  send(to: ReplicaId, message: ReplicatorMessage): void;
  /** Registers the handler for incoming messages; returns a function that removes it. */
  onMessage(handler: (from: ReplicaId, message: ReplicatorMessage) => void): () => void;
}
