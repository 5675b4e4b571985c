import type { Behavior } from "../../actor/behavior";
import type { ActorRef } from "../../actor/ref";
import { Effect, type EffectBuilder } from "../../persistence/effect";
import { EventSourcedBehavior } from "../../persistence/event-sourced-behavior";
import type { Cancellable } from "../../sim/scheduler";
import type { ClusterEvent } from "../membership/events";
import { type MemberStatus, nodeKey, type UniqueAddress } from "../membership/member";
import type { ShardAllocationStrategy } from "./allocation";
import { type CoordinatorEvent, CoordinatorState } from "./coordinator-state";
import type { ShardId } from "./extractor";
import type { NodeRuntime } from "./node-runtime";
import {
  type CoordinatorMessage,
  coordinatorChannel,
  type RegionMessage,
  regionChannel,
} from "./protocol";
import type { ShardingSettings } from "./settings";

/** Inputs are handled one at a time; while an event is being stored they wait, in order. */
type Input =
  | { readonly kind: "message"; readonly from: UniqueAddress; readonly message: CoordinatorMessage }
  | { readonly kind: "removed"; readonly region: UniqueAddress; readonly previous: MemberStatus }
  | { readonly kind: "terminate"; readonly region: UniqueAddress }
  | { readonly kind: "rebalance" }
  | { readonly kind: "allocate"; readonly shard: ShardId }
  | { readonly kind: "handOffTimeout"; readonly shard: ShardId; readonly id: number };

/**
 * What the coordinator actor handles: an input, or `drain` (go on with inputs queued while an
 * event was being stored), or `stop`.
 */
type CoordinatorCommand = Input | { readonly kind: "drain" } | { readonly kind: "stop" };

type Step = EffectBuilder<CoordinatorEvent, CoordinatorState>;

interface HandOff {
  readonly id: number;
  readonly shard: ShardId;
  readonly owner: UniqueAddress;
  readonly awaiting: Set<string>;
  phase: "begin" | "hand-off";
  readonly timeout: Cancellable;
  resend: Cancellable | undefined;
}

const ALLOCATABLE: ReadonlySet<MemberStatus> = new Set(["up", "weakly-up"]);

/**
 * Commands wait in the stash while an event is stored; Akka's persistent actors stash without a
 * bound, and a coordinator that dropped a `GetShardHome` would leave its sender waiting.
 */
const STASH_CAPACITY = 1_000_000;

/**
 * The persistence id of an entity type's coordinator state.
 *
 * @example
 * await sharding.journal.read(coordinatorPersistenceId("counter"), 1, 100); // its allocations
 */
export function coordinatorPersistenceId(typeName: string): string {
  return `sharding-coordinator-${typeName}`;
}

/**
 * Decides where every shard of one entity type lives, after Akka's `PersistentShardCoordinator`.
 * It runs as a cluster singleton; its decisions are the events of an
 * {@link EventSourcedBehavior} (`ShardRegionRegistered`, `ShardRegionProxyRegistered`,
 * `ShardHomeAllocated`, `ShardHomeDeallocated`, `ShardRegionTerminated`,
 * `ShardRegionProxyTerminated`), so its successor replays them; allocates new shards with the allocation strategy, moves
 * shards with a hand-off (every region stops routing to the shard, then its owner stops every
 * entity, and only then does the shard get a new home), and frees the shards of regions whose
 * node was removed, after the removal margin.
 *
 * Started and stopped by the {@link ClusterSingletonManager} that {@link ClusterSharding.init}
 * runs on every node.
 *
 * @example A coordinator, started and handed over
 * ```ts
 * declare const runtime: NodeRuntime;
 * const coordinator = new ShardCoordinator(runtime, {
 *   typeName: "counter",
 *   settings: shardingSettings(),
 *   strategy: new LeastShardAllocationStrategy(),
 *   removalMarginMs: 20_000,
 * });
 * coordinator.stop(); // on hand-over: the next one recovers from the journal
 * ```
 */
export class ShardCoordinator {
  readonly typeName: string;
  private state = CoordinatorState.empty;
  private readonly persistenceId: string;
  private readonly self: UniqueAddress;
  private phase: "recovering" | "active" | "stopped" = "recovering";
  private readonly ref: ActorRef<CoordinatorCommand>;
  /** The event the input being handled decided to store, and what follows its write. */
  private write: { readonly event: CoordinatorEvent; readonly then: () => void } | undefined;
  private readonly queue: Input[] = [];
  private readonly handOffs = new Map<ShardId, HandOff>();
  private nextHandOffId = 1;
  private readonly waitingForHome = new Map<ShardId, UniqueAddress[]>();
  private readonly shuttingDown = new Set<string>();
  private readonly unackedHosts = new Map<ShardId, Cancellable>();
  private readonly terminations = new Map<string, Cancellable>();
  private readonly cleanup: (() => void)[] = [];
  private rebalanceTimer: Cancellable | undefined;

  constructor(
    private readonly runtime: NodeRuntime,
    private readonly options: {
      readonly typeName: string;
      readonly settings: ShardingSettings;
      readonly strategy: ShardAllocationStrategy;
      readonly removalMarginMs: number;
    },
  ) {
    this.typeName = options.typeName;
    this.self = runtime.self;
    this.persistenceId = coordinatorPersistenceId(options.typeName);
    runtime.trace.emit({ type: "coordinatorStarted", typeName: this.typeName, node: this.self });
    this.ref = runtime.system.systemActorOf(
      this.behavior(),
      runtime.actorName(`sharding-coordinator-${this.typeName}`),
    );
    const node = runtime.node;
    this.cleanup.push(
      node.receiveOn(coordinatorChannel(this.typeName), (from, message) =>
        this.enqueue({ kind: "message", from, message: message as CoordinatorMessage }),
      ),
      node.subscribe((e) => this.onClusterEvent(e)),
    );
  }

  /** True once the coordinator has recovered its state and is allocating shards. */
  get isActive(): boolean {
    return this.phase === "active";
  }

  /** Where `shard` lives, as this coordinator knows it. */
  homeOf(shard: ShardId): UniqueAddress | undefined {
    return this.state.homeOf(shard);
  }

  /** Stops this coordinator (hand-over or node stop); its state stays in the journal. */
  stop(): void {
    if (this.phase === "stopped") return;
    this.halt();
    this.ref.tell({ kind: "stop" });
    this.runtime.trace.emit({
      type: "coordinatorStopped",
      typeName: this.typeName,
      node: this.self,
    });
  }

  private halt(): void {
    this.phase = "stopped";
    this.rebalanceTimer?.cancel();
    for (const c of this.cleanup) c();
    for (const h of this.handOffs.values()) {
      h.timeout.cancel();
      h.resend?.cancel();
    }
    for (const t of this.unackedHosts.values()) t.cancel();
    for (const t of this.terminations.values()) t.cancel();
    this.queue.length = 0;
  }

  // ---- the event-sourced actor ------------------------------------------------------------

  /**
   * The coordinator's actor, after Akka's `PersistentShardCoordinator`: an event-sourced
   * behaviour whose state is {@link CoordinatorState}. Recovery replays the journal; while an
   * event is stored, commands wait in its stash (Akka's `persist` does the same); a failed or
   * conflicting write (a second coordinator wrote first, or this node is gone) stops it, as
   * Akka's persist failure stops a persistent actor. What is not durable (hand-offs in
   * progress, timers, regions shutting down) lives beside it, as the vars of Akka's
   * coordinator do, and is lost with the incarnation.
   */
  private behavior(): Behavior<CoordinatorCommand> {
    return EventSourcedBehavior.create<CoordinatorCommand, CoordinatorEvent, CoordinatorState>({
      persistenceId: this.persistenceId,
      emptyState: CoordinatorState.empty,
      commandHandler: (state, command) => this.onCommand(state, command),
      eventHandler: (state, event) => state.updated(event),
    })
      .withStashCapacity(STASH_CAPACITY)
      .withStashOverflowStrategy("fail")
      .receiveSignal((state, signal) => {
        if (signal.type === "RecoveryCompleted") {
          this.state = state;
          this.recovered();
        } else if (signal.type === "PostStop" && this.runtime.isAlive) {
          // A failed or conflicting write, or a failed recovery, stopped it. (When its node
          // stops, the singleton manager stops this coordinator.)
          this.stop();
        }
      });
  }

  private onCommand(state: CoordinatorState, command: CoordinatorCommand): Step {
    this.state = state;
    if (command.kind === "stop" || this.phase === "stopped") return Effect.stop();
    if (command.kind !== "drain") this.queue.push(command);
    return this.drain();
  }

  /**
   * Handles queued inputs in order until one decides to store an event, and returns that
   * write. Inputs queued by a step (allocations of homeless shards, requests that waited for a
   * hand-off) go to the front, so they are answered after whatever that step stores and before
   * anything newer.
   */
  private drain(): Step {
    while (this.phase === "active" && this.queue.length > 0) {
      this.handle(this.queue.shift() as Input);
      const write = this.write;
      if (write === undefined) continue;
      this.write = undefined;
      return Effect.persist<CoordinatorEvent, CoordinatorState>(write.event).thenRun((s) => {
        if (this.phase === "stopped") return;
        this.state = s;
        write.then();
        if (this.queue.length > 0) this.ref.tell({ kind: "drain" });
      });
    }
    return Effect.none();
  }

  private recovered(): void {
    if (this.phase !== "recovering") return;
    this.phase = "active";
    // Regions from the stored state whose node is gone: a newer incarnation at the same
    // address proves the old one dead; otherwise it may still run behind a partition, so wait.
    const members = this.runtime.node.state().members;
    for (const region of this.state.regions()) {
      const key = nodeKey(region);
      const member = members.find((m) => nodeKey(m.node) === key);
      if (member !== undefined && member.status !== "down") continue;
      const replaced = members.some(
        (m) => m.node.address === region.address && m.node.uid !== region.uid,
      );
      if (member === undefined)
        this.scheduleTermination(region, replaced ? 0 : this.options.removalMarginMs);
    }
    for (const proxy of this.state.proxies()) {
      if (!members.some((m) => nodeKey(m.node) === nodeKey(proxy)))
        this.queue.push({ kind: "removed", region: proxy, previous: "down" });
    }
    this.scheduleRebalance();
    this.allocateHomeless();
    if (this.queue.length > 0) this.ref.tell({ kind: "drain" });
  }

  // ---- inputs -----------------------------------------------------------------------------

  private enqueue(input: Input): void {
    if (this.phase === "stopped") return;
    this.ref.tell(input);
  }

  /** Decides to store `event`; `then` runs once it is stored and applied. One per input. */
  private persist(event: CoordinatorEvent, then: () => void): void {
    if (this.write !== undefined)
      throw new Error(`ShardCoordinator: one input stores at most one event (${event.type})`);
    this.write = { event, then };
  }

  private handle(input: Input): void {
    switch (input.kind) {
      case "message":
        this.onMessage(input.from, input.message);
        return;
      case "removed": {
        const key = nodeKey(input.region);
        const proxy = this.state.proxy(key);
        if (proxy !== undefined) {
          // A proxy hosts nothing: forget it at once, as Akka does on its Terminated.
          this.persist({ type: "ShardRegionProxyTerminated", proxy }, () => {
            for (const h of [...this.handOffs.values()]) {
              if (h.awaiting.delete(key)) this.continueHandOff(h);
            }
          });
          return;
        }
        if (this.state.region(key) === undefined) return;
        // A node removed after exiting shut itself down, unless the leader removed it as an
        // unreachable exiting member: then it may never have heard it was exiting (a one-way
        // partition) and still run the entities of every shard it did not hand off, until its
        // own side downs it (the lease-majority property run found this: seed 345655669). Only
        // a region with no shard left is certainly done; any other waits the removal margin.
        const done = input.previous === "exiting" && this.state.shardsOf(key).length === 0;
        this.scheduleTermination(input.region, done ? 0 : this.options.removalMarginMs);
        return;
      }
      case "terminate":
        this.terminateRegion(input.region);
        return;
      case "rebalance":
        this.rebalance();
        return;
      case "allocate":
        if (this.state.homeOf(input.shard) === undefined && !this.handOffs.has(input.shard))
          this.allocate(input.shard, undefined);
        return;
      case "handOffTimeout": {
        const h = this.handOffs.get(input.shard);
        if (h === undefined || h.id !== input.id) return;
        // The shard stays where it was; whoever waited asks again and gets that home.
        this.finishHandOff(input.shard);
        return;
      }
    }
  }

  private onClusterEvent(e: ClusterEvent): void {
    if (e.type === "memberRemoved")
      this.enqueue({ kind: "removed", region: e.member.node, previous: e.previousStatus });
  }

  private scheduleTermination(region: UniqueAddress, delayMs: number): void {
    const key = nodeKey(region);
    if (this.terminations.has(key)) return;
    this.terminations.set(
      key,
      this.runtime.scheduler.schedule(delayMs, () => {
        this.terminations.delete(key);
        this.enqueue({ kind: "terminate", region });
      }),
    );
  }

  // ---- messages ---------------------------------------------------------------------------

  private onMessage(from: UniqueAddress, message: CoordinatorMessage): void {
    switch (message.type) {
      case "Register":
        this.register(from);
        return;
      case "RegisterProxy":
        this.registerProxy(from);
        return;
      case "GetShardHome":
        this.getShardHome(message.shard, from);
        return;
      case "ShardStarted":
        this.unackedHosts.get(message.shard)?.cancel();
        this.unackedHosts.delete(message.shard);
        return;
      case "BeginHandOffAck": {
        const h = this.handOffs.get(message.shard);
        if (h === undefined || h.phase !== "begin") return;
        h.awaiting.delete(nodeKey(from));
        this.continueHandOff(h);
        return;
      }
      case "ShardStopped": {
        const h = this.handOffs.get(message.shard);
        if (h === undefined || h.phase !== "hand-off" || nodeKey(h.owner) !== nodeKey(from)) return;
        // As in Akka, the shard may have lost its home to its region's termination meanwhile.
        if (this.state.homeOf(message.shard) === undefined) {
          this.finishHandOff(message.shard);
          return;
        }
        this.persist({ type: "ShardHomeDeallocated", shard: message.shard }, () => {
          this.runtime.trace.emit({
            type: "shardDeallocated",
            typeName: this.typeName,
            shard: message.shard,
            node: this.self,
          });
          this.finishHandOff(message.shard);
          this.allocateHomeless();
        });
        return;
      }
      case "GracefulShutdownReq": {
        const key = nodeKey(from);
        if (this.state.region(key) === undefined) return;
        this.shuttingDown.add(key);
        for (const shard of this.state.shardsOf(key)) this.startHandOff(shard);
        return;
      }
    }
  }

  private memberStatus(key: string): MemberStatus | undefined {
    return this.runtime.node.membershipState().gossip.member(key)?.status;
  }

  private register(region: UniqueAddress): void {
    const key = nodeKey(region);
    const status = this.memberStatus(key);
    if (status === undefined || !ALLOCATABLE.has(status)) return;
    const ack = () => this.toRegion(region, { type: "RegisterAck" });
    if (this.state.region(key) !== undefined) {
      ack();
      return;
    }
    const older = this.state
      .regions()
      .find((r) => r.address === region.address && r.uid !== region.uid);
    if (older !== undefined) {
      // A new incarnation at the same address: the old one is certainly dead.
      this.terminateRegion(older);
      this.queue.unshift({ kind: "message", from: region, message: { type: "Register" } });
      return;
    }
    this.persist({ type: "ShardRegionRegistered", region }, ack);
  }

  private registerProxy(proxy: UniqueAddress): void {
    const key = nodeKey(proxy);
    const status = this.memberStatus(key);
    if (status === undefined || !ALLOCATABLE.has(status)) return;
    const ack = () => this.toRegion(proxy, { type: "RegisterAck" });
    if (this.state.proxy(key) !== undefined) ack();
    else this.persist({ type: "ShardRegionProxyRegistered", proxy }, ack);
  }

  private getShardHome(shard: ShardId, requester: UniqueAddress): void {
    if (this.handOffs.has(shard)) {
      const waiting = this.waitingForHome.get(shard) ?? [];
      if (!waiting.some((w) => nodeKey(w) === nodeKey(requester))) waiting.push(requester);
      this.waitingForHome.set(shard, waiting);
      return;
    }
    const home = this.state.homeOf(shard);
    if (home === undefined) this.allocate(shard, requester);
    else {
      // A home on a downed or removed node is about to be freed: say nothing, the requester
      // asks again and gets the new home once the region is terminated.
      const status = this.memberStatus(nodeKey(home));
      if (status !== undefined && status !== "down")
        this.toRegion(requester, { type: "ShardHome", shard, region: home });
    }
  }

  /** Regions that may get new shards: registered, up, reachable, not leaving. */
  private eligible(): (key: string) => boolean {
    const gossip = this.runtime.node.membershipState().gossip;
    const self = nodeKey(this.self);
    return (key) => {
      const status = gossip.member(key)?.status;
      return (
        status !== undefined &&
        ALLOCATABLE.has(status) &&
        (key === self || gossip.reachability.isReachable(key)) &&
        !this.shuttingDown.has(key)
      );
    };
  }

  private allocate(shard: ShardId, requester: UniqueAddress | undefined): void {
    const key = this.options.strategy.allocateShard(shard, this.state.allocations(this.eligible()));
    const region = key === undefined ? undefined : this.state.region(key);
    if (region === undefined) return; // no region yet: the requester asks again
    this.persist({ type: "ShardHomeAllocated", shard, region }, () => {
      this.runtime.trace.emit({
        type: "shardAllocated",
        typeName: this.typeName,
        shard,
        region,
        node: this.self,
      });
      this.hostShard(shard, region);
      if (requester !== undefined && nodeKey(requester) !== nodeKey(region))
        this.toRegion(requester, { type: "ShardHome", shard, region });
    });
  }

  private hostShard(shard: ShardId, region: UniqueAddress): void {
    this.unackedHosts.get(shard)?.cancel();
    this.toRegion(region, { type: "HostShard", shard });
    this.unackedHosts.set(
      shard,
      this.runtime.scheduler.schedule(this.options.settings.retryIntervalMs, () => {
        if (this.phase !== "active") return;
        const home = this.state.homeOf(shard);
        if (home !== undefined && nodeKey(home) === nodeKey(region)) this.hostShard(shard, region);
        else this.unackedHosts.delete(shard);
      }),
    );
  }

  private terminateRegion(region: UniqueAddress): void {
    const key = nodeKey(region);
    if (this.state.region(key) === undefined) return;
    const shards = this.state.shardsOf(key);
    this.persist({ type: "ShardRegionTerminated", region }, () => {
      this.shuttingDown.delete(key);
      for (const shard of shards) {
        this.runtime.trace.emit({
          type: "shardDeallocated",
          typeName: this.typeName,
          shard,
          node: this.self,
        });
        if (this.handOffs.has(shard)) this.finishHandOff(shard);
      }
      for (const h of [...this.handOffs.values()]) {
        if (h.awaiting.delete(key)) this.continueHandOff(h);
      }
      this.allocateHomeless();
    });
  }

  // ---- rebalancing and hand-off -----------------------------------------------------------

  private scheduleRebalance(): void {
    this.rebalanceTimer = this.runtime.scheduler.schedule(
      this.options.settings.rebalanceIntervalMs,
      () => {
        if (this.phase === "stopped") return;
        this.enqueue({ kind: "rebalance" });
        this.scheduleRebalance();
      },
    );
  }

  /**
   * Shards that lost their home (hand-off done, region gone) get a new one at once, queued with
   * one write each. Akka waits for the next message unless remember-entities is on; allocating
   * eagerly keeps the allocation (and the demos' picture of it) complete, so rebalancing
   * converges without traffic. Entities still start lazily unless remembered.
   */
  private allocateHomeless(): void {
    const shards = this.state.unallocated().filter((s) => !this.handOffs.has(s));
    for (const shard of shards.reverse()) this.queue.unshift({ kind: "allocate", shard });
  }

  private rebalance(): void {
    this.allocateHomeless();
    const inProgress = new Set(this.handOffs.keys());
    for (const shard of this.options.strategy.rebalance(
      this.state.allocations(this.eligible()),
      inProgress,
    ))
      this.startHandOff(shard);
  }

  private startHandOff(shard: ShardId): void {
    const owner = this.state.homeOf(shard);
    if (owner === undefined || this.handOffs.has(shard)) return;
    const id = this.nextHandOffId++;
    // Proxies cache homes too, so they stop routing to the shard as regions do (Akka sends
    // BeginHandOff to `regions ++ regionProxies`).
    const regions = [...this.state.regions(), ...this.state.proxies()];
    const h: HandOff = {
      id,
      shard,
      owner,
      awaiting: new Set(regions.map(nodeKey)),
      phase: "begin",
      timeout: this.runtime.scheduler.schedule(this.options.settings.handOffTimeoutMs, () =>
        this.enqueue({ kind: "handOffTimeout", shard, id }),
      ),
      resend: undefined,
    };
    this.handOffs.set(shard, h);
    this.runtime.trace.emit({
      type: "shardHandOffStarted",
      typeName: this.typeName,
      shard,
      region: owner,
      node: this.self,
    });
    for (const region of regions) this.toRegion(region, { type: "BeginHandOff", shard });
    this.resendHandOff(h);
    this.continueHandOff(h);
  }

  /**
   * Repeats the hand-off's pending step every retry interval: a `BeginHandOff` or `HandOff`
   * lost to a partition would otherwise leave the shard unreachable (its regions buffer) until
   * the hand-off timeout, and deliver a minute of stale commands when it ends. Both steps are
   * idempotent at the region.
   */
  private resendHandOff(h: HandOff): void {
    h.resend = this.runtime.scheduler.schedule(this.options.settings.retryIntervalMs, () => {
      if (this.phase !== "active" || this.handOffs.get(h.shard) !== h) return;
      if (h.phase === "begin") {
        for (const key of h.awaiting) {
          const region = this.state.region(key) ?? this.state.proxy(key);
          if (region !== undefined) this.toRegion(region, { type: "BeginHandOff", shard: h.shard });
        }
      } else this.toRegion(h.owner, { type: "HandOff", shard: h.shard });
      this.resendHandOff(h);
    });
  }

  private continueHandOff(h: HandOff): void {
    if (h.phase !== "begin" || h.awaiting.size > 0) return;
    h.phase = "hand-off";
    this.toRegion(h.owner, { type: "HandOff", shard: h.shard });
  }

  private finishHandOff(shard: ShardId): void {
    const h = this.handOffs.get(shard);
    if (h === undefined) return;
    h.timeout.cancel();
    h.resend?.cancel();
    this.handOffs.delete(shard);
    const waiting = this.waitingForHome.get(shard) ?? [];
    this.waitingForHome.delete(shard);
    // Answer in the queue's order, after whatever this step stores.
    for (const requester of waiting.reverse())
      this.queue.unshift({
        kind: "message",
        from: requester,
        message: { type: "GetShardHome", shard },
      });
  }

  private toRegion(region: UniqueAddress, message: RegionMessage): void {
    this.runtime.node.send(region, regionChannel(this.typeName), message);
  }
}
