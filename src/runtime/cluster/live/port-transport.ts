import type { Address, Transport } from "../../sim/network";
import type { ClusterMessage } from "../membership/protocol";
import type { FromNode } from "./protocol";
import { decodeMessage, encodeMessage, type WireMessage } from "./wire";

type Handler = (from: Address, message: ClusterMessage) => void;

/**
 * A node's {@link Transport} inside a worker: sends go to the relay as posts, and deliveries
 * from the relay come in through {@link deliver}. The relay decides what is lost.
 *
 * @example Wiring the transport to the worker's messages
 * ```ts
 * // `scope` is the worker's global scope (`self` in node-worker.ts).
 * declare const scope: {
 *   postMessage(message: FromNode): void;
 *   onmessage: ((event: MessageEvent<ToNode>) => void) | null;
 * };
 * const transport = new PortTransport((m) => scope.postMessage(m));
 * scope.onmessage = (e) => {
 *   if (e.data.kind === "deliver") transport.deliver(e.data.from, e.data.message);
 * };
 * ```
 */
export class PortTransport implements Transport<ClusterMessage> {
  private handler: Handler | undefined;
  private address: Address | undefined;

  constructor(private readonly post: (message: FromNode) => void) {}

  connect(address: Address, handler: Handler): void {
    this.address = address;
    this.handler = handler;
  }

  disconnect(address: Address): void {
    if (address === this.address) this.handler = undefined;
  }

  send(from: Address, to: Address, message: ClusterMessage): boolean {
    if (from !== this.address || this.handler === undefined) return false;
    this.post({ kind: "send", to, message: encodeMessage(message) });
    return true;
  }

  /** A message the relay delivered to this node. */
  deliver(from: Address, message: WireMessage): void {
    this.handler?.(from, decodeMessage(message));
  }
}
