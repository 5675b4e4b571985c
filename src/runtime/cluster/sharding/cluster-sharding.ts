import type { Behavior } from "../../actor/behavior";
import type { ActorRef } from "../../actor/ref";
import type { Journal, SnapshotStore } from "../../persistence/journal";
import { InMemoryJournal } from "../../persistence/memory-journal";
import { InMemorySnapshotStore } from "../../persistence/memory-snapshot-store";
import type { Address } from "../../sim/network";
import type { Scheduler } from "../../sim/scheduler";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import type { ClusterNode } from "../membership/cluster-node";
import type { DowningProvider } from "../membership/downing-provider";
import { nodeKey, type UniqueAddress } from "../membership/member";
import type { ClusterSettings } from "../membership/settings";
import { downRemovalMargin } from "../singleton/removal-margin";
import { ClusterSingletonManager } from "../singleton/singleton-manager";
import { LeastShardAllocationStrategy, type ShardAllocationStrategy } from "./allocation";
import { ShardCoordinator } from "./coordinator";
import { advanceSimulation } from "./drive";
import {
  type EntityId,
  type ShardId,
  type ShardingEnvelope,
  ShardingMessageExtractor,
} from "./extractor";
import { NodeRuntime } from "./node-runtime";
import { ShardRegion } from "./region";
import { type ShardingSettings, shardingSettings } from "./settings";
import { ShardingTrace } from "./trace";

/**
 * An entity type to shard, after Akka Typed's `Entity(typeKey)(createBehavior)`.
 *
 * @example Accounts sharded by the id inside each command
 * ```ts
 * type AccountCommand = { accountId: string; type: "deposit"; amount: number };
 * declare const account: (id: string) => Behavior<AccountCommand>; // persistenceId `account-${id}`
 * const accounts: Entity<AccountCommand, AccountCommand> = {
 *   typeName: "account",
 *   createBehavior: (id) => account(id),
 *   extractor: ShardingMessageExtractor.noEnvelope(30, (cmd) => cmd.accountId),
 *   settings: { passivateIdleAfterMs: 60_000 },
 * };
 * ```
 */
export interface Entity<M, E = ShardingEnvelope<M>> {
  /** Names the type; region, coordinator and store ids derive from it. */
  readonly typeName: string;
  /** The behaviour of one entity; usually an `EventSourcedBehavior` with id-based persistenceId. */
  readonly createBehavior: (entityId: EntityId) => Behavior<M>;
  /** Defaults to `ShardingMessageExtractor.hashCode(settings.numberOfShards)` over envelopes. */
  readonly extractor?: ShardingMessageExtractor<E, M>;
  /**
   * The extractor one node incarnation runs, when each node loads its own copy of the code, as
   * separate processes do (default: `extractor` on every node). A copy's module state belongs
   * to its node, so an extractor that remembers what it has seen gives different answers on
   * different nodes, and forgets everything when its node crashes.
   */
  readonly extractorOn?: (node: UniqueAddress) => ShardingMessageExtractor<E, M>;
  readonly settings?: Partial<ShardingSettings>;
  /** Defaults to {@link LeastShardAllocationStrategy} with `settings.leastShardAllocation`. */
  readonly allocationStrategy?: ShardAllocationStrategy;
}

/**
 * Where the simulated cluster keeps its events.
 *
 * @example Inspecting the shared journal after a run
 * ```ts
 * declare const sim: ClusterSimulation;
 * const journal = new InMemoryJournal();
 * const sharding = new ClusterSharding(sim, { journal, retainTrace: true });
 * journal.persistenceIds(); // after a run: "counter-c1", "sharding-coordinator-counter", …
 * ```
 */
export interface ClusterShardingOptions {
  /** The journal every node shares (default: a new `InMemoryJournal`). */
  readonly journal?: Journal;
  readonly snapshotStore?: SnapshotStore;
  /** Keep trace records in memory (default true). */
  readonly retainTrace?: boolean;
  /**
   * Virtual milliseconds each journal write takes (default 0: a write completes in the instant
   * it is made). With a latency, a crash can land between a write and its acknowledgement: the
   * write is lost with its node, as the writes queued in a node's journal plugin are, and an
   * entity that replied before its write completed has acknowledged something that never
   * happened.
   */
  readonly journalWriteLatencyMs?: number;
}

/**
 * A reference to one sharded entity, used from one node: messages enter the cluster through
 * that node's shard region, after Akka Typed's `EntityRef`.
 *
 * @example Telling and asking one entity
 * ```ts
 * declare const sharding: ClusterSharding;
 * const counters = sharding.init<CounterCommand>({ typeName: "counter", createBehavior: counterEntity });
 * const ref = counters.entityRefFor("c-1", "node-3"); // routed through node-3's region
 * ref.tell({ type: "add", n: 2 }); // fire and forget
 * const reply = ref.ask<CounterReply>((replyTo) => ({ type: "get", replyTo }), 5_000);
 * await sharding.advance(5_000); // virtual time must move for the reply (or the timeout)
 * (await reply).total; // 2
 * ```
 */
export class EntityRef<M> {
  constructor(
    private readonly type: ShardedEntity<M, unknown>,
    readonly entityId: EntityId,
    readonly from: Address,
  ) {}

  /** Sends `message` to the entity through the region on `from` (fire and forget). */
  tell(message: M): void {
    this.type.regionOrThrow(this.from).deliver(this.entityId, message);
  }

  /**
   * Sends the command built by `build` and resolves with the entity's reply, or rejects with
   * `AskTimeoutError` after `timeoutMs` of virtual time (move the simulation forward).
   */
  ask<R>(build: (replyTo: ActorRef<R>) => M, timeoutMs: number): Promise<R> {
    return this.type.regionOrThrow(this.from).ask<R>(this.entityId, build, timeoutMs);
  }
}

/**
 * One entity type sharded across the simulated cluster: a region on every node incarnation and
 * a coordinator singleton. Send through any running node.
 *
 * @example Sending through a node, and looking at its region
 * ```ts
 * declare const sharding: ClusterSharding;
 * const counters = sharding.init<CounterCommand>({ typeName: "counter", createBehavior: counterEntity });
 * counters.tell("node-1", shardingEnvelope("c-1", { type: "add", n: 5 }));
 * counters.region("node-2")?.hostedShards();
 * ```
 */
export class ShardedEntity<M, E = ShardingEnvelope<M>> {
  readonly typeName: string;
  readonly settings: ShardingSettings;
  readonly extractor: ShardingMessageExtractor<E, M>;
  private readonly regions = new Map<Address, ShardRegion>();
  /** The extractor each running node uses, when `entity.extractorOn` gives each its own. */
  private readonly extractors = new Map<Address, ShardingMessageExtractor<E, M>>();
  private readonly coordinators = new Map<Address, ShardCoordinator>();

  /** @internal Built by {@link ClusterSharding.init}. */
  constructor(
    private readonly sharding: ClusterSharding,
    readonly entity: Entity<M, E>,
  ) {
    this.typeName = entity.typeName;
    if (!/^[\w-]+$/.test(entity.typeName))
      throw new Error(`Entity.typeName "${entity.typeName}": use letters, digits, - and _`);
    this.settings = shardingSettings(entity.settings);
    this.extractor =
      entity.extractor ??
      (ShardingMessageExtractor.hashCode<M>(
        this.settings.numberOfShards,
      ) as unknown as ShardingMessageExtractor<E, M>);
  }

  /** Sends `message` into the cluster through the region on node `from`. */
  tell(from: Address, message: E): void {
    const extractor = this.extractors.get(from) ?? this.extractor;
    this.regionOrThrow(from).deliver(extractor.entityId(message), extractor.unwrapMessage(message));
  }

  /** A reference to entity `entityId` that sends through node `from`. */
  entityRefFor(entityId: EntityId, from: Address): EntityRef<M> {
    return new EntityRef<M>(this as ShardedEntity<M, unknown>, entityId, from);
  }

  /** The shard `entityId` belongs to. */
  shardId(entityId: EntityId): ShardId {
    return this.extractor.shardId(entityId);
  }

  /** The running region at `address`, if its node runs. */
  region(address: Address): ShardRegion | undefined {
    const region = this.regions.get(address);
    return region === undefined || region.isStopped ? undefined : region;
  }

  /** The coordinator, if one is running (and active) anywhere. */
  coordinator(): ShardCoordinator | undefined {
    for (const c of this.coordinators.values()) if (c.isActive) return c;
    return undefined;
  }

  /** @internal */
  regionOrThrow(address: Address): ShardRegion {
    const region = this.region(address);
    if (region === undefined)
      throw new Error(
        `ShardedEntity "${this.typeName}": no running node at "${address}" to send from`,
      );
    return region;
  }

  /** @internal Starts the region and the coordinator's singleton manager on a new node. */
  startOn(runtime: NodeRuntime): void {
    const node = runtime.node;
    const extractor = this.entity.extractorOn?.(node.self) ?? this.extractor;
    if (this.entity.extractorOn) this.extractors.set(node.address, extractor);
    const role = this.settings.role;
    // As Akka's `ClusterSharding.init` on a node without the role: a proxy, and no coordinator.
    const proxy = role !== undefined && !node.selfRoles.includes(role);
    const region = new ShardRegion(runtime, {
      typeName: this.typeName,
      settings: this.settings,
      shardId: (id) => extractor.shardId(id),
      createBehavior: this.entity.createBehavior as (id: EntityId) => Behavior<never>,
      proxy,
    });
    this.regions.set(node.address, region);
    if (proxy) return;
    const removalMarginMs =
      this.settings.removalMarginMs ??
      downRemovalMargin(this.sharding.simulation.downing, this.sharding.simulation.settings);
    const strategy =
      this.entity.allocationStrategy ??
      new LeastShardAllocationStrategy(this.settings.leastShardAllocation);
    new ClusterSingletonManager(node, {
      name: `sharding-coordinator-${this.typeName}`,
      scheduler: runtime.scheduler,
      removalMarginMs,
      ...(role === undefined ? {} : { role }),
      record: (r) => this.sharding.trace.emit(r),
      start: () => {
        const coordinator = new ShardCoordinator(runtime, {
          typeName: this.typeName,
          settings: this.settings,
          strategy,
          removalMarginMs,
        });
        this.coordinators.set(node.address, coordinator);
        return {
          stop: () => {
            coordinator.stop();
            if (this.coordinators.get(node.address) === coordinator)
              this.coordinators.delete(node.address);
          },
        };
      },
    });
  }
}

/**
 * Where sharding runs: a `ClusterSimulation` (every node in one thread), or in live mode one
 * worker's single node. Sharding needs the clock, the downing provider and cluster settings
 * (for the removal margin), and to hear of every node incarnation that starts.
 *
 * @example
 * const host: ShardingHost = sim; // a ClusterSimulation is one
 */
export interface ShardingHost {
  readonly seed: number;
  readonly scheduler: Scheduler;
  readonly downing: DowningProvider;
  readonly settings: ClusterSettings;
  /** Calls `listener` for every node incarnation that starts; returns an unsubscribe function. */
  onNodeStarted(listener: (node: ClusterNode) => void): () => void;
  /** The running node at `address`, if any. */
  node(address: Address): ClusterNode | undefined;
}

/**
 * Cluster sharding in a {@link ShardingHost}, usually a `ClusterSimulation`, after Akka's
 * `ClusterSharding`: every node incarnation gets an actor system on the simulation's scheduler and a view of one shared
 * journal; each entity type gets a shard region per node and a coordinator singleton. A crash
 * kills the node's actor system (entity state is lost); entities start again elsewhere on their
 * next message and recover from the journal.
 *
 * Drive it with `await sim.advance(ms)` (not `runFor`): journal writes are asynchronous.
 *
 * @example Sharded counters on a three-node simulated cluster
 * ```ts
 * const sim = new ClusterSimulation({
 *   seed: 7,
 *   nodes: 3,
 *   downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
 * });
 * const sharding = new ClusterSharding(sim);
 * const counters = sharding.init<CounterCommand>({ typeName: "counter", createBehavior: counterEntity });
 * await sharding.advance(20_000); // the cluster forms, the coordinator starts
 * const reply = counters
 *   .entityRefFor("c-1", "node-2")
 *   .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 10_000);
 * await sharding.advance(1_000);
 * (await reply).total; // 1, from whichever node hosts c-1's shard
 * sharding.trace.records; // shardAllocated, entityStarted, journalWrite, …
 * ```
 */
export class ClusterSharding {
  readonly simulation: ShardingHost;
  readonly journal: Journal;
  readonly snapshotStore: SnapshotStore;
  readonly trace: ShardingTrace;
  private readonly types: ShardedEntity<unknown, unknown>[] = [];
  private readonly runtimes = new Map<string, NodeRuntime>();
  private readonly journalWriteLatencyMs: number;

  constructor(sim: ShardingHost, options: ClusterShardingOptions = {}) {
    this.journalWriteLatencyMs = options.journalWriteLatencyMs ?? 0;
    this.simulation = sim;
    this.journal = options.journal ?? new InMemoryJournal();
    this.snapshotStore = options.snapshotStore ?? new InMemorySnapshotStore();
    this.trace = new ShardingTrace(() => sim.scheduler.now(), options.retainTrace ?? true);
    sim.onNodeStarted((node) => this.nodeStarted(node));
  }

  /**
   * Moves the simulation forward by `ms` of virtual time, letting journal I/O complete at each
   * instant: the same run as `sim.advance(ms)`, faster (see {@link advanceSimulation}).
   */
  advance(ms: number): Promise<void> {
    const scheduler = this.simulation.scheduler;
    if (!(scheduler instanceof VirtualScheduler))
      return Promise.reject(
        new Error(
          "ClusterSharding.advance: only a virtual clock can be moved; live mode runs in real time",
        ),
      );
    return advanceSimulation(scheduler, ms);
  }

  /** Starts sharding for an entity type on every node, now and after restarts. */
  init<M, E = ShardingEnvelope<M>>(entity: Entity<M, E>): ShardedEntity<M, E> {
    if (this.types.some((t) => t.typeName === entity.typeName))
      throw new Error(`ClusterSharding.init: entity type "${entity.typeName}" is already started`);
    const type = new ShardedEntity<M, E>(this, entity);
    this.types.push(type as unknown as ShardedEntity<unknown, unknown>);
    for (const runtime of this.runtimes.values()) if (runtime.isAlive) type.startOn(runtime);
    return type;
  }

  /** The actor system and journal view of the running incarnation at `address`. */
  runtime(address: Address): NodeRuntime | undefined {
    const node = this.simulation.node(address);
    return node === undefined ? undefined : this.runtimes.get(nodeKey(node.self));
  }

  private nodeStarted(node: ClusterNode): void {
    const runtime = new NodeRuntime(node, {
      scheduler: this.simulation.scheduler,
      journal: this.journal,
      snapshotStore: this.snapshotStore,
      trace: this.trace,
      seed: (this.simulation.seed * 31 + node.self.uid) | 0,
      journalWriteLatencyMs: this.journalWriteLatencyMs,
    });
    const key = nodeKey(node.self);
    this.runtimes.set(key, runtime);
    node.onTerminated(() => this.runtimes.delete(key));
    for (const type of this.types) type.startOn(runtime);
  }
}
