import type { Random } from "../../sim/random";
import type { Scheduler } from "../../sim/scheduler";
import type { ReplicatorMessage, ReplicatorTransport } from "./protocol";
import type { ReplicaId } from "./version-vector";

/** How the loopback treats each message: lost with `dropRate`, else delayed within the range. */
export interface LoopbackFaults {
  readonly dropRate: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * A stand-in network for replicators, until they ride on the cluster's simulated network: every
 * message is copied through JSON (as a worker boundary would), then dropped or delivered after a
 * random delay, so messages are lost and reordered. All randomness comes from the given stream,
 * so one seed gives one run.
 *
 * @example
 * const scheduler = new VirtualScheduler();
 * const network = new LoopbackNetwork(scheduler, new SeededRandom(1), { dropRate: 0.2, minDelayMs: 1, maxDelayMs: 50 });
 * const replicator = new Replicator({ transport: network.join("a"), random: new SeededRandom(2) });
 */
export class LoopbackNetwork {
  private readonly handlers = new Map<
    ReplicaId,
    (from: ReplicaId, message: ReplicatorMessage) => void
  >();
  private readonly memberIds: ReplicaId[] = [];
  private readonly cut = new Set<string>();
  /** Messages handed to the network, lost, and delivered so far. */
  readonly stats = { sent: 0, dropped: 0, delivered: 0 };

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    /** Current fault settings; replace them to heal or worsen the network mid-run. */
    public faults: LoopbackFaults = { dropRate: 0, minDelayMs: 1, maxDelayMs: 1 },
  ) {}

  /** Adds a member and returns its transport. */
  join(id: ReplicaId): ReplicatorTransport {
    if (this.memberIds.includes(id)) throw new Error(`LoopbackNetwork.join: ${id} already joined`);
    this.memberIds.push(id);
    return {
      self: id,
      scheduler: this.scheduler,
      members: () => this.memberIds,
      send: (to, message) => this.send(id, to, message),
      onMessage: (handler) => {
        this.handlers.set(id, handler);
        return () => {
          if (this.handlers.get(id) === handler) this.handlers.delete(id);
        };
      },
    };
  }

  /** Drops every message from `a` to `b` (one way) until {@link LoopbackNetwork.heal}. */
  block(from: ReplicaId, to: ReplicaId): void {
    this.cut.add(`${from}\u0000${to}`);
  }

  /** Cuts `node` off from everyone, both ways. */
  isolate(node: ReplicaId): void {
    for (const other of this.memberIds) {
      if (other === node) continue;
      this.block(node, other);
      this.block(other, node);
    }
  }

  /** Removes every cut link (the drop rate stays as set in {@link LoopbackNetwork.faults}). */
  heal(): void {
    this.cut.clear();
  }

  private send(from: ReplicaId, to: ReplicaId, message: ReplicatorMessage): void {
    this.stats.sent++;
    const { dropRate, minDelayMs, maxDelayMs } = this.faults;
    // Draw both numbers for every message so a change of fault settings shifts no other draw.
    const lost = this.random.next() < dropRate;
    const delay = minDelayMs + this.random.next() * (maxDelayMs - minDelayMs);
    if (lost || this.cut.has(`${from}\u0000${to}`)) {
      this.stats.dropped++;
      return;
    }
    const copy = JSON.parse(JSON.stringify(message)) as ReplicatorMessage;
    this.scheduler.schedule(delay, () => {
      const handler = this.handlers.get(to);
      if (!handler) return;
      this.stats.delivered++;
      handler(from, copy);
    });
  }
}
