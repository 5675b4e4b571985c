import { type Behavior, Behaviors } from "../../actor/behavior";
import type { ActorContext } from "../../actor/context";
import type { ActorRef } from "../../actor/ref";
import type { PersistentRepr } from "../../persistence/journal";
import type { EntityId, ShardId } from "./extractor";
import type { NodeRuntime } from "./node-runtime";
import type { ShardingSettings } from "./settings";

/** What a shard actor handles. */
export type ShardCommand =
  | { readonly type: "deliver"; readonly entityId: EntityId; readonly message: unknown }
  | { readonly type: "handOff" }
  | { readonly type: "terminated"; readonly entityId: EntityId; readonly ref: ActorRef<never> }
  | { readonly type: "passivateIdle" }
  | { readonly type: "restart"; readonly entityId: EntityId }
  | { readonly type: "recovered"; readonly ids: readonly EntityId[]; readonly sequenceNr: number }
  | { readonly type: "recoveryFailed"; readonly error: unknown }
  | {
      readonly type: "written";
      readonly ok: boolean;
      readonly started: readonly EntityId[];
      readonly stopped: readonly EntityId[];
    };

/** The remember-entities store's events, one stream per shard. */
type StoreEvent =
  | { readonly type: "started"; readonly ids: readonly EntityId[] }
  | { readonly type: "stopped"; readonly ids: readonly EntityId[] };

export interface ShardOptions {
  readonly typeName: string;
  readonly shard: ShardId;
  readonly runtime: NodeRuntime;
  readonly settings: ShardingSettings;
  readonly createBehavior: (entityId: EntityId) => Behavior<never>;
  /** Rewrites a message for local delivery (ask replies from other nodes). */
  readonly localize: (message: unknown) => unknown;
  /**
   * Called once when the shard actor has stopped: `handedOff` after a hand-off that stopped
   * every entity first, false when it failed.
   */
  readonly onStopped: (handedOff: boolean) => void;
}

interface Entity {
  ref: ActorRef<unknown>;
  lastActive: number;
  stopping: "passivated" | "hand-off" | undefined;
  /** Messages that arrived while it was stopping: they restart it. */
  readonly buffer: unknown[];
}

/**
 * The persistence id of a shard's remember-entities store.
 *
 * @example
 * rememberedEntitiesId("counter", "3"); // "sharding-counter-shard-3-entities"
 */
export function rememberedEntitiesId(typeName: string, shard: ShardId): string {
  return `sharding-${typeName}-shard-${shard}-entities`;
}

/**
 * One shard: the parent actor of its entities on one node, after Akka's `Shard`. It starts an
 * entity on its first message, passivates idle ones, and on hand-off stops them all before it
 * reports back, so an entity never runs on two nodes. With remember-entities it stores which
 * entities are alive and starts them again wherever the shard starts next.
 */
export function shardBehavior(o: ShardOptions): Behavior<ShardCommand> {
  return Behaviors.setup<ShardCommand>((ctx) => new ShardLogic(ctx, o).initial());
}

class ShardLogic {
  private readonly entities = new Map<EntityId, Entity>();
  private readonly remembered = new Set<EntityId>();
  private readonly waitingForStore = new Map<EntityId, unknown[]>();
  private readonly recoveryBuffer: { entityId: EntityId; message: unknown }[] = [];
  private recovering: boolean;
  private handingOff = false;
  private handedOff = false;
  private storeSeq = 0;
  private writing = false;
  private readonly toStart = new Set<EntityId>();
  private readonly toStop = new Set<EntityId>();
  private readonly storeId: string;

  constructor(
    private readonly ctx: ActorContext<ShardCommand>,
    private readonly o: ShardOptions,
  ) {
    this.recovering = o.settings.rememberEntities;
    this.storeId = rememberedEntitiesId(o.typeName, o.shard);
  }

  initial(): Behavior<ShardCommand> {
    const idle = this.o.settings.passivateIdleAfterMs;
    if (idle !== null) {
      const every = Math.max(1000, idle / 2);
      this.ctx.timers.startTimerWithFixedDelay("passivate", { type: "passivateIdle" }, every);
    }
    if (this.recovering)
      this.ctx.pipeToSelf(this.loadRemembered(), (outcome) =>
        outcome.ok
          ? { type: "recovered", ids: outcome.value.ids, sequenceNr: outcome.value.sequenceNr }
          : { type: "recoveryFailed", error: outcome.error },
      );
    return Behaviors.receive<ShardCommand>(
      (_ctx, m) => this.receive(m),
      (_ctx, signal) => {
        if (signal.type === "PostStop") this.postStop();
        return Behaviors.same;
      },
    );
  }

  private postStop(): void {
    // Children are gone by now; their Terminated would reach a dead mailbox, so trace them here.
    for (const [id] of this.entities)
      this.o.runtime.entityStopped(this.o.typeName, this.o.shard, id, "stopped");
    this.entities.clear();
    this.o.onStopped(this.handedOff);
  }

  private async loadRemembered(): Promise<{ ids: EntityId[]; sequenceNr: number }> {
    const journal = this.o.runtime.journal;
    const highest = await journal.highestSequenceNr(this.storeId);
    const ids = new Set<EntityId>();
    if (highest > 0) {
      const events = await journal.read(this.storeId, 1, highest);
      for (const repr of events) {
        const e = repr.event as StoreEvent;
        for (const id of e.ids) {
          if (e.type === "started") ids.add(id);
          else ids.delete(id);
        }
      }
    }
    return { ids: [...ids], sequenceNr: highest };
  }

  private receive(m: ShardCommand): Behavior<ShardCommand> {
    switch (m.type) {
      case "deliver":
        if (this.recovering) this.recoveryBuffer.push(m);
        else this.deliver(m.entityId, m.message);
        return Behaviors.same;
      case "recovered": {
        this.recovering = false;
        this.storeSeq = m.sequenceNr;
        for (const id of m.ids) {
          this.remembered.add(id);
          if (!this.handingOff) this.startEntity(id);
        }
        for (const d of this.recoveryBuffer.splice(0)) this.deliver(d.entityId, d.message);
        return this.handingOff ? this.maybeHandOffDone() : Behaviors.same;
      }
      case "recoveryFailed":
        throw m.error;
      case "written":
        return this.onWritten(m);
      case "terminated":
        return this.onTerminated(m.entityId, m.ref);
      case "passivateIdle":
        this.passivateIdle();
        return Behaviors.same;
      case "restart":
        if (!this.handingOff && this.remembered.has(m.entityId) && !this.entities.has(m.entityId))
          this.startEntity(m.entityId);
        return Behaviors.same;
      case "handOff":
        this.handingOff = true;
        this.recovering = false;
        for (const e of this.entities.values()) this.stopEntity(e, "hand-off");
        return this.maybeHandOffDone();
    }
  }

  private deliver(entityId: EntityId, message: unknown): void {
    if (this.handingOff) {
      this.ctx.system.deadLetter(message, this.ctx.self.path);
      return;
    }
    const entity = this.entities.get(entityId);
    if (entity !== undefined) {
      if (entity.stopping !== undefined) entity.buffer.push(message);
      else this.tell(entity, message);
      return;
    }
    if (this.o.settings.rememberEntities && !this.remembered.has(entityId)) {
      // Akka writes the start to the store before the entity sees its first message.
      const waiting = this.waitingForStore.get(entityId);
      if (waiting !== undefined) {
        waiting.push(message);
        return;
      }
      this.waitingForStore.set(entityId, [message]);
      this.toStart.add(entityId);
      this.toStop.delete(entityId);
      this.flushStore();
      return;
    }
    this.tell(this.startEntity(entityId), message);
  }

  private tell(entity: Entity, message: unknown): void {
    entity.lastActive = this.ctx.now();
    entity.ref.tell(this.o.localize(message));
  }

  private startEntity(entityId: EntityId): Entity {
    const ref = this.ctx.spawn(
      this.o.createBehavior(entityId),
      this.o.runtime.actorName(entityId),
    ) as ActorRef<unknown>;
    this.ctx.watchWith(ref as ActorRef<never>, {
      type: "terminated",
      entityId,
      ref: ref as ActorRef<never>,
    });
    const entity: Entity = { ref, lastActive: this.ctx.now(), stopping: undefined, buffer: [] };
    this.entities.set(entityId, entity);
    this.o.runtime.entityStarted(this.o.typeName, this.o.shard, entityId);
    return entity;
  }

  private stopEntity(entity: Entity, reason: "passivated" | "hand-off"): void {
    if (entity.stopping === "hand-off") return;
    entity.stopping = reason;
    this.ctx.stop(entity.ref as ActorRef<never>);
  }

  private passivateIdle(): void {
    const idle = this.o.settings.passivateIdleAfterMs;
    if (idle === null || this.handingOff) return;
    const now = this.ctx.now();
    for (const e of this.entities.values())
      if (e.stopping === undefined && now - e.lastActive >= idle) this.stopEntity(e, "passivated");
  }

  private onTerminated(entityId: EntityId, ref: ActorRef<never>): Behavior<ShardCommand> {
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.ref !== (ref as ActorRef<unknown>)) return Behaviors.same;
    this.entities.delete(entityId);
    const reason = entity.stopping ?? "stopped";
    this.o.runtime.entityStopped(this.o.typeName, this.o.shard, entityId, reason);
    if (this.handingOff) return this.maybeHandOffDone();
    if (entity.buffer.length > 0) {
      // Messages came in while it passivated: it starts again for them.
      const restarted = this.startEntity(entityId);
      for (const message of entity.buffer) this.tell(restarted, message);
      return Behaviors.same;
    }
    if (!this.o.settings.rememberEntities) return Behaviors.same;
    if (reason === "passivated") {
      this.toStop.add(entityId);
      this.toStart.delete(entityId);
      this.flushStore();
    } else if (this.remembered.has(entityId)) {
      this.ctx.timers.startSingleTimer(
        `restart:${entityId}`,
        { type: "restart", entityId },
        this.o.settings.entityRestartBackoffMs,
      );
    }
    return Behaviors.same;
  }

  private maybeHandOffDone(): Behavior<ShardCommand> {
    if (this.entities.size > 0 || this.writing) return Behaviors.same;
    this.handedOff = true;
    return Behaviors.stopped;
  }

  /** One store write at a time; changes queued meanwhile go out together in the next. */
  private flushStore(): void {
    if (this.writing || this.handingOff || (this.toStart.size === 0 && this.toStop.size === 0))
      return;
    const started = [...this.toStart];
    const stopped = [...this.toStop];
    this.toStart.clear();
    this.toStop.clear();
    const events: StoreEvent[] = [];
    if (started.length > 0) events.push({ type: "started", ids: started });
    if (stopped.length > 0) events.push({ type: "stopped", ids: stopped });
    const now = this.ctx.now();
    const reprs: PersistentRepr[] = events.map((event, i) => ({
      persistenceId: this.storeId,
      sequenceNr: this.storeSeq + 1 + i,
      event,
      timestamp: now,
      tags: [],
      writerUuid: String(this.o.runtime.self.uid),
      manifest: "",
    }));
    this.writing = true;
    this.ctx.pipeToSelf(this.o.runtime.journal.append(reprs), (outcome) => ({
      type: "written",
      ok: outcome.ok,
      started,
      stopped,
    }));
    this.storeSeq += reprs.length;
  }

  private onWritten(m: Extract<ShardCommand, { type: "written" }>): Behavior<ShardCommand> {
    this.writing = false;
    if (!m.ok) {
      // Someone else wrote this shard's store (or the node is gone): this shard must not go on.
      throw new Error(`remember-entities store of shard ${this.o.shard} could not be written`);
    }
    for (const id of m.stopped) this.remembered.delete(id);
    for (const id of m.started) {
      this.remembered.add(id);
      const waiting = this.waitingForStore.get(id) ?? [];
      this.waitingForStore.delete(id);
      if (this.handingOff) continue;
      const entity = this.entities.get(id) ?? this.startEntity(id);
      for (const message of waiting) this.tell(entity, message);
    }
    if (this.handingOff) return this.maybeHandOffDone();
    this.flushStore();
    return Behaviors.same;
  }
}
