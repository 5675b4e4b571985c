import type { ActorRef } from "../../actor/ref";
import { Effect } from "../../persistence/effect";
import { EventSourcedBehavior } from "../../persistence/event-sourced-behavior";

/**
 * What a {@link counterEntity} accepts.
 *
 * @example
 * ref.tell({ type: "add", n: 2 });
 */
export type CounterCommand =
  | { readonly type: "add"; readonly n: number; readonly replyTo?: ActorRef<CounterReply> }
  | { readonly type: "get"; readonly replyTo: ActorRef<CounterReply> }
  | { readonly type: "stop" };

/**
 * A counter's answer: its total and the sequence number of its last stored event.
 *
 * @example
 * const { total, sequenceNr } = await ref.ask<CounterReply>((replyTo) => ({ type: "get", replyTo }), 5_000);
 */
export interface CounterReply {
  readonly entityId: string;
  readonly total: number;
  /** `add` replies carry the sequence number the event was just stored at. */
  readonly sequenceNr: number;
}

/**
 * The one event a counter stores.
 *
 * @example
 * const e: CounterEvent = { type: "added", n: 3 };
 */
export type CounterEvent = { readonly type: "added"; readonly n: number };

/**
 * The persistence id of counter `entityId`.
 *
 * @example
 * await journal.highestSequenceNr(counterPersistenceId("c1"));
 */
export const counterPersistenceId = (entityId: string) => `counter-${entityId}`;

/**
 * A small event-sourced entity for simulations, benchmarks, labs and demos: each `add` stores
 * one event and, once it is stored, replies with the new total and the event's sequence
 * number, so a caller can later check that the acknowledged write is in the journal.
 *
 * @example Sharded counters
 * ```ts
 * declare const sharding: ClusterSharding;
 * const counters = sharding.init<CounterCommand>({ typeName: "counter", createBehavior: counterEntity });
 * const reply = counters
 *   .entityRefFor("c-1", "node-1")
 *   .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 5_000);
 * ```
 */
export function counterEntity(entityId: string) {
  return EventSourcedBehavior.create<CounterCommand, CounterEvent, { total: number; seq: number }>({
    persistenceId: counterPersistenceId(entityId),
    emptyState: { total: 0, seq: 0 },
    commandHandler: (state, cmd) => {
      switch (cmd.type) {
        case "add": {
          const effect = Effect.persist<CounterEvent, { total: number; seq: number }>({
            type: "added",
            n: cmd.n,
          });
          return cmd.replyTo === undefined
            ? effect
            : effect.thenReply(cmd.replyTo, (s) => ({
                entityId,
                total: s.total,
                sequenceNr: s.seq,
              }));
        }
        case "get":
          return Effect.reply(cmd.replyTo, { entityId, total: state.total, sequenceNr: state.seq });
        case "stop":
          return Effect.stop();
      }
    },
    eventHandler: (state, evt) => ({ total: state.total + evt.n, seq: state.seq + 1 }),
  });
}
