import type { Behavior } from "../../actor/behavior";
import type { Journal, SnapshotStore } from "../../persistence/journal";
import { SeededRandom } from "../../sim/random";
import type { Scheduler } from "../../sim/scheduler";
import { ClusterNode } from "../membership/cluster-node";
import type { DowningProvider } from "../membership/downing-provider";
import { nodeKey } from "../membership/member";
import { type ClusterSettings, clusterSettings } from "../membership/settings";
import { ClusterSharding, type ShardedEntity } from "../sharding/cluster-sharding";
import type { EntityId } from "../sharding/extractor";
import { ClusterTrace } from "../simulation/trace";
import { PortTransport } from "./port-transport";
import {
  downingFrom,
  type FromNode,
  type LiveNodeState,
  type NodeStart,
  type ToNode,
} from "./protocol";

/** What the worker module brings: code that cannot be posted. */
export interface NodeRunnerOptions {
  /** Entity behaviours by type name, for sharding. */
  readonly entities?: Readonly<Record<string, (entityId: EntityId) => Behavior<never>>>;
  /**
   * Opens the shared stores named in the start message (each node its own connection); `node`
   * names this node incarnation (e.g. "node-2#7"), for a journal to tell other writers who it is.
   */
  readonly stores?: (
    name: string,
    node: string,
  ) => { journal: Journal; snapshotStore: SnapshotStore };
}

/**
 * The inside of a node worker, without the worker: give it a way to post to the relay and a
 * scheduler, and feed it what the relay posts. The first message must be `start`; it builds one
 * {@link ClusterNode} on a {@link PortTransport} (and, when asked, cluster sharding over the
 * shared journal), streams trace records to the relay, and reports when the node stops on its
 * own (downed, left, removed).
 *
 * @example The body of a node worker
 * ```ts
 * // `scope` is the worker's global scope (`self` in node-worker.ts).
 * declare const scope: {
 *   postMessage(message: FromNode): void;
 *   onmessage: ((event: MessageEvent<ToNode>) => void) | null;
 * };
 * const receive = nodeRunner((m) => scope.postMessage(m), new RealScheduler(), {
 *   // Entities arrive as untyped wire data, hence the cast (as in node-worker.ts).
 *   entities: { counter: counterEntity as (id: string) => Behavior<never> },
 *   stores: (name) => ({
 *     journal: new IndexedDBJournal(indexedDB, name),
 *     snapshotStore: new IndexedDBSnapshotStore(indexedDB, name),
 *   }),
 * });
 * scope.onmessage = (e) => receive(e.data);
 * ```
 */
export function nodeRunner(
  post: (message: FromNode) => void,
  scheduler: Scheduler,
  options: NodeRunnerOptions = {},
): (message: ToNode) => void {
  const transport = new PortTransport(post);
  let node: ClusterNode | undefined;
  const types = new Map<string, ShardedEntity<Record<string, unknown>, unknown>>();
  return (message) => {
    switch (message.kind) {
      case "start": {
        if (node !== undefined) throw new Error(`node worker ${nodeKey(node.self)}: started twice`);
        // Records are not kept here: the relay keeps the one trace of the whole cluster.
        const trace = new ClusterTrace(false);
        trace.subscribe((record) => post({ kind: "trace", record }));
        const settings = clusterSettings(message.settings);
        const downing = downingFrom(message.downing);
        const started = new ClusterNode({
          self: message.self,
          network: transport,
          scheduler,
          random: new SeededRandom(message.seed),
          trace,
          settings,
          downing,
          joinSelf: message.joinSelf,
          roles: message.roles ?? [],
        });
        node = started;
        started.onTerminated((reason) => post({ kind: "terminated", reason }));
        if (message.sharding !== undefined)
          startSharding(started, message, { scheduler, settings, downing }, options, post, types);
        return;
      }
      case "deliver":
        transport.deliver(message.from, message.message);
        return;
      case "leave":
        node?.leave();
        return;
      case "state":
        post({ kind: "state", id: message.id, state: node === undefined ? null : stateOf(node) });
        return;
      case "ask": {
        const { id, typeName, entityId, command, timeoutMs } = message;
        const type = types.get(typeName);
        if (type === undefined || node === undefined || node.isTerminated) {
          post({ kind: "answer", id, ok: false, error: `no running region for "${typeName}"` });
          return;
        }
        type
          .entityRefFor(entityId, node.address)
          .ask((replyTo) => ({ ...command, replyTo }), timeoutMs)
          .then(
            (value) => post({ kind: "answer", id, ok: true, value }),
            (error: unknown) => post({ kind: "answer", id, ok: false, error: String(error) }),
          );
        return;
      }
    }
  };
}

function startSharding(
  node: ClusterNode,
  start: NodeStart,
  host: { scheduler: Scheduler; settings: ClusterSettings; downing: DowningProvider },
  options: NodeRunnerOptions,
  post: (message: FromNode) => void,
  types: Map<string, ShardedEntity<Record<string, unknown>, unknown>>,
): void {
  const spec = start.sharding;
  if (spec === undefined) return;
  if (options.stores === undefined)
    throw new Error("node worker: sharding was asked for, but the worker module opens no stores");
  const stores = options.stores(spec.journal, `${node.self.address}#${node.self.uid}`);
  // This worker's one node is the whole host: sharding sees exactly one incarnation.
  const sharding = new ClusterSharding(
    {
      seed: start.seed,
      scheduler: host.scheduler,
      settings: host.settings,
      downing: host.downing,
      onNodeStarted: (listener) => {
        listener(node);
        return () => {};
      },
      node: (address) => (address === node.address ? node : undefined),
    },
    { ...stores, retainTrace: false },
  );
  sharding.trace.subscribe((record) => post({ kind: "sharding", record }));
  for (const { typeName, settings } of spec.entities) {
    const createBehavior = options.entities?.[typeName];
    if (createBehavior === undefined)
      throw new Error(
        `node worker: sharding.entities names "${typeName}", which this worker module does not bring (it has: ${Object.keys(options.entities ?? {}).join(", ") || "none"})`,
      );
    types.set(
      typeName,
      sharding.init<Record<string, unknown>, unknown>({
        typeName,
        createBehavior,
        settings,
      }) as ShardedEntity<Record<string, unknown>, unknown>,
    );
  }
}

function stateOf(node: ClusterNode): LiveNodeState {
  const s = node.state();
  const unreachable = new Set(s.unreachable.map((m) => nodeKey(m.node)));
  return {
    self: node.self,
    phase: s.phase,
    members: s.members.map((m) => ({
      address: m.node.address,
      uid: m.node.uid,
      status: m.status,
      reachable: !unreachable.has(nodeKey(m.node)),
      roles: [...(m.roles ?? [])],
    })),
    leader: s.leader?.address ?? null,
  };
}
