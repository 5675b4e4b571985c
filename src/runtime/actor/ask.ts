import { ActorCell } from "./cell";
import { ActorRef, recipientOf } from "./ref";
import { type ActorSystem, AskTimeoutError } from "./system";

/**
 * Sends a request that carries a reply-to reference and waits for the first reply. Rejects with
 * {@link AskTimeoutError} when none arrives within `timeout` ms of the system's clock (a late
 * reply then goes to dead letters), and at once when the recipient has already stopped.
 *
 * @example Request-response with a timeout
 * ```ts
 * type AccountMsg = { type: "get-balance"; replyTo: ActorRef<number> };
 * declare const account: ActorRef<AccountMsg>;
 * try {
 *   const balance = await ask<AccountMsg, number>(
 *     account,
 *     (replyTo) => ({ type: "get-balance", replyTo }),
 *     { timeout: 3_000 },
 *   );
 *   console.log(balance);
 * } catch (error) {
 *   if (error instanceof AskTimeoutError) console.log("no reply within 3 s");
 * }
 * ```
 */
export function ask<Req, Res>(
  target: ActorRef<Req>,
  makeRequest: (replyTo: ActorRef<Res>) => Req,
  options: { timeout: number; system?: ActorSystem<unknown> },
): Promise<Res> {
  const system = options.system ?? systemOf(target);
  return new Promise<Res>((resolve, reject) => {
    let done = false;
    const path = `${target.path}/$ask`;
    const replyTo = new ActorRef<Res>(path, {
      enqueue(message) {
        if (done) {
          system.deadLetter(message, path);
          return;
        }
        done = true;
        timer.cancel();
        resolve(message as Res);
      },
    });
    const timer = system.scheduler.schedule(options.timeout, () => {
      if (done) return;
      done = true;
      reject(new AskTimeoutError(target.path, options.timeout));
    });
    let request: Req;
    try {
      request = makeRequest(replyTo);
    } catch (error) {
      // Nothing was sent, so nothing can time out: fail with the request's own error.
      done = true;
      timer.cancel();
      reject(error);
      return;
    }
    target.tell(request);
    // A request to an actor that has already stopped went to dead letters: no reply can come,
    // so fail now rather than wait out the timeout (as Akka does).
    const recipient = recipientOf(target);
    if (!done && recipient instanceof ActorCell && !recipient.isAlive) {
      done = true;
      timer.cancel();
      reject(
        new AskTimeoutError(target.path, options.timeout, "the recipient had already stopped"),
      );
    }
  });
}

function systemOf(ref: ActorRef<unknown>): ActorSystem<unknown> {
  const recipient = recipientOf(ref);
  if (recipient instanceof ActorCell) return recipient.system;
  throw new Error(`ask: cannot find the system of ${ref.path}; pass { system } in the options`);
}
