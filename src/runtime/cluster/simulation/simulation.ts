import type { Fault, FaultSchedule } from "../../sim/fault-schedule";
import { type Address, type LinkFaults, Network, type NetworkOptions } from "../../sim/network";
import { type Random, SeededRandom } from "../../sim/random";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import { NoDowning } from "../downing/auto-down";
import { ClusterNode } from "../membership/cluster-node";
import type { DowningProvider } from "../membership/downing-provider";
import type { UniqueAddress } from "../membership/member";
import { clusterAddresses, knownAddress, UidAllocator } from "../membership/node-addresses";
import type { ClusterMessage } from "../membership/protocol";
import { type ClusterSettings, clusterSettings } from "../membership/settings";
import { ClusterTrace } from "./trace";

/** How to build a simulated cluster. */
export interface ClusterSimulationOptions {
  /** Seeds every random choice: UIDs, network delays and losses, gossip targets, timer phases. */
  readonly seed: number;
  /** A node count (addresses `node-1` … `node-n`) or explicit addresses. */
  readonly nodes: number | readonly Address[];
  /** Defaults to {@link NoDowning}, as in Akka: nothing is downed unless you choose a provider. */
  readonly downing?: DowningProvider;
  /** Overrides of Akka's cluster defaults. Seed nodes default to every address. */
  readonly settings?: Partial<ClusterSettings>;
  readonly network?: NetworkOptions;
  /** Faults to apply at their times. */
  readonly faults?: FaultSchedule;
  /** Share a scheduler with actor systems running on the nodes. */
  readonly scheduler?: VirtualScheduler;
  /** Each node's roles (Akka's `akka.cluster.roles`), by address; none when absent. */
  readonly roles?: Readonly<Record<Address, readonly string[]>>;
  /** Keep every trace record in memory (default true). */
  readonly retainTrace?: boolean;
}

/**
 * The deterministic simulation driver: every node of a cluster in one thread, on one virtual
 * clock, over one simulated network, with a seeded fault schedule. The same options give the
 * same trace, record for record, so a seed that breaks a property can be replayed and watched.
 *
 * `node-1` forms the cluster; the others join it through the seed nodes. Crashed or shut-down
 * nodes come back only when restarted, with a new UID.
 *
 * Higher layers (sharding, singleton) hook in with {@link onNodeStarted}: it runs for every
 * incarnation, including restarts, and the node's `onTerminated` tells them when it is gone.
 *
 * @example A partition that the split-brain resolver settles
 * ```ts
 * const sim = new ClusterSimulation({
 *   seed: 42,
 *   nodes: 5,
 *   downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
 * });
 * sim.runFor(15_000); // the cluster forms
 * sim.partition(["node-1", "node-2", "node-3"], ["node-4", "node-5"]);
 * sim.runFor(60_000); // the minority downs itself
 * checkSplitBrain(sim.trace.records); // []: never two clusters at once
 * sim.crash("node-1");
 * sim.restart("node-1"); // a new incarnation (new UID) joins through the seeds
 * ```
 */
export class ClusterSimulation {
  readonly seed: number;
  readonly scheduler: VirtualScheduler;
  readonly network: Network<ClusterMessage>;
  readonly trace: ClusterTrace;
  readonly addresses: readonly Address[];
  readonly settings: ClusterSettings;
  private readonly random: Random;
  private readonly uids: UidAllocator;
  /** The downing provider every node runs; sharding and singletons read its removal margin. */
  readonly downing: DowningProvider;
  private readonly running = new Map<Address, ClusterNode>();
  private readonly roles: Readonly<Record<Address, readonly string[]>>;
  private readonly startListeners = new Set<(node: ClusterNode) => void>();
  private incarnationCount = 0;

  constructor(options: ClusterSimulationOptions) {
    if (!Number.isInteger(options.seed))
      throw new RangeError(`ClusterSimulationOptions.seed must be an integer, got ${options.seed}`);
    this.seed = options.seed;
    this.addresses = clusterAddresses(options.nodes, "ClusterSimulationOptions.nodes");
    this.random = new SeededRandom(options.seed);
    this.uids = new UidAllocator(this.random.fork("uids"));
    this.scheduler = options.scheduler ?? new VirtualScheduler();
    this.network = new Network(this.scheduler, this.random.fork("network"), options.network);
    this.trace = new ClusterTrace(options.retainTrace ?? true);
    this.settings = clusterSettings({ seedNodes: this.addresses, ...options.settings });
    this.downing = options.downing ?? new NoDowning();
    this.roles = options.roles ?? {};
    for (const address of Object.keys(this.roles))
      if (!this.addresses.includes(address))
        throw new RangeError(
          `ClusterSimulationOptions.roles names "${address}", which is not one of the nodes`,
        );
    this.network.subscribe((event) => this.trace.emit({ at: this.scheduler.now(), ...event }));
    for (const fault of options.faults ?? []) this.scheduleFault(fault);
    this.addresses.forEach((address, i) => {
      this.start(address, i === 0);
    });
  }

  /** The running incarnation at `address`, if any. */
  node(address: Address): ClusterNode | undefined {
    return this.running.get(address);
  }

  /** The running incarnations, in the order of `addresses`. */
  nodes(): ClusterNode[] {
    return this.addresses
      .map((a) => this.running.get(a))
      .filter((n): n is ClusterNode => n !== undefined);
  }

  /**
   * Runs `listener` for every node incarnation as it starts, and at once for those running now.
   */
  onNodeStarted(listener: (node: ClusterNode) => void): () => void {
    this.startListeners.add(listener);
    for (const node of this.nodes()) listener(node);
    return () => this.startListeners.delete(listener);
  }

  /** Crashes the node at `address` (no-op if it is not running). */
  crash(address: Address): void {
    this.running.get(this.known(address))?.crash();
  }

  /** Starts a new incarnation at `address` if nothing runs there. It joins through the seeds. */
  restart(address: Address): ClusterNode | undefined {
    if (this.running.has(this.known(address))) return undefined;
    return this.start(address, false);
  }

  /** Asks the node at `address` to leave gracefully. */
  leave(address: Address): void {
    this.running.get(this.known(address))?.leave();
  }

  /**
   * Cuts the simulated network between two sides (`"a-to-b"`: one way only). Returns an id for
   * {@link heal}.
   */
  partition(
    sideA: readonly Address[],
    sideB: readonly Address[],
    direction: "both" | "a-to-b" = "both",
  ): number {
    for (const a of [...sideA, ...sideB]) this.known(a);
    return this.network.partition(sideA, sideB, { direction });
  }

  /** Removes one partition, or all of them when no id is given. Link faults stay. */
  heal(id?: number): void {
    this.network.heal(id);
  }

  /** Sets (or with `null`, clears) drop rate and delay on the directed link `from` → `to`. */
  setLink(from: Address, to: Address, faults: LinkFaults | null): void {
    this.network.setLink(this.known(from), this.known(to), faults);
  }

  /** Applies `fault` at its time (or now, if that is in the past). */
  scheduleFault(fault: Fault): void {
    this.scheduler.schedule(fault.at - this.scheduler.now(), () => this.apply(fault));
  }

  /** Moves virtual time forward synchronously. The cluster core does no I/O, so this is exact. */
  runFor(ms: number): void {
    this.scheduler.advanceBySync(ms);
  }

  /** Runs until virtual time `time`. */
  runUntil(time: number): void {
    if (time > this.scheduler.now()) this.scheduler.advanceBySync(time - this.scheduler.now());
  }

  /**
   * Moves time forward asynchronously, waiting for tracked I/O (journals) at each instant: use
   * this when actor systems with persistence run on the nodes.
   */
  advance(ms: number): Promise<void> {
    return this.scheduler.advanceBy(ms);
  }

  /** Steps time in `stepMs` increments until `predicate` holds; returns whether it did. */
  runUntilTrue(predicate: () => boolean, limitMs: number, stepMs = 100): boolean {
    const deadline = this.scheduler.now() + limitMs;
    while (!predicate()) {
      if (this.scheduler.now() >= deadline) return false;
      this.scheduler.advanceBySync(Math.min(stepMs, deadline - this.scheduler.now()));
    }
    return true;
  }

  /** Stops every node and drops messages in flight. */
  shutdown(): void {
    for (const node of this.nodes()) node.crash();
    this.network.shutdown();
  }

  /** How many incarnations were started (initial nodes plus restarts). */
  get incarnations(): number {
    return this.incarnationCount;
  }

  private start(address: Address, joinSelf: boolean): ClusterNode {
    const self: UniqueAddress = { address, uid: this.uids.next() };
    this.incarnationCount++;
    const node = new ClusterNode({
      self,
      network: this.network,
      scheduler: this.scheduler,
      random: this.random.fork(`node:${address}#${self.uid}`),
      trace: this.trace,
      settings: this.settings,
      downing: this.downing,
      joinSelf,
      roles: this.roles[address] ?? [],
    });
    this.running.set(address, node);
    node.onTerminated(() => {
      if (this.running.get(address) === node) this.running.delete(address);
    });
    for (const listener of this.startListeners) listener(node);
    return node;
  }

  private known(address: Address): Address {
    return knownAddress(this.addresses, address, "ClusterSimulation");
  }

  private apply(fault: Fault): void {
    switch (fault.type) {
      case "crash":
        this.crash(fault.node);
        return;
      case "restart":
        this.restart(fault.node);
        return;
      case "leave":
        this.leave(fault.node);
        return;
      case "partition":
        this.partition(fault.sideA, fault.sideB, fault.direction);
        return;
      case "heal":
        this.heal();
        return;
      case "clear-links":
        this.network.clearLinks();
        return;
      case "link":
        this.setLink(fault.from, fault.to, fault.faults);
        return;
    }
  }
}
