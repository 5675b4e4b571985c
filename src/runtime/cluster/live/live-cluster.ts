import type { Address, LinkFaults, NetworkOptions } from "../../sim/network";
import { type Random, SeededRandom } from "../../sim/random";
import { RealScheduler } from "../../sim/real-scheduler";
import type { Scheduler } from "../../sim/scheduler";
import type { UniqueAddress } from "../membership/member";
import { clusterAddresses, knownAddress, UidAllocator } from "../membership/node-addresses";
import { DEFAULT_PHI_ACCRUAL, type PhiAccrualSettings } from "../membership/phi-accrual";
import { type ClusterSettings, clusterSettings } from "../membership/settings";
import { ShardingTrace } from "../sharding/trace";
import { ClusterTrace } from "../simulation/trace";
import type { DowningSpec, FromNode, LiveNodeState, LiveShardingSpec, ToNode } from "./protocol";
import { Relay } from "./relay";
import { RunningParts } from "./running-parts";

/**
 * What `LiveCluster` needs of a worker: a `Worker` running `node-worker.ts` fits, and so does a
 * test double.
 */
export interface NodeWorker {
  /** Sends a command to the node (start, leave, app messages…). */
  postMessage(message: ToNode): void;
  /** Where the node's reports (trace records, state answers, wire messages) arrive. */
  onmessage: ((event: MessageEvent<FromNode>) => void) | null;
  /** Kills the worker at once: the crash of this node incarnation. */
  terminate(): void;
}

/** How to build a live cluster. */
export interface LiveClusterOptions {
  /** A node count (addresses `node-1` … `node-n`) or explicit addresses. */
  readonly nodes: number | readonly Address[];
  /** Starts a fresh worker running the node entry module (`node-worker.ts`, bundled). */
  readonly spawn: (address: Address) => NodeWorker;
  /**
   * Overrides of Akka's defaults (the failure detector's field by field); short timings make a
   * demo quick. Seed nodes default to every address.
   */
  readonly settings?: Partial<Omit<ClusterSettings, "failureDetector">> & {
    readonly failureDetector?: Partial<PhiAccrualSettings>;
  };
  /** Defaults to none, as in Akka. */
  readonly downing?: DowningSpec;
  /** Seeds UIDs and the relay's drop choices (default: random). */
  readonly seed?: number;
  /** The relay's clock (default: the real one). */
  readonly scheduler?: Scheduler;
  /** Relay latency and jitter (default none: the workers' own message passing is the delay). */
  readonly network?: NetworkOptions;
  /** Run cluster sharding on every node, over the shared journal named here. */
  readonly sharding?: LiveShardingSpec;
  /**
   * Each node's roles (Akka's `akka.cluster.roles`), by address; none when absent. Members
   * carry them, a split-brain resolver strategy's `role` counts only the members that have it,
   * and a sharded entity type with a `role` runs its entities only on those nodes.
   */
  readonly roles?: Readonly<Record<Address, readonly string[]>>;
}

interface Incarnation {
  readonly self: UniqueAddress;
  readonly worker: NodeWorker;
  /** Questions to this worker awaiting an answer; a stopped worker answers them with null. */
  readonly pending: Map<number, (answer: FromNode | null) => void>;
  /** What the worker runs, so its end can be traced when it cannot report it itself. */
  readonly parts: RunningParts;
}

/**
 * The live driver: the same `ClusterNode` as the simulation, one per Web Worker, each on a real
 * clock, all talking through a {@link Relay} on this (main) thread that can partition and drop
 * like the simulated network and keeps the trace. A crash is `worker.terminate()`: the node's
 * state goes with the worker, and a restart is a new worker with a new UID.
 *
 * @example Three nodes in three Web Workers
 * ```ts
 * declare const nodeWorkerBundle: string; // the bundled node-worker.ts
 * const url = URL.createObjectURL(new Blob([nodeWorkerBundle], { type: "text/javascript" }));
 * const cluster = new LiveCluster({
 *   nodes: 3,
 *   spawn: () => new Worker(url),
 *   downing: { kind: "split-brain-resolver", settings: { strategy: { kind: "keep-majority" } } },
 * });
 * cluster.trace.subscribe((r) => console.log(r));
 * cluster.crash("node-3"); // worker.terminate()
 * await cluster.state("node-1"); // node-3 unreachable, later removed
 * ```
 */
export class LiveCluster {
  readonly addresses: readonly Address[];
  readonly settings: ClusterSettings;
  readonly trace = new ClusterTrace();
  /** Shard allocations, entity starts and stops, journal writes: from every worker, one clock. */
  readonly shardingTrace: ShardingTrace;
  readonly relay: Relay;
  private readonly scheduler: Scheduler;
  private readonly random: Random;
  private readonly running = new Map<Address, Incarnation>();
  private readonly uids: UidAllocator;
  private nextQuery = 1;

  constructor(private readonly options: LiveClusterOptions) {
    this.addresses = clusterAddresses(options.nodes, "LiveClusterOptions.nodes");
    this.settings = clusterSettings({
      seedNodes: this.addresses,
      ...options.settings,
      failureDetector: { ...DEFAULT_PHI_ACCRUAL, ...options.settings?.failureDetector },
    });
    for (const address of Object.keys(options.roles ?? {}))
      if (!this.addresses.includes(address))
        throw new RangeError(
          `LiveClusterOptions.roles names "${address}", which is not one of the nodes`,
        );
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.shardingTrace = new ShardingTrace(() => this.scheduler.now());
    this.random = new SeededRandom(options.seed ?? Math.floor(Math.random() * 0x7fffffff));
    // UIDs draw from the same source as worker seeds, so one seed replays the same cluster.
    this.uids = new UidAllocator(this.random);
    this.relay = new Relay(
      this.scheduler,
      this.random.fork("relay"),
      this.trace,
      options.network ?? { latencyMs: 0, jitterMs: 0 },
    );
    this.addresses.forEach((address, i) => {
      this.start(address, i === 0);
    });
  }

  /** The running incarnation at `address`, if any. */
  incarnation(address: Address): UniqueAddress | undefined {
    return this.running.get(address)?.self;
  }

  /** The view of the node at `address`, or null when nothing runs there. */
  async state(address: Address): Promise<LiveNodeState | null> {
    const answer = await this.question(address, (id) => ({ kind: "state", id }));
    return answer?.kind === "state" ? answer.state : null;
  }

  /**
   * Asks entity `entityId` of `typeName` through the region on node `from`: `command` is plain
   * data, and gets the ask's `replyTo` added. Rejects when the entity does not answer within
   * `timeoutMs`, or the node stops first.
   *
   * @example
   * await cluster.ask("node-2", "counter", "c1", { type: "add", n: 5 }, 5_000); // { total: 5, ... }
   */
  async ask(
    from: Address,
    typeName: string,
    entityId: string,
    command: Readonly<Record<string, unknown>>,
    timeoutMs: number,
  ): Promise<unknown> {
    const answer = await this.question(from, (id) => ({
      kind: "ask",
      id,
      typeName,
      entityId,
      command,
      timeoutMs,
    }));
    if (answer === null) throw new Error(`LiveCluster.ask: no running node at "${from}"`);
    if (answer.kind !== "answer") throw new Error(`LiveCluster.ask: unexpected ${answer.kind}`);
    if (!answer.ok) throw new Error(`LiveCluster.ask ${typeName}/${entityId}: ${answer.error}`);
    return answer.value;
  }

  private question(address: Address, build: (id: number) => ToNode): Promise<FromNode | null> {
    const running = this.running.get(this.known(address));
    if (running === undefined) return Promise.resolve(null);
    const id = this.nextQuery++;
    return new Promise((resolve) => {
      running.pending.set(id, resolve);
      running.worker.postMessage(build(id));
    });
  }

  /** Crashes the node at `address`: its worker is terminated, mid-whatever. */
  crash(address: Address): void {
    const running = this.running.get(this.known(address));
    if (running === undefined) return;
    this.stop(address);
    this.relay.record({ at: this.scheduler.now(), type: "nodeCrashed", node: running.self });
  }

  /** Starts a new worker at `address` if none runs there; it joins through the seeds. */
  restart(address: Address): UniqueAddress | undefined {
    if (this.running.has(this.known(address))) return undefined;
    return this.start(address, false);
  }

  /** Asks the node at `address` to leave gracefully. */
  leave(address: Address): void {
    this.running.get(this.known(address))?.worker.postMessage({ kind: "leave" });
  }

  /**
   * Cuts the relay between two sides (`"a-to-b"`: one way only). Returns an id for
   * {@link heal}.
   */
  partition(
    sideA: readonly Address[],
    sideB: readonly Address[],
    direction: "both" | "a-to-b" = "both",
  ): number {
    for (const a of [...sideA, ...sideB]) this.known(a);
    return this.relay.partition(sideA, sideB, direction);
  }

  /** Removes one partition, or all of them when no id is given. Link faults stay. */
  heal(id?: number): void {
    this.relay.heal(id);
  }

  /** Sets (or with `null`, clears) drop rate and delay on the directed link `from` → `to`. */
  setLink(from: Address, to: Address, faults: LinkFaults | null): void {
    this.relay.setLink(this.known(from), this.known(to), faults);
  }

  /** Terminates every worker. */
  shutdown(): void {
    for (const address of [...this.running.keys()]) this.stop(address);
    this.relay.shutdown();
  }

  private start(address: Address, joinSelf: boolean): UniqueAddress {
    const self: UniqueAddress = { address, uid: this.uids.next() };
    const worker = this.options.spawn(address);
    const incarnation: Incarnation = {
      self,
      worker,
      pending: new Map(),
      parts: new RunningParts(),
    };
    this.running.set(address, incarnation);
    worker.onmessage = (event) => {
      // A terminated worker's last posts may still be queued; they belong to no one now.
      if (this.running.get(address) !== incarnation) return;
      const rest = this.relay.fromNode(address, event.data);
      if (rest?.kind === "state" || rest?.kind === "answer") {
        incarnation.pending.get(rest.id)?.(rest);
        incarnation.pending.delete(rest.id);
      } else if (rest?.kind === "sharding") {
        const { at: _workerClock, ...record } = rest.record;
        incarnation.parts.observe(rest.record);
        this.shardingTrace.emit(record);
      } else if (rest?.kind === "terminated") {
        // The node shut itself down (downed, left, removed): the process exits, as in Akka.
        this.stop(address);
      }
    };
    this.relay.attach(address, { post: (message) => worker.postMessage(message) });
    worker.postMessage({
      kind: "start",
      self,
      settings: this.settings,
      downing: this.options.downing ?? { kind: "none" },
      joinSelf,
      roles: [...(this.options.roles?.[address] ?? [])],
      seed: this.random.int(1, 0x7fffffff),
      sharding: this.options.sharding,
    });
    return self;
  }

  private stop(address: Address): void {
    const running = this.running.get(address);
    if (running === undefined) return;
    this.running.delete(address);
    this.relay.detach(address);
    running.worker.onmessage = null;
    running.worker.terminate();
    // Nothing of this incarnation runs from here on; it cannot say so itself.
    for (const stop of running.parts.stopAll()) this.shardingTrace.emit(stop);
    for (const resolve of running.pending.values()) resolve(null);
    running.pending.clear();
  }

  private known(address: Address): Address {
    return knownAddress(this.addresses, address, "LiveCluster");
  }
}
