import type { Random } from "../../sim/random";
import type { Cancellable } from "../../sim/scheduler";
import { compareStrings } from "./canonical";
import {
  type Consistency,
  quorumSize,
  type ReadConsistency,
  type WriteConsistency,
} from "./consistency";
import {
  DataKindMismatchError,
  deltaOf,
  digestOf,
  fromWire,
  type Key,
  mergeData,
  type ReplicatedData,
  type ReplicatedDataWire,
  toWire,
  withoutDelta,
} from "./data";
import type { ReplicatorMessage, ReplicatorTransport } from "./protocol";
import type { ReplicaId } from "./version-vector";

/** What a modify function may use: who is writing and the writer's clock (for LWW stamps). */
export interface UpdateContext {
  readonly self: ReplicaId;
  readonly now: number;
}

/** The answer to {@link Replicator.update}, named as in Akka. */
export type UpdateResponse =
  | { readonly type: "UpdateSuccess"; readonly key: string }
  | {
      /** Too few replicas acknowledged in time. The write stays where it got to and still spreads. */
      readonly type: "UpdateTimeout";
      readonly key: string;
      readonly acknowledged: readonly ReplicaId[];
      readonly needed: number;
    }
  | { readonly type: "ModifyFailure"; readonly key: string; readonly error: Error };

/** The answer to {@link Replicator.get}, named as in Akka. */
export type GetResponse<T extends ReplicatedData> =
  | { readonly type: "GetSuccess"; readonly key: string; readonly data: T }
  | { readonly type: "NotFound"; readonly key: string }
  | { readonly type: "GetFailure"; readonly key: string; readonly reason: string };

/** Why a stored value changed. */
export type ChangeCause = "update" | "write" | "gossip" | "read-repair";

/** What a replicator reports as it works: for traces, demos and checks. */
export type ReplicatorEvent =
  | {
      readonly type: "changed";
      readonly replica: ReplicaId;
      readonly key: string;
      readonly cause: ChangeCause;
      readonly digest: string;
    }
  | {
      /** A message from a peer that could not be used: malformed, or a value of the wrong kind. */
      readonly type: "rejected";
      readonly replica: ReplicaId;
      readonly from: ReplicaId;
      readonly reason: string;
    };

/** Settings of a {@link Replicator}. */
export interface ReplicatorOptions {
  readonly transport: ReplicatorTransport;
  /** Picks gossip partners; pass a seeded stream so one seed gives one run. */
  readonly random: Random;
  /** Time between gossip rounds, in ms. Akka's default is 2 s. */
  readonly gossipIntervalMs?: number;
  /** Receives every {@link ReplicatorEvent}. */
  readonly onEvent?: (event: ReplicatorEvent) => void;
}

interface Stored {
  readonly data: ReplicatedData;
  readonly digest: string;
}

/** A majority/all request waiting for enough replicas to answer. */
interface Pending {
  readonly targets: ReadonlySet<ReplicaId>;
  /** Replicas that have answered, this one included. */
  readonly answered: Set<ReplicaId>;
  onAnswer(from: ReplicaId, message: ReplicatorMessage): void;
  onTimeout(): void;
  readonly timers: Cancellable[];
}

/** The timeout of a majority or all request (quorumSize has checked it is there). */
const timeoutOf = (consistency: Consistency): number =>
  (consistency as { readonly timeoutMs: number }).timeoutMs;

/** The fraction of a request's timeout after which unanswered replicas are asked again. */
const RESEND_FRACTION = 5;

/**
 * Holds this node's replicas of keyed CRDT values and keeps them in step with the other members,
 * after Akka Distributed Data's `Replicator`.
 *
 * - {@link Replicator.update} applies a modify function to the local value, then, for majority
 *   or all, sends the change to the other members and answers once enough have merged it.
 * - {@link Replicator.get} answers from the local value, or for majority or all, merges the
 *   values of enough members (and keeps the merge locally: read repair).
 * - Every gossip interval, the replicator swaps digests with one random member and exchanges the
 *   values that differ, so every update reaches every reachable member in the end, whatever
 *   consistency it was written with.
 *
 * Everything runs on the transport's scheduler; nothing blocks and no promise is involved, so a
 * run on a virtual clock is deterministic. Answers arrive as callbacks, never synchronously.
 *
 * @example Counting hits across replicas
 * ```ts
 * declare const transport: ReplicatorTransport; // replicatorTransport(node, scheduler) in a cluster
 * const Hits = GCounterKey("hits");
 * const replicator = new Replicator({ transport, random: new SeededRandom(7) });
 * replicator.update(
 *   Hits,
 *   GCounter.empty,
 *   (counter, { self }) => counter.increment(self),
 *   writeMajority(3_000),
 *   (r) => console.log(r.type), // "UpdateSuccess" once a majority has merged it
 * );
 * replicator.get(Hits, readLocal, (r) => {
 *   if (r.type === "GetSuccess") console.log(r.data.value); // this replica's view, no round trip
 * });
 * replicator.get(Hits, readMajority(3_000), (r) => console.log(r.type)); // asks a majority first
 * ```
 */
export class Replicator {
  /** This replica's id. */
  readonly self: ReplicaId;
  private readonly transport: ReplicatorTransport;
  private readonly random: Random;
  private readonly onEvent: ((event: ReplicatorEvent) => void) | undefined;
  private readonly store = new Map<string, Stored>();
  private readonly pending = new Map<string, Pending>();
  private readonly subscribers = new Map<string, Set<(data: ReplicatedData) => void>>();
  private readonly dirty = new Set<string>();
  private readonly detach: () => void;
  private gossipTimer: Cancellable | undefined;
  private requests = 0;
  private stopped = false;

  constructor(options: ReplicatorOptions) {
    const { transport, random, gossipIntervalMs = 2_000, onEvent } = options;
    if (!Number.isFinite(gossipIntervalMs) || gossipIntervalMs <= 0) {
      throw new RangeError(
        `Replicator: gossipIntervalMs must be positive, got ${gossipIntervalMs}`,
      );
    }
    this.transport = transport;
    this.self = transport.self;
    this.random = random;
    this.onEvent = onEvent;
    this.detach = transport.onMessage((from, message) => this.receive(from, message));
    // A random phase keeps the members from all gossiping at the same instant.
    const tick = () => {
      this.gossip();
      this.gossipTimer = this.transport.scheduler.schedule(gossipIntervalMs, tick);
    };
    this.gossipTimer = transport.scheduler.schedule(random.next() * gossipIntervalMs, tick);
  }

  /**
   * Applies `modify` to the local value of `key` (or to `initial` if there is none yet), stores
   * the result and replicates it with `consistency`. `reply`, if given, gets an
   * {@link UpdateResponse}. `modify` must be pure: it gets the current value and returns a
   * changed one; if it throws, nothing is stored and the answer is `ModifyFailure`.
   */
  update<T extends ReplicatedData>(
    key: Key<T>,
    initial: T,
    modify: (current: T, context: UpdateContext) => T,
    consistency: WriteConsistency,
    reply?: (response: UpdateResponse) => void,
  ): void {
    const answer = (response: UpdateResponse) => {
      if (reply) this.transport.scheduler.executeSoon(() => reply(response));
    };
    const others = this.others();
    const needed = quorumSize(consistency, others.length + 1);
    const existing = this.store.get(key.id)?.data;
    let merged: ReplicatedData;
    let change: ReplicatedData;
    try {
      if (initial.kind !== key.kind)
        throw new DataKindMismatchError(key.id, key.kind, initial.kind);
      if (existing && existing.kind !== key.kind) {
        throw new DataKindMismatchError(key.id, existing.kind, key.kind);
      }
      const current = withoutDelta((existing ?? initial) as T);
      const modified = modify(current, { self: this.self, now: this.transport.scheduler.now() });
      if (modified?.kind !== key.kind) {
        throw new DataKindMismatchError(key.id, key.kind, String(modified?.kind));
      }
      // Merging rather than replacing keeps a modify that rebuilt the value from losing others' work.
      merged = existing
        ? mergeData(key.id, existing, withoutDelta(modified))
        : withoutDelta(modified);
      change = deltaOf(modified) ?? merged;
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      answer({ type: "ModifyFailure", key: key.id, error: failure });
      return;
    }
    this.put(key.id, merged, "update");
    if (needed <= 1) {
      answer({ type: "UpdateSuccess", key: key.id });
      return;
    }
    const requestId = this.nextRequestId();
    const message: ReplicatorMessage = {
      type: "Write",
      requestId,
      key: key.id,
      data: toWire(change),
    };
    this.startRequest(requestId, timeoutOf(consistency), others, message, {
      onAnswer: (pending, from, m) => {
        if (m.type !== "WriteAck") return;
        pending.answered.add(from);
        if (pending.answered.size >= needed) {
          this.finish(requestId);
          answer({ type: "UpdateSuccess", key: key.id });
        }
      },
      onTimeout: (pending) =>
        answer({
          type: "UpdateTimeout",
          key: key.id,
          acknowledged: [...pending.answered].sort(compareStrings),
          needed,
        }),
    });
  }

  /**
   * Reads `key` with `consistency` and answers with an {@link GetResponse}: the local value, or
   * the merge of the values held by enough members. A successful majority or all read keeps the
   * merged value locally too.
   */
  get<T extends ReplicatedData>(
    key: Key<T>,
    consistency: ReadConsistency,
    reply: (response: GetResponse<T>) => void,
  ): void {
    const answer = (response: GetResponse<T>) =>
      this.transport.scheduler.executeSoon(() => reply(response));
    const others = this.others();
    const needed = quorumSize(consistency, others.length + 1);
    const local = this.store.get(key.id)?.data;
    if (local && local.kind !== key.kind) {
      const reason = new DataKindMismatchError(key.id, local.kind, key.kind).message;
      answer({ type: "GetFailure", key: key.id, reason });
      return;
    }
    if (needed <= 1) {
      answer(
        local
          ? { type: "GetSuccess", key: key.id, data: local as T }
          : { type: "NotFound", key: key.id },
      );
      return;
    }
    let result = local;
    const requestId = this.nextRequestId();
    this.startRequest(
      requestId,
      timeoutOf(consistency),
      others,
      { type: "Read", requestId, key: key.id },
      {
        onAnswer: (pending, from, m) => {
          if (m.type !== "ReadResult") return;
          if (m.data !== null) {
            const data = this.decode(from, m.data, `ReadResult(${key.id}).data`);
            if (!data) return;
            if (data.kind !== key.kind) {
              this.reject(from, new DataKindMismatchError(key.id, key.kind, data.kind).message);
              return;
            }
            result = result ? mergeData(key.id, result, data) : data;
          }
          pending.answered.add(from);
          if (pending.answered.size < needed) return;
          this.finish(requestId);
          if (!result) {
            answer({ type: "NotFound", key: key.id });
            return;
          }
          // Read repair; if the key changed kind meanwhile, that is reported and the read stands.
          this.mergeIn(this.self, key.id, result, "read-repair");
          answer({ type: "GetSuccess", key: key.id, data: result as T });
        },
        onTimeout: () =>
          answer({
            type: "GetFailure",
            key: key.id,
            reason: `timeout after ${timeoutOf(consistency)} ms`,
          }),
      },
    );
  }

  /**
   * Calls `listener` with the value of `key` now (if any) and after every change, local or
   * replicated. Changes within one instant are coalesced into one call. Returns an unsubscribe
   * function.
   */
  subscribe<T extends ReplicatedData>(key: Key<T>, listener: (data: T) => void): () => void {
    const wrapped = listener as (data: ReplicatedData) => void;
    let set = this.subscribers.get(key.id);
    if (!set) {
      set = new Set();
      this.subscribers.set(key.id, set);
    }
    set.add(wrapped);
    const current = this.store.get(key.id)?.data;
    if (current)
      this.transport.scheduler.executeSoon(() => {
        if (set.has(wrapped)) wrapped(current);
      });
    return () => {
      set.delete(wrapped);
    };
  }

  /** The local value of `key`, synchronously: what a `readLocal` get would answer. */
  localValue<T extends ReplicatedData>(key: Key<T>): T | undefined {
    const data = this.store.get(key.id)?.data;
    if (data && data.kind !== key.kind)
      throw new DataKindMismatchError(key.id, data.kind, key.kind);
    return data as T | undefined;
  }

  /** The ids of the keys held here, sorted. */
  get keys(): readonly string[] {
    return [...this.store.keys()].sort(compareStrings);
  }

  /** The digest of every key held here, sorted by key: equal digests mean equal replicas. */
  digests(): ReadonlyArray<readonly [string, string]> {
    return this.keys.map((k) => [k, (this.store.get(k) as Stored).digest] as const);
  }

  /**
   * Stops gossiping and answering. Requests still waiting are answered now, as timed out, so no
   * caller waits forever.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.gossipTimer?.cancel();
    this.detach();
    for (const [requestId, pending] of [...this.pending]) {
      this.finish(requestId);
      pending.onTimeout();
    }
  }

  private others(): ReplicaId[] {
    return [...new Set(this.transport.members())]
      .filter((m) => m !== this.self)
      .sort(compareStrings);
  }

  private nextRequestId(): string {
    this.requests += 1;
    return `${this.self}/${this.requests}`;
  }

  private startRequest(
    requestId: string,
    timeoutMs: number,
    others: readonly ReplicaId[],
    message: ReplicatorMessage,
    handlers: {
      onAnswer(pending: Pending, from: ReplicaId, message: ReplicatorMessage): void;
      onTimeout(pending: Pending): void;
    },
  ): void {
    const scheduler = this.transport.scheduler;
    const pending: Pending = {
      targets: new Set(others),
      answered: new Set([this.self]),
      onAnswer: (from, m) => handlers.onAnswer(pending, from, m),
      onTimeout: () => handlers.onTimeout(pending),
      timers: [],
    };
    this.pending.set(requestId, pending);
    // Messages get lost: ask the silent replicas again a few times before the timeout.
    const resendEvery = timeoutMs / RESEND_FRACTION;
    const send = () => {
      for (const to of others) if (!pending.answered.has(to)) this.transport.send(to, message);
    };
    const resend = () => {
      send();
      pending.timers.push(scheduler.schedule(resendEvery, resend));
    };
    send();
    pending.timers.push(scheduler.schedule(resendEvery, resend));
    pending.timers.push(
      scheduler.schedule(timeoutMs, () => {
        if (!this.pending.has(requestId)) return;
        this.finish(requestId);
        pending.onTimeout();
      }),
    );
  }

  private finish(requestId: string): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    for (const timer of pending.timers) timer.cancel();
  }

  private gossip(): void {
    const others = this.others();
    if (others.length === 0) return;
    this.transport.send(this.random.pick(others), { type: "Status", digests: this.digests() });
  }

  private receive(from: ReplicaId, message: ReplicatorMessage): void {
    if (this.stopped) return;
    try {
      this.handle(from, message);
    } catch (error) {
      // A malformed message from one peer must not take this node down; report it and go on.
      this.reject(from, error instanceof Error ? error.message : String(error));
    }
  }

  private handle(from: ReplicaId, message: ReplicatorMessage): void {
    switch (message?.type) {
      case "Write": {
        const data = this.decode(from, message.data, `Write(${message.key}).data`);
        if (!data) {
          this.transport.send(from, {
            type: "WriteNack",
            requestId: message.requestId,
            reason: "malformed value",
          });
          return;
        }
        if (!this.mergeIn(from, message.key, data, "write")) {
          const reason = `key ${JSON.stringify(message.key)} holds another kind`;
          this.transport.send(from, { type: "WriteNack", requestId: message.requestId, reason });
          return;
        }
        this.transport.send(from, { type: "WriteAck", requestId: message.requestId });
        return;
      }
      case "Read": {
        const local = this.store.get(message.key)?.data;
        this.transport.send(from, {
          type: "ReadResult",
          requestId: message.requestId,
          data: local ? toWire(local) : null,
        });
        return;
      }
      case "WriteAck":
      case "WriteNack":
      case "ReadResult": {
        const pending = this.pending.get(message.requestId);
        // Late answers to finished requests, and answers from non-targets, are expected noise.
        if (!pending?.targets.has(from) || pending.answered.has(from)) return;
        pending.onAnswer(from, message);
        return;
      }
      case "Status":
        this.receiveStatus(from, message.digests);
        return;
      case "Gossip":
        this.receiveGossip(from, message.entries, message.wanted);
        return;
      default:
        this.reject(
          from,
          `unknown message type ${JSON.stringify((message as { type?: unknown })?.type)}`,
        );
    }
  }

  private receiveStatus(from: ReplicaId, digests: ReadonlyArray<readonly [string, string]>): void {
    if (!Array.isArray(digests)) throw new TypeError("Status.digests: expected an array");
    const theirs = new Map<string, string>();
    for (const [k, d] of digests) theirs.set(String(k), String(d));
    const entries: Array<readonly [string, ReplicatedDataWire]> = [];
    const wanted: string[] = [];
    for (const [k, stored] of this.store) {
      const digest = theirs.get(k);
      if (digest === stored.digest) continue;
      entries.push([k, toWire(stored.data)]);
      if (digest !== undefined) wanted.push(k);
    }
    for (const k of theirs.keys()) if (!this.store.has(k)) wanted.push(k);
    if (entries.length === 0 && wanted.length === 0) return;
    entries.sort((a, b) => compareStrings(a[0], b[0]));
    wanted.sort(compareStrings);
    this.transport.send(from, { type: "Gossip", entries, wanted });
  }

  private receiveGossip(
    from: ReplicaId,
    entries: ReadonlyArray<readonly [string, ReplicatedDataWire]>,
    wanted: readonly string[],
  ): void {
    if (!Array.isArray(entries)) throw new TypeError("Gossip.entries: expected an array");
    for (const [k, wire] of entries) {
      const data = this.decode(from, wire, `Gossip(${k}).data`);
      if (!data) continue;
      this.mergeIn(from, k, data, "gossip");
    }
    if (!Array.isArray(wanted) || wanted.length === 0) return;
    const back: Array<readonly [string, ReplicatedDataWire]> = [];
    for (const k of wanted) {
      const stored = this.store.get(k);
      if (stored) back.push([k, toWire(stored.data)]);
    }
    if (back.length > 0) this.transport.send(from, { type: "Gossip", entries: back, wanted: [] });
  }

  private decode(from: ReplicaId, wire: unknown, where: string): ReplicatedData | undefined {
    try {
      return fromWire(wire, where);
    } catch (error) {
      this.reject(from, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  /**
   * Merges `data` into the local value of `key`. Returns false, and reports it, if the key
   * already holds a value of another kind.
   */
  private mergeIn(from: ReplicaId, key: string, data: ReplicatedData, cause: ChangeCause): boolean {
    const local = this.store.get(key)?.data;
    if (local && local.kind !== data.kind) {
      this.reject(from, new DataKindMismatchError(key, local.kind, data.kind).message);
      return false;
    }
    this.put(key, local ? mergeData(key, local, data) : withoutDelta(data), cause);
    return true;
  }

  private put(key: string, data: ReplicatedData, cause: ChangeCause): void {
    const digest = digestOf(data);
    const before = this.store.get(key);
    if (before?.digest === digest) return;
    this.store.set(key, { data, digest });
    this.onEvent?.({ type: "changed", replica: this.self, key, cause, digest });
    if (!this.subscribers.get(key)?.size) return;
    if (this.dirty.size === 0) this.transport.scheduler.executeSoon(() => this.notify());
    this.dirty.add(key);
  }

  private notify(): void {
    const keys = [...this.dirty].sort(compareStrings);
    this.dirty.clear();
    for (const key of keys) {
      const stored = this.store.get(key);
      if (!stored) continue;
      for (const listener of [...(this.subscribers.get(key) ?? [])]) listener(stored.data);
    }
  }

  private reject(from: ReplicaId, reason: string): void {
    this.onEvent?.({ type: "rejected", replica: this.self, from, reason });
  }
}
