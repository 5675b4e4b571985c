import type { Random } from "./random";
import type { Scheduler } from "./scheduler";

/** Where a simulated node listens: a host:port-like name, stable across restarts. */
export type Address = string;

/**
 * Faults on one directed link. Unset fields fall back to the network's defaults; a link with
 * no faults delivers in order, after the base latency plus a little jitter.
 */
export interface LinkFaults {
  /** Probability in [0, 1] that a message is lost. */
  readonly dropRate?: number;
  /** Extra one-way delay in milliseconds. */
  readonly delayMs?: number;
  /** Random extra delay drawn uniformly from [0, jitterMs]. */
  readonly jitterMs?: number;
  /**
   * When true, each message gets its own random delay and may overtake earlier ones. When false
   * (the default), a link is FIFO like a TCP connection: a message never arrives before one sent
   * earlier on the same link.
   */
  readonly reorder?: boolean;
}

/** Defaults for every link. */
export interface NetworkOptions {
  /** One-way latency in milliseconds (default 2). */
  readonly latencyMs?: number;
  /** Uniform jitter added to the latency, in milliseconds (default 2). */
  readonly jitterMs?: number;
}

/** Something the network did that an observer (a trace, a demo widget) may want to draw. */
export type NetworkEvent =
  | {
      readonly type: "partition";
      readonly id: number;
      readonly sideA: readonly Address[];
      readonly sideB: readonly Address[];
      /** "both": nothing crosses; "a-to-b": only messages from side A to side B are lost. */
      readonly direction: "both" | "a-to-b";
    }
  | { readonly type: "heal"; readonly id: number | "all" }
  | {
      readonly type: "link";
      readonly from: Address;
      readonly to: Address;
      readonly faults: LinkFaults | null;
    };

/** Counters since the network was created. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  /** Lost to a partition, a drop rate, or a missing receiver. */
  dropped: number;
}

type Handler<M> = (from: Address, message: M) => void;

/**
 * What a node needs from the wire: an endpoint at its address, and a way to send. The simulated
 * {@link Network} is one; live mode's worker-side port to the relay is another, which is how the
 * same node code runs on a virtual clock and in Web Workers.
 *
 * @example
 * const transport: Transport<string> = new Network<string>(scheduler, new SeededRandom(7));
 * transport.connect("a", (from, msg) => console.log(from, msg));
 * transport.send("b", "a", "hello");
 */
export interface Transport<M> {
  /** Opens `address` for delivery to `handler`. */
  connect(address: Address, handler: Handler<M>): void;
  /** Closes `address`: whatever arrives from now on is lost. */
  disconnect(address: Address): void;
  /** Sends `message`; false when it is known lost at once, true means only "in flight". */
  send(from: Address, to: Address, message: M): boolean;
}

interface Partition {
  readonly sideA: ReadonlySet<Address>;
  readonly sideB: ReadonlySet<Address>;
  readonly twoWay: boolean;
}

/**
 * A simulated network between node addresses. Every delay and every loss is drawn from one
 * seeded {@link Random} and scheduled on a {@link Scheduler}, so a run under a
 * `VirtualScheduler` is exactly reproducible.
 *
 * A message is checked twice: when it is sent and when it arrives. A partition that starts while
 * a message is in flight therefore loses it, and a message to a node that crashed meanwhile is
 * lost too (a crash closes the node's endpoint).
 *
 * @example Partitions and lossy links on a virtual clock
 * ```ts
 * const scheduler = new VirtualScheduler();
 * const net = new Network<string>(scheduler, new SeededRandom(7));
 * net.connect("a", (from, msg) => console.log(`${from} said ${msg}`));
 * net.connect("b", () => {});
 * net.send("b", "a", "hello"); // arrives after a little virtual time
 * const p = net.partition(["a"], ["b"]); // from now on nothing crosses
 * net.setLink("b", "a", { dropRate: 0.5, delayMs: 200 });
 * net.heal(p);
 * scheduler.advanceBySync(10);
 * ```
 */
export class Network<M> implements Transport<M> {
  private readonly endpoints = new Map<Address, Handler<M>>();
  private readonly links = new Map<string, LinkFaults>();
  private readonly partitions = new Map<number, Partition>();
  /** Last scheduled arrival per directed FIFO link (from → to → time): no overtaking. */
  private readonly lastArrival = new Map<Address, Map<Address, number>>();
  private readonly listeners = new Set<(event: NetworkEvent) => void>();
  /** Bumped by {@link shutdown}: messages sent in an earlier generation are never delivered. */
  private generation = 0;
  private nextPartitionId = 1;
  private readonly latencyMs: number;
  private readonly jitterMs: number;
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0 };

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    options: NetworkOptions = {},
  ) {
    this.latencyMs = nonNegative(options.latencyMs ?? 2, "NetworkOptions.latencyMs");
    this.jitterMs = nonNegative(options.jitterMs ?? 2, "NetworkOptions.jitterMs");
  }

  /** Opens `address` for delivery to `handler`, replacing any endpoint already there. */
  connect(address: Address, handler: Handler<M>): void {
    this.endpoints.set(address, handler);
  }

  /** Closes `address`: messages arriving from now on are lost. */
  disconnect(address: Address): void {
    this.endpoints.delete(address);
  }

  /** True while `address` is connected (messages to it can arrive). */
  isConnected(address: Address): boolean {
    return this.endpoints.has(address);
  }

  /**
   * Sends `message` from `from` to `to`. Returns false when it is lost at once (a partition or
   * the link's drop rate); true means it is in flight, not that it will arrive.
   */
  send(from: Address, to: Address, message: M): boolean {
    this.stats.sent++;
    const faults = this.links.size === 0 ? undefined : this.links.get(linkKey(from, to));
    if (this.isBlocked(from, to) || (faults?.dropRate && this.random.next() < faults.dropRate)) {
      this.stats.dropped++;
      return false;
    }
    const delay = this.delayFor(from, to, faults);
    const generation = this.generation;
    this.scheduler.schedule(delay, () => {
      if (generation === this.generation) this.deliver(from, to, message);
    });
    return true;
  }

  /**
   * Cuts the network between two sides. `direction: "a-to-b"` is a one-way partition: side A's
   * messages to side B are lost, side B still reaches side A. Returns an id for {@link heal}.
   */
  partition(
    sideA: readonly Address[],
    sideB: readonly Address[],
    options: { direction?: "both" | "a-to-b" } = {},
  ): number {
    const direction = options.direction ?? "both";
    for (const a of sideA) {
      if (sideB.includes(a))
        throw new Error(`Network.partition: address "${a}" is on both sides of the partition`);
    }
    const id = this.nextPartitionId++;
    this.partitions.set(id, {
      sideA: new Set(sideA),
      sideB: new Set(sideB),
      twoWay: direction === "both",
    });
    this.emit({ type: "partition", id, sideA: [...sideA], sideB: [...sideB], direction });
    return id;
  }

  /** Removes one partition, or every partition when no id is given. Link faults stay. */
  heal(id?: number): void {
    if (id === undefined) this.partitions.clear();
    else this.partitions.delete(id);
    this.emit({ type: "heal", id: id ?? "all" });
  }

  /** Sets (or with `null`, clears) the faults on the directed link `from` → `to`. */
  setLink(from: Address, to: Address, faults: LinkFaults | null): void {
    if (faults === null) this.links.delete(linkKey(from, to));
    else {
      if (faults.dropRate !== undefined && !(faults.dropRate >= 0 && faults.dropRate <= 1))
        throw new RangeError(
          `Network.setLink ${from}->${to}: dropRate must be in [0, 1], got ${faults.dropRate}`,
        );
      nonNegative(faults.delayMs ?? 0, `Network.setLink ${from}->${to}: delayMs`);
      nonNegative(faults.jitterMs ?? 0, `Network.setLink ${from}->${to}: jitterMs`);
      this.links.set(linkKey(from, to), faults);
    }
    this.emit({ type: "link", from, to, faults });
  }

  /** Clears the faults on every link (partitions stay). */
  clearLinks(): void {
    for (const key of [...this.links.keys()]) {
      const [from, to] = key.split("\u0000") as [Address, Address];
      this.setLink(from, to, null);
    }
  }

  /** True when a partition currently loses messages from `from` to `to`. */
  isBlocked(from: Address, to: Address): boolean {
    for (const p of this.partitions.values()) {
      if (p.sideA.has(from) && p.sideB.has(to)) return true;
      if (p.twoWay && p.sideB.has(from) && p.sideA.has(to)) return true;
    }
    return false;
  }

  /** Active partitions, for display. */
  get activePartitions(): number {
    return this.partitions.size;
  }

  /** Listens to partitions, heals and link changes. Returns an unsubscribe function. */
  subscribe(listener: (event: NetworkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops every message in flight (used when a whole simulation is torn down). */
  shutdown(): void {
    this.generation++;
    this.endpoints.clear();
  }

  private delayFor(from: Address, to: Address, faults: LinkFaults | undefined): number {
    const jitter = faults?.jitterMs ?? this.jitterMs;
    const base = this.latencyMs + (faults?.delayMs ?? 0);
    const delay = base + (jitter > 0 ? this.random.next() * jitter : 0);
    if (faults?.reorder) return delay;
    let fromLinks = this.lastArrival.get(from);
    if (fromLinks === undefined) {
      fromLinks = new Map();
      this.lastArrival.set(from, fromLinks);
    }
    const now = this.scheduler.now();
    const arrival = Math.max(now + delay, fromLinks.get(to) ?? 0);
    fromLinks.set(to, arrival);
    return arrival - now;
  }

  private deliver(from: Address, to: Address, message: M): void {
    const handler = this.endpoints.get(to);
    if (handler === undefined || this.isBlocked(from, to)) {
      this.stats.dropped++;
      return;
    }
    this.stats.delivered++;
    handler(from, message);
  }

  private emit(event: NetworkEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function linkKey(from: Address, to: Address): string {
  return `${from}\u0000${to}`;
}

function nonNegative(value: number, name: string): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}
