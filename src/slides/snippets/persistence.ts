/**
 * The "Persistence in an event-driven actor system" deck's code, as it runs on the workshop
 * runtime. Each `#region` is one slide's code block (snippets.test.ts checks the deck shows
 * exactly this); persistence.test.ts runs each one.
 */
import {
  type ActorRef,
  ActorSystem,
  type Behavior,
  Behaviors,
  Effect,
  EventSourcedBehavior,
} from "@runtime";

export function startSession() {
  // #region session
  type Msg = { type: "line"; text: string } | { type: "count"; replyTo: ActorRef<number> };
  const session = (count = 0): Behavior<Msg> =>
    Behaviors.receiveMessage((msg) => {
      if (msg.type === "count") {
        msg.replyTo.tell(count);
        return Behaviors.same;
      }
      return session(count + 1); // the next state is the next behaviour
    });
  const system = ActorSystem.create(session(), "session");
  system.tell({ type: "line", text: "hello" });
  // #endregion session
  return system;
}

export type Command = { type: "hold"; seat: string; replyTo: ActorRef<Reply> };
export type Event = { type: "held"; seat: string; at: number; code: string };
export type State = { holds: Event[] };
export type Reply = { ok: true; holds: number };

export const ticket = (id: string) =>
  // #region ticket
  EventSourcedBehavior.create<Command, Event, State>({
    persistenceId: `ticket-${id}`,
    emptyState: { holds: [] },
    commandHandler: (_state, cmd, ctx) =>
      Effect.persist({
        type: "held",
        seat: cmd.seat,
        at: ctx.now(), // decided once, live, and stored
        code: crypto.randomUUID().slice(0, 6), // new on every run; stored, so never redrawn
      }).thenReply(cmd.replyTo, (s: State) => ({ ok: true, holds: s.holds.length })),
    eventHandler: (state, evt) => ({ holds: [...state.holds, evt] }), // no clock, no dice
  });
// #endregion ticket
