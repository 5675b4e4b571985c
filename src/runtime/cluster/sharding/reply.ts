import { ActorRef, type Recipient, recipientOf } from "../../actor/ref";
import type { UniqueAddress } from "../membership/member";

/**
 * Where an `ask` through sharding waits for its answer: a pending request on node `home`.
 * On its home node it resolves the request directly; anywhere else the region that delivers
 * the message swaps it for a proxy that sends the answer back over the network, the way a
 * deserializer resolves a remote actor reference.
 */
export class ReplyAddress implements Recipient {
  constructor(
    readonly home: UniqueAddress,
    readonly askId: number,
    private readonly resolve: (message: unknown) => void,
  ) {}

  enqueue(message: unknown): void {
    this.resolve(message);
  }
}

/**
 * Replaces the top-level fields of `message` that are ask references from another node with
 * references that answer over `send`. Only top-level fields are looked at: put `replyTo` on
 * the command itself, as Akka's typed protocols do.
 */
export function localizeReplies(
  message: unknown,
  self: UniqueAddress,
  send: (home: UniqueAddress, askId: number, reply: unknown) => void,
): unknown {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return message;
  let copy: Record<string, unknown> | undefined;
  const fields = message as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (!(value instanceof ActorRef)) continue;
    const address = recipientOf(value);
    if (!(address instanceof ReplyAddress)) continue;
    if (address.home.uid === self.uid && address.home.address === self.address) continue;
    copy ??= { ...(message as Record<string, unknown>) };
    copy[key] = new ActorRef(value.path, {
      enqueue: (reply: unknown) => send(address.home, address.askId, reply),
    });
  }
  return copy ?? message;
}
