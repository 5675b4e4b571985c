import { type Address, type LinkFaults, Network, type NetworkOptions } from "../../sim/network";
import type { Random } from "../../sim/random";
import type { Scheduler } from "../../sim/scheduler";
import type { ClusterTrace, TraceRecord } from "../simulation/trace";
import type { FromNode, ToNode } from "./protocol";
import type { WireMessage } from "./wire";

/**
 * The relay's view of one worker: somewhere to post. The worker's own messages come back
 * through {@link Relay.fromNode}, named by the address the relay attached it under, so a
 * worker cannot speak for another node.
 */
export interface RelayEndpoint {
  /** Delivers a message to the worker (usually `worker.postMessage`). */
  post(message: ToNode): void;
}

/**
 * Live mode's network: every message between node workers passes through here, on the main
 * thread. It is the simulated {@link Network} itself, run on a real clock, so partitions
 * (one-way and two-way), healing, per-link drop rates and delays mean exactly what they mean
 * in the simulation. It also keeps the trace: the workers post their records, and the relay
 * stamps them on its own clock, because each worker's clock has its own origin.
 *
 * @example Wiring one worker through the relay
 * ```ts
 * declare const trace: ClusterTrace;
 * declare const worker1: Worker;
 * const relay = new Relay(new RealScheduler(), new SeededRandom(1), trace);
 * relay.attach("node-1", { post: (m) => worker1.postMessage(m) });
 * worker1.onmessage = (e) => relay.fromNode("node-1", e.data);
 * const p = relay.partition(["node-1"], ["node-2", "node-3"]);
 * relay.heal(p);
 * ```
 */
export class Relay {
  readonly network: Network<WireMessage>;

  constructor(
    private readonly scheduler: Scheduler,
    random: Random,
    private readonly trace: ClusterTrace,
    options: NetworkOptions = { latencyMs: 0, jitterMs: 0 },
  ) {
    this.network = new Network(scheduler, random, options);
    this.network.subscribe((event) => this.trace.emit({ at: this.scheduler.now(), ...event }));
  }

  /** Routes messages for `address` to `endpoint` from now on (a worker started there). */
  attach(address: Address, endpoint: RelayEndpoint): void {
    this.network.connect(address, (from, message) =>
      endpoint.post({ kind: "deliver", from, message }),
    );
  }

  /** Stops routing to `address`: messages in flight to it are lost, as for a crashed process. */
  detach(address: Address): void {
    this.network.disconnect(address);
  }

  /**
   * Handles what the worker at `address` posted. Sends and trace records are handled here;
   * anything else is returned for the caller (state answers, termination notices).
   */
  fromNode(address: Address, message: FromNode): FromNode | undefined {
    switch (message.kind) {
      case "send":
        // A detached worker (crashed, being terminated) may still have posts queued: drop them.
        if (this.network.isConnected(address))
          this.network.send(address, message.to, message.message);
        return undefined;
      case "trace":
        this.record({ ...message.record, at: this.scheduler.now() });
        return undefined;
      default:
        return message;
    }
  }

  /** Appends a record made on the main thread (a crash: the worker cannot report its own). */
  record(record: TraceRecord): void {
    this.trace.emit(record);
  }

  /** Cuts the network between two sides (`"a-to-b"`: one way only); returns an id for `heal`. */
  partition(
    sideA: readonly Address[],
    sideB: readonly Address[],
    direction: "both" | "a-to-b" = "both",
  ): number {
    return this.network.partition(sideA, sideB, { direction });
  }

  /** Removes one partition, or all of them when no id is given. */
  heal(id?: number): void {
    this.network.heal(id);
  }

  /** Sets (or with `null`, clears) the faults on the directed link `from` → `to`. */
  setLink(from: Address, to: Address, faults: LinkFaults | null): void {
    this.network.setLink(from, to, faults);
  }

  /** Stops delivering: messages in flight and sent from now on are dropped. */
  shutdown(): void {
    this.network.shutdown();
  }
}
