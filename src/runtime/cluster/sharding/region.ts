import type { Behavior } from "../../actor/behavior";
import { ActorRef } from "../../actor/ref";
import { AskTimeoutError } from "../../actor/system";
import type { Cancellable } from "../../sim/scheduler";
import type { ClusterEvent } from "../membership/events";
import { nodeKey, type UniqueAddress } from "../membership/member";
import { oldestMember } from "../singleton/oldest";
import type { EntityId, ShardId } from "./extractor";
import type { NodeRuntime } from "./node-runtime";
import {
  type CoordinatorMessage,
  coordinatorChannel,
  type RegionMessage,
  regionChannel,
} from "./protocol";
import { localizeReplies, ReplyAddress } from "./reply";
import type { ShardingSettings } from "./settings";
import { type ShardCommand, shardBehavior } from "./shard";

/**
 * What a region needs to know about its entity type (built by `ShardedEntity`).
 *
 * @example
 * new ShardRegion(runtime, { typeName: "counter", settings: shardingSettings(), shardId: (id) => hashShardId(id, 12), createBehavior: counterEntity });
 */
export interface ShardRegionOptions {
  readonly typeName: string;
  readonly settings: ShardingSettings;
  readonly shardId: (entityId: EntityId) => ShardId;
  readonly createBehavior: (entityId: EntityId) => Behavior<never>;
  /**
   * A proxy-only region (Akka's `startProxy`, or a node without the entity type's role): it
   * routes messages to the shards' homes and hosts none itself.
   */
  readonly proxy?: boolean;
}

interface Buffered {
  readonly entityId: EntityId;
  readonly message: unknown;
}

interface PendingAsk {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timeout: Cancellable;
}

/**
 * Thrown by a pending `ask` when the node it was sent from stops.
 *
 * @example A request lost with its node
 * ```ts
 * declare const sim: ClusterSimulation;
 * declare const counters: ShardedEntity<CounterCommand, ShardingEnvelope<CounterCommand>>;
 * const reply = counters
 *   .entityRefFor("c1", "node-2")
 *   .ask<CounterReply>((replyTo) => ({ type: "get", replyTo }), 5_000);
 * sim.crash("node-2");
 * await reply.catch((e) => e instanceof RegionStoppedError); // true
 * ```
 */
export class RegionStoppedError extends Error {
  constructor(node: UniqueAddress) {
    super(`the shard region on ${nodeKey(node)} stopped before the reply arrived`);
    this.name = "RegionStoppedError";
  }
}

/**
 * The entry point of one entity type on one node, after Akka's `ShardRegion`. It finds each
 * shard's home by asking the coordinator (the singleton on the oldest node), hosts the shards
 * the coordinator gives it, forwards messages for other shards to their regions over the
 * network, and buffers messages while a home is unknown or a shard is being handed off.
 *
 * You do not build regions yourself: {@link ClusterSharding.init} starts one on every node.
 *
 * @example Which shards a node hosts
 * ```ts
 * declare const sharding: ClusterSharding;
 * const counters = sharding.init<CounterCommand>({ typeName: "counter", createBehavior: counterEntity });
 * counters.region("node-2")?.hostedShards(); // ["3", "17", …]
 * ```
 */
export class ShardRegion {
  readonly typeName: string;
  readonly self: UniqueAddress;
  private readonly selfKey: string;
  private coordinator: UniqueAddress | undefined;
  private readonly homes = new Map<ShardId, UniqueAddress>();
  private readonly shards = new Map<ShardId, ActorRef<ShardCommand>>();
  private readonly handOffRequests = new Map<ShardId, UniqueAddress>();
  private readonly buffers = new Map<ShardId, Buffered[]>();
  private bufferedCount = 0;
  private readonly asks = new Map<number, PendingAsk>();
  private nextAskId = 1;
  private leaving = false;
  private stopped = false;
  private readonly cleanup: (() => void)[] = [];
  private tick: Cancellable | undefined;

  constructor(
    private readonly runtime: NodeRuntime,
    private readonly options: ShardRegionOptions,
  ) {
    this.typeName = options.typeName;
    this.self = runtime.self;
    this.selfKey = nodeKey(runtime.self);
    const node = runtime.node;
    if (!runtime.isAlive) {
      this.stopped = true;
      return;
    }
    // A proxy hosts nothing, so it is no region for the trace's allocation picture.
    if (options.proxy !== true)
      runtime.trace.emit({ type: "regionStarted", typeName: this.typeName, node: this.self });
    this.cleanup.push(
      node.receiveOn(regionChannel(this.typeName), (from, payload) =>
        this.receive(from, payload as RegionMessage),
      ),
      node.subscribe((e) => this.onClusterEvent(e), { initialStateAsEvents: true }),
      node.onTerminated(() => this.stop()),
    );
    this.scheduleTick();
  }

  /** Shards this region hosts now, in no particular order. */
  hostedShards(): ShardId[] {
    return [...this.shards.keys()];
  }

  /** The coordinator this region registered with, if any. */
  get coordinatorNode(): UniqueAddress | undefined {
    return this.coordinator;
  }

  /** True once the region has stopped, with the node incarnation it ran on. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Sends `message` to entity `entityId`, wherever it lives (at most once). */
  deliver(entityId: EntityId, message: unknown): void {
    if (this.stopped) return;
    const shard = this.options.shardId(entityId);
    const home = this.homes.get(shard);
    if (home !== undefined) this.deliverTo(home, shard, entityId, message);
    else this.buffer(shard, entityId, message);
  }

  /**
   * Asks entity `entityId` and resolves with its reply. `build` receives the reference to put
   * in the command's top-level `replyTo` field. Rejects with `AskTimeoutError` after
   * `timeoutMs` of virtual time: move the simulation forward to get an answer.
   */
  ask<R>(
    entityId: EntityId,
    build: (replyTo: ActorRef<R>) => unknown,
    timeoutMs: number,
  ): Promise<R> {
    if (this.stopped) return Promise.reject(new RegionStoppedError(this.self));
    const askId = this.nextAskId++;
    const path = `${this.typeName}@${this.selfKey}/ask-${askId}`;
    return new Promise<R>((resolve, reject) => {
      const timeout = this.runtime.scheduler.schedule(timeoutMs, () => {
        if (this.asks.delete(askId))
          reject(new AskTimeoutError(`${this.typeName}/${entityId}`, timeoutMs));
      });
      this.asks.set(askId, { resolve: resolve as (r: unknown) => void, reject, timeout });
      const ref = new ActorRef<R>(
        path,
        new ReplyAddress(this.self, askId, (reply) => this.answer(askId, reply)),
      );
      this.deliver(entityId, build(ref));
    });
  }

  private answer(askId: number, reply: unknown): void {
    const pending = this.asks.get(askId);
    if (pending === undefined) return;
    this.asks.delete(askId);
    pending.timeout.cancel();
    pending.resolve(reply);
  }

  private deliverTo(home: UniqueAddress, shard: ShardId, entityId: EntityId, message: unknown) {
    if (nodeKey(home) === this.selfKey) {
      this.startShard(shard).tell({ type: "deliver", entityId, message });
    } else {
      this.send(home, { type: "Deliver", entityId, message });
    }
  }

  private buffer(shard: ShardId, entityId: EntityId, message: unknown): void {
    if (this.bufferedCount >= this.options.settings.bufferSize) {
      this.runtime.system.deadLetter(message, `${this.typeName}@${this.selfKey}`);
      return;
    }
    let list = this.buffers.get(shard);
    if (list === undefined) {
      list = [];
      this.buffers.set(shard, list);
      this.requestHome(shard);
    }
    list.push({ entityId, message });
    this.bufferedCount++;
  }

  private requestHome(shard: ShardId): void {
    if (this.coordinator !== undefined)
      this.toCoordinator(this.coordinator, { type: "GetShardHome", shard });
  }

  private startShard(shard: ShardId): ActorRef<ShardCommand> {
    const existing = this.shards.get(shard);
    if (existing !== undefined) return existing;
    const runtime = this.runtime;
    const ref: ActorRef<ShardCommand> = runtime.system.systemActorOf(
      shardBehavior({
        typeName: this.typeName,
        shard,
        runtime,
        settings: this.options.settings,
        createBehavior: this.options.createBehavior,
        localize: (message) =>
          localizeReplies(message, this.self, (home, askId, reply) =>
            this.send(home, { type: "Reply", askId, message: reply }),
          ),
        onStopped: (handedOff) => this.shardStopped(shard, ref, handedOff),
      }),
      runtime.actorName(`${this.typeName}-${shard}`),
    );
    this.shards.set(shard, ref);
    runtime.trace.emit({ type: "shardStarted", typeName: this.typeName, shard, node: this.self });
    return ref;
  }

  private shardStopped(shard: ShardId, ref: ActorRef<ShardCommand>, handedOff: boolean): void {
    if (this.shards.get(shard) !== ref) return;
    this.shards.delete(shard);
    if (
      this.homes.get(shard) !== undefined &&
      nodeKey(this.homes.get(shard) as UniqueAddress) === this.selfKey
    )
      this.homes.delete(shard);
    if (!this.stopped)
      this.runtime.trace.emit({
        type: "shardStopped",
        typeName: this.typeName,
        shard,
        node: this.self,
      });
    const requester = this.handOffRequests.get(shard);
    this.handOffRequests.delete(shard);
    if (handedOff && requester !== undefined)
      this.toCoordinator(requester, { type: "ShardStopped", shard });
  }

  private receive(from: UniqueAddress, message: RegionMessage): void {
    if (this.stopped) return;
    switch (message.type) {
      case "RegisterAck":
        this.coordinator = from;
        for (const shard of this.buffers.keys()) this.requestHome(shard);
        if (this.leaving) this.toCoordinator(from, { type: "GracefulShutdownReq" });
        return;
      case "ShardHome":
        this.onShardHome(message.shard, message.region);
        return;
      case "HostShard":
        if (this.options.proxy === true) return; // never a home: the coordinator only picks regions
        this.onShardHome(message.shard, this.self);
        this.toCoordinator(from, { type: "ShardStarted", shard: message.shard });
        return;
      case "BeginHandOff":
        this.homes.delete(message.shard);
        this.toCoordinator(from, { type: "BeginHandOffAck", shard: message.shard });
        return;
      case "HandOff": {
        const shard = this.shards.get(message.shard);
        this.homes.delete(message.shard);
        if (shard === undefined)
          this.toCoordinator(from, { type: "ShardStopped", shard: message.shard });
        else {
          this.handOffRequests.set(message.shard, from);
          shard.tell({ type: "handOff" });
        }
        return;
      }
      case "Deliver":
        this.deliver(message.entityId, message.message);
        return;
      case "Reply":
        this.answer(message.askId, message.message);
        return;
    }
  }

  private onShardHome(shard: ShardId, region: UniqueAddress): void {
    const key = nodeKey(region);
    const status = this.runtime.node.membershipState().gossip.member(key)?.status;
    const known = status !== undefined && status !== "down";
    // A stale answer naming a node this region already saw downed or removed: keep buffering.
    if (!known) return;
    this.homes.set(shard, region);
    if (nodeKey(region) === this.selfKey) this.startShard(shard);
    const buffered = this.buffers.get(shard);
    if (buffered === undefined) return;
    this.buffers.delete(shard);
    this.bufferedCount -= buffered.length;
    for (const b of buffered) this.deliverTo(region, shard, b.entityId, b.message);
  }

  private onClusterEvent(e: ClusterEvent): void {
    if (this.stopped) return;
    if (e.type === "memberRemoved") {
      const key = nodeKey(e.member.node);
      for (const [shard, home] of this.homes) if (nodeKey(home) === key) this.homes.delete(shard);
    }
    if (e.type === "memberLeft" && nodeKey(e.member.node) === this.selfKey && !this.leaving) {
      this.leaving = true;
      if (this.coordinator !== undefined)
        this.toCoordinator(this.coordinator, { type: "GracefulShutdownReq" });
    }
    if (e.type !== "memberUp" && e.type !== "memberLeft" && e.type !== "memberExited") {
      if (e.type !== "memberDowned" && e.type !== "memberRemoved") return;
    }
    const oldest = this.oldest();
    if (
      this.coordinator !== undefined &&
      (oldest === undefined || nodeKey(oldest.node) !== nodeKey(this.coordinator))
    ) {
      this.coordinator = undefined;
      this.register();
    }
  }

  private oldest() {
    // The coordinator runs on the oldest node with the entity type's role (Akka's
    // `coordinatorSingletonManagerSettings.withRole`).
    return oldestMember(
      this.runtime.node.membershipState().gossip.members.values(),
      this.options.settings.role,
    );
  }

  private register(): void {
    const oldest = this.oldest();
    if (oldest !== undefined)
      this.toCoordinator(oldest.node, {
        type: this.options.proxy === true ? "RegisterProxy" : "Register",
      });
  }

  private scheduleTick(): void {
    this.tick = this.runtime.scheduler.schedule(this.options.settings.retryIntervalMs, () => {
      if (this.stopped) return;
      if (this.coordinator === undefined) this.register();
      else {
        for (const shard of this.buffers.keys()) this.requestHome(shard);
        if (this.leaving) this.toCoordinator(this.coordinator, { type: "GracefulShutdownReq" });
      }
      this.scheduleTick();
    });
  }

  private send(to: UniqueAddress, message: RegionMessage): void {
    this.runtime.node.send(to, regionChannel(this.typeName), message);
  }

  private toCoordinator(to: UniqueAddress, message: CoordinatorMessage): void {
    this.runtime.node.send(to, coordinatorChannel(this.typeName), message);
  }

  /** The node is gone: its shards and entities died with it. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.tick?.cancel();
    for (const c of this.cleanup) c();
    for (const shard of this.shards.keys())
      this.runtime.trace.emit({
        type: "shardStopped",
        typeName: this.typeName,
        shard,
        node: this.self,
      });
    this.shards.clear();
    this.runtime.trace.emit({ type: "regionStopped", typeName: this.typeName, node: this.self });
    for (const pending of this.asks.values()) {
      pending.timeout.cancel();
      pending.reject(new RegionStoppedError(this.self));
    }
    this.asks.clear();
  }
}
