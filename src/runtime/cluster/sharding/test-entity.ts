import type { ActorRef } from "../../actor/ref";
import { Effect } from "../../persistence/effect";
import { EventSourcedBehavior } from "../../persistence/event-sourced-behavior";

/** @internal A counter entity for tests, benches and examples: each `add` stores one event. */
export type CounterCommand =
  | { readonly type: "add"; readonly n: number; readonly replyTo?: ActorRef<CounterReply> }
  | { readonly type: "get"; readonly replyTo: ActorRef<CounterReply> }
  | { readonly type: "stop" };

/** @internal */
export interface CounterReply {
  readonly entityId: string;
  readonly total: number;
  /** Sequence number of the last event; `add` replies carry the one just stored. */
  readonly sequenceNr: number;
}

/** @internal */
export type CounterEvent = { readonly type: "added"; readonly n: number };

/** @internal The persistence id tests read back from the journal. */
export const counterPersistenceId = (entityId: string) => `counter-${entityId}`;

/** @internal */
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
