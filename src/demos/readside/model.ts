import {
  LWWMap,
  LWWMapKey,
  Network,
  Replicator,
  type ReplicatorMessage,
  type ReplicatorTransport,
  SeededRandom,
  VirtualScheduler,
  writeLocal,
} from "@runtime";
import { commandType, type DemoModel } from "../model";

/**
 * Talk 1's read side: a map of seats reserved per pool, held in the runtime's Distributed Data
 * (an LWWMap) on each of three nodes. The pool actor on node-1 is the only writer; it updates its
 * own replica (write-local) and gossip carries the change to the others, a moment later. Cut
 * node-3 off and its copy stays behind until the network heals; then the copies converge.
 */

export const NODES = ["node-1", "node-2", "node-3"] as const;
export type NodeName = (typeof NODES)[number];
export const POOL = "morning-slots";
export const CAPACITY = 20;
/** Akka's default gossip interval. */
export const GOSSIP_MS = 2_000;
const STEP_MS = 1_000;
const MAX_SECONDS = 600;

export type ReadSideCommand =
  | { readonly type: "reserve" }
  | { readonly type: "tick" }
  | { readonly type: "cut" }
  | { readonly type: "heal" }
  | { readonly type: "reset" };

export interface ReadSideView {
  /** Virtual seconds since the demo started. */
  readonly seconds: number;
  /** What the pool actor (the write side) says. */
  readonly written: number;
  /** What each node's read map says, or null before the first replica of the map arrived. */
  readonly replicas: Readonly<Record<NodeName, number | null>>;
  readonly partitioned: boolean;
  readonly converged: boolean;
  readonly said: string;
}

const DEMO = "read-side";
const Seats = LWWMapKey<number>("seats-reserved");

/** A replicator's link over the simulated network: every node holds a replica. */
function transport(
  network: Network<ReplicatorMessage>,
  scheduler: VirtualScheduler,
  self: NodeName,
): ReplicatorTransport {
  return {
    self,
    scheduler,
    members: () => NODES,
    send: (to, message) => {
      network.send(self, to, message);
    },
    onMessage: (handler) => {
      network.connect(self, handler);
      return () => network.disconnect(self);
    },
  };
}

export class ReadSideModel implements DemoModel<ReadSideView> {
  private scheduler!: VirtualScheduler;
  private network!: Network<ReplicatorMessage>;
  private replicators!: Record<NodeName, Replicator>;
  private replicas!: Record<NodeName, number | null>;
  private written = 0;
  private partition: number | null = null;
  private current!: ReadSideView;

  constructor() {
    this.start();
    this.current = this.snapshot("Ready: reserve seats on the write side, then step the clock.");
  }

  view(): ReadSideView {
    return this.current;
  }

  async apply(command: unknown): Promise<ReadSideView> {
    const cmd = commandType(DEMO, command, ["reserve", "tick", "cut", "heal", "reset"]);
    let said: string;
    switch (cmd.type) {
      case "reset":
        this.start();
        said = "Reset: nothing reserved, every copy empty.";
        break;
      case "reserve":
        said = this.reserve();
        await this.scheduler.advanceBy(0); // the local replica takes the write in this instant
        break;
      case "tick":
        if (this.scheduler.now() >= MAX_SECONDS * 1_000) {
          said = `Stopped at ${MAX_SECONDS} s: press Reset.`;
          break;
        }
        await this.scheduler.advanceBy(STEP_MS);
        said = `+1 s.`;
        break;
      case "cut":
        if (this.partition === null)
          this.partition = this.network.partition(["node-3"], ["node-1", "node-2"]);
        said = "node-3 is cut off: gossip cannot reach it.";
        break;
      case "heal":
        if (this.partition !== null) this.network.heal(this.partition);
        this.partition = null;
        said = "The network is whole again.";
        break;
    }
    this.current = this.snapshot(said);
    return this.current;
  }

  private start(): void {
    this.scheduler = new VirtualScheduler();
    this.network = new Network<ReplicatorMessage>(this.scheduler, new SeededRandom(11));
    this.written = 0;
    this.partition = null;
    this.replicas = { "node-1": null, "node-2": null, "node-3": null };
    const random = new SeededRandom(3);
    this.replicators = Object.fromEntries(
      NODES.map((node) => {
        const replicator = new Replicator({
          transport: transport(this.network, this.scheduler, node),
          random: random.fork(node),
          gossipIntervalMs: GOSSIP_MS,
        });
        replicator.subscribe(Seats, (map) => {
          this.replicas[node] = map.get(POOL) ?? null;
        });
        return [node, replicator];
      }),
    ) as Record<NodeName, Replicator>;
  }

  /** The write side: the pool actor accepts 3 seats and updates only its own node's replica. */
  private reserve(): string {
    if (this.written + 3 > CAPACITY) return `The pool is full: ${this.written} of ${CAPACITY}.`;
    this.written += 3;
    const seats = this.written;
    this.replicators["node-1"].update(
      Seats,
      LWWMap.empty<number>(),
      (map, { self, now }) => map.put(self, POOL, seats, now),
      writeLocal,
    );
    return `The pool actor accepted 3 seats: ${seats} reserved. node-1's map has it; the others will hear by gossip.`;
  }

  private snapshot(said: string): ReadSideView {
    const replicas = { ...this.replicas };
    const converged = NODES.every((n) => (replicas[n] ?? 0) === this.written);
    return {
      seconds: Math.round(this.scheduler.now() / 1_000),
      written: this.written,
      replicas,
      partitioned: this.partition !== null,
      converged,
      said,
    };
  }
}
