import { type Behavior, Behaviors } from "../../actor/behavior";
import { ActorSystem } from "../../actor/system";
import {
  type AtomicWrite,
  type Journal,
  type PersistentRepr,
  SequenceConflict,
  type SnapshotStore,
} from "../../persistence/journal";
import { Persistence } from "../../persistence/persistence-plugin";
import type { Scheduler } from "../../sim/scheduler";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import type { ClusterNode } from "../membership/cluster-node";
import { nodeKey, type UniqueAddress } from "../membership/member";
import type { EntityId, ShardId } from "./extractor";
import type { ShardingTrace } from "./trace";

/**
 * Thrown by a dead node's journal: a crashed process writes nothing.
 *
 * @example A crashed node cannot write
 * ```ts
 * declare const sim: ClusterSimulation;
 * declare const runtime: NodeRuntime; // node-2's
 * declare const events: AtomicWrite;
 * sim.crash("node-2");
 * await runtime.journal.append(events).catch((e) => e instanceof NodeStoppedError); // true
 * ```
 */
export class NodeStoppedError extends Error {
  constructor(readonly node: UniqueAddress) {
    super(`node ${nodeKey(node)} has stopped; it cannot write to the journal`);
    this.name = "NodeStoppedError";
  }
}

/**
 * How long a node's journal writes take: `ms` of the scheduler's time. Zero (the default)
 * completes a write in the instant it is made.
 */
export interface WriteLatency {
  readonly ms: number;
  readonly scheduler: Scheduler;
}

/**
 * The shared journal as one node incarnation sees it: writes are traced with the writer, a
 * sequence conflict (a second writer caught) is traced too, and once the node has stopped
 * every write fails, as it would for a process that is gone. With a write latency, a write
 * reaches the shared journal only when it completes; if its node stops first, the write is lost
 * with the node, as the writes queued in a node's journal plugin are, and fails.
 *
 * @example
 * const journal = new NodeJournal(shared, node.self, trace, () => node.isTerminated === false);
 */
export class NodeJournal implements Journal {
  constructor(
    private readonly inner: Journal,
    private readonly writer: UniqueAddress,
    private readonly trace: ShardingTrace,
    private readonly alive: () => boolean,
    private readonly latency?: WriteLatency,
  ) {}

  append(events: AtomicWrite): Promise<void> {
    if (!this.alive()) return Promise.reject(new NodeStoppedError(this.writer));
    const latency = this.latency;
    if (latency === undefined || latency.ms <= 0) return this.write(events);
    const start = () =>
      this.alive() ? this.write(events) : Promise.reject(new NodeStoppedError(this.writer));
    const scheduler = latency.scheduler;
    if (scheduler instanceof VirtualScheduler) return scheduler.ioAfter(latency.ms, start);
    return new Promise((resolve, reject) => {
      scheduler.schedule(latency.ms, () => start().then(resolve, reject));
    });
  }

  private write(events: AtomicWrite): Promise<void> {
    const first = events[0];
    if (first === undefined) return this.inner.append(events);
    const last = events[events.length - 1] as PersistentRepr;
    return this.inner.append(events).then(
      () => {
        this.trace.emit({
          type: "journalWrite",
          persistenceId: first.persistenceId,
          fromSequenceNr: first.sequenceNr,
          toSequenceNr: last.sequenceNr,
          writer: this.writer,
        });
      },
      (error: unknown) => {
        if (error instanceof SequenceConflict)
          this.trace.emit({
            type: "journalConflict",
            persistenceId: error.persistenceId,
            expected: error.expected,
            attempted: error.attempted,
            writer: this.writer,
          });
        throw error;
      },
    );
  }

  read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max?: number,
  ): Promise<PersistentRepr[]> {
    return this.inner.read(persistenceId, fromSequenceNr, toSequenceNr, max);
  }

  highestSequenceNr(persistenceId: string): Promise<number> {
    return this.inner.highestSequenceNr(persistenceId);
  }

  deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    if (!this.alive()) return Promise.reject(new NodeStoppedError(this.writer));
    return this.inner.deleteTo(persistenceId, toSequenceNr);
  }
}

interface LiveEntity {
  readonly typeName: string;
  readonly entityId: EntityId;
  readonly shard: ShardId;
}

/**
 * What runs on one node incarnation besides its cluster membership: an actor system on the
 * simulation's scheduler (entities and shards live there) and the node's view of the shared
 * journal. When the node crashes or shuts down, the system dies with it: every entity still
 * alive is traced as stopped at that instant and its state is gone.
 *
 * @example An actor system for one node incarnation
 * ```ts
 * declare const sim: ClusterSimulation;
 * declare const node: ClusterNode;
 * declare const behavior: Behavior<string>;
 * const runtime = new NodeRuntime(node, {
 *   scheduler: sim.scheduler,
 *   journal: new InMemoryJournal(),
 *   snapshotStore: new InMemorySnapshotStore(),
 *   trace: new ShardingTrace(() => sim.scheduler.now()),
 *   seed: 1,
 * });
 * runtime.system.systemActorOf(behavior, "worker");
 * ```
 */
export class NodeRuntime {
  readonly node: ClusterNode;
  readonly self: UniqueAddress;
  readonly system: ActorSystem<never>;
  readonly journal: NodeJournal;
  readonly trace: ShardingTrace;
  readonly scheduler: Scheduler;
  private readonly live = new Map<string, LiveEntity>();
  private alive = true;
  private spawned = 0;

  constructor(
    node: ClusterNode,
    options: {
      scheduler: Scheduler;
      journal: Journal;
      snapshotStore: SnapshotStore;
      trace: ShardingTrace;
      seed: number;
      /** Virtual milliseconds each journal write takes (default 0). */
      journalWriteLatencyMs?: number;
    },
  ) {
    this.node = node;
    this.self = node.self;
    this.trace = options.trace;
    this.scheduler = options.scheduler;
    this.system = ActorSystem.create(
      Behaviors.ignore as Behavior<never>,
      `${node.address.replace(/[^\w-]/g, "_")}-${node.self.uid}`,
      { scheduler: options.scheduler, seed: options.seed },
    );
    this.journal = new NodeJournal(options.journal, node.self, options.trace, () => this.alive, {
      ms: options.journalWriteLatencyMs ?? 0,
      scheduler: options.scheduler,
    });
    Persistence.register(this.system as ActorSystem<unknown>, {
      journal: this.journal,
      snapshotStore: options.snapshotStore,
    });
    if (node.isTerminated) this.stop();
    else node.onTerminated(() => this.stop());
  }

  /** True until the node incarnation this runtime belongs to stops. */
  get isAlive(): boolean {
    return this.alive;
  }

  /** A fresh actor name for `base` on this node (names of stopping actors stay taken a while). */
  actorName(base: string): string {
    return `${encodeURIComponent(base)}~${(this.spawned++).toString(36)}`;
  }

  /** Traces an entity start; shards call it when they spawn one. */
  entityStarted(typeName: string, shard: ShardId, entityId: EntityId): void {
    if (!this.alive) return;
    this.live.set(`${typeName}\u0000${entityId}`, { typeName, entityId, shard });
    this.trace.emit({ type: "entityStarted", typeName, entityId, shard, node: this.self });
  }

  /** Traces an entity stop (passivation, hand-off, its own stop). */
  entityStopped(
    typeName: string,
    shard: ShardId,
    entityId: EntityId,
    reason: "passivated" | "hand-off" | "stopped",
  ): void {
    if (!this.alive) return;
    if (!this.live.delete(`${typeName}\u0000${entityId}`)) return;
    this.trace.emit({ type: "entityStopped", typeName, entityId, shard, node: this.self, reason });
  }

  private stop(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const e of this.live.values())
      this.trace.emit({
        type: "entityStopped",
        typeName: e.typeName,
        entityId: e.entityId,
        shard: e.shard,
        node: this.self,
        reason: "node-stopped",
      });
    this.live.clear();
    void this.system.terminate();
  }
}
