/**
 * The "Akka in practice" deck's code, as it runs on the workshop runtime. Each `#region` is one
 * slide's code block (snippets.test.ts checks the deck shows exactly this); practice.test.ts
 * runs each one.
 */
import {
  type ActorRef,
  type Behavior,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  SupervisorStrategy,
} from "@runtime";

export type Reply = { ok: true; left: number } | { ok: false; left: number };

// #region pool-actor
type Msg = { type: "reserve"; seats: number; replyTo: ActorRef<Reply> };
const pool = (capacity: number, used = 0): Behavior<Msg> =>
  Behaviors.receiveMessage((msg) => {
    if (used + msg.seats > capacity) {
      msg.replyTo.tell({ ok: false, left: capacity - used });
      return Behaviors.same;
    }
    msg.replyTo.tell({ ok: true, left: capacity - used - msg.seats });
    return pool(capacity, used + msg.seats); // next behaviour = new state
  });

// #endregion pool-actor

export { type Msg, pool };

/** The same pool with a bug: a request for no seats throws, so supervision has work to do. */
export const poolBehavior = (capacity: number, used = 0): Behavior<Msg> =>
  Behaviors.receiveMessage((msg) => {
    if (msg.seats <= 0) throw new Error(`cannot reserve ${msg.seats} seats`);
    if (used + msg.seats > capacity) {
      msg.replyTo.tell({ ok: false, left: capacity - used });
      return Behaviors.same;
    }
    msg.replyTo.tell({ ok: true, left: capacity - used - msg.seats });
    return poolBehavior(capacity, used + msg.seats);
  });

// #region supervision
const guardian = Behaviors.setup<Msg>((ctx) => {
  const pool = ctx.spawn(
    Behaviors.supervise(poolBehavior(20)).onFailure(
      SupervisorStrategy.restartWithBackoff({
        minBackoff: 1_000,
        maxBackoff: 30_000,
        randomFactor: 0.2,
      }),
    ),
    "pool-morning",
  );
  ctx.watch(pool); // without a handler, its Terminated would stop the guardian too
  return Behaviors.receiveMessage((msg) => {
    pool.tell(msg);
    return Behaviors.same;
  });
});

// #endregion supervision

export { guardian };

export type PoolCommand = {
  type: "reserve";
  orderId: string;
  seats: number;
  replyTo: ActorRef<PoolReply>;
};
export type PoolEvent = { type: "reserved"; orderId: string; seats: number };
export type PoolState = { reserved: number };
export type PoolReply = { ok: false; reason: string } | { ok: true; left: number };

export const eventSourcedPool = (poolId: string, capacity: number) =>
  // #region event-sourced-pool
  EventSourcedBehavior.create<PoolCommand, PoolEvent, PoolState>({
    persistenceId: `pool-${poolId}`,
    emptyState: { reserved: 0 },
    commandHandler: (state, cmd) =>
      state.reserved + cmd.seats > capacity
        ? Effect.reply(cmd.replyTo, { ok: false, reason: "full" })
        : Effect.persist({ type: "reserved", orderId: cmd.orderId, seats: cmd.seats }).thenReply(
            cmd.replyTo,
            (s: PoolState) => ({ ok: true, left: capacity - s.reserved }),
          ),
    eventHandler: (state, evt) => ({ reserved: state.reserved + evt.seats }),
  });
// #endregion event-sourced-pool
