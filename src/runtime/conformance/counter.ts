/** The event-sourced counter the persistence cases share, after the one in Akka's specs. */
import {
  type ActorRef,
  Behaviors,
  Effect,
  type EffectBuilder,
  EventSourcedBehavior,
  type EventSourcedSignal,
} from "../index";
import { TestException } from "./harness";

export type Cmd =
  | { type: "inc"; id?: string; replyTo?: ActorRef<string> }
  | { type: "incTwice"; replyTo?: ActorRef<string> }
  | { type: "get"; replyTo: ActorRef<State> }
  | { type: "bad"; replyTo?: ActorRef<string> }
  | { type: "throw"; replyTo?: ActorRef<string> }
  | { type: "incThenThrow" }
  | { type: "sideEffectThrows" }
  | { type: "stop" }
  | { type: "persistThenStop"; replyTo?: ActorRef<string> }
  | { type: "deactivate"; replyTo?: ActorRef<string> }
  | { type: "activate"; replyTo?: ActorRef<string> }
  | { type: "none"; replyTo?: ActorRef<string> }
  | { type: "unknown" };

export type Evt =
  | { type: "incremented"; delta: number }
  | { type: "bad" }
  | { type: "activated"; active: boolean };
export type State = { value: number; history: number[]; active: boolean };

export const empty: State = { value: 0, history: [], active: true };

export function counter(
  persistenceId: string,
  options: { signals?: EventSourcedSignal<State>[]; log?: ActorRef<unknown> } = {},
): EventSourcedBehavior<Cmd, Evt, State> {
  const ack = (to: ActorRef<string> | undefined, id: string) =>
    to
      ? (e: EffectBuilder<Evt, State>) => e.thenReply(to, () => id)
      : (e: EffectBuilder<Evt, State>) => e;
  return EventSourcedBehavior.create<Cmd, Evt, State>({
    persistenceId,
    emptyState: empty,
    commandHandler: (state, cmd) => {
      // Inactive: everything but activate and get waits in the user stash.
      if (!state.active && cmd.type !== "activate" && cmd.type !== "get" && cmd.type !== "throw")
        return Effect.stash();
      switch (cmd.type) {
        case "inc":
          return ack(
            cmd.replyTo,
            cmd.id ?? "inc",
          )(Effect.persist<Evt, State>({ type: "incremented", delta: 1 }));
        case "incTwice":
          return ack(
            cmd.replyTo,
            "incTwice",
          )(
            Effect.persist<Evt, State>([
              { type: "incremented", delta: 1 },
              { type: "incremented", delta: 1 },
            ]),
          );
        case "get":
          return Effect.reply(cmd.replyTo, state);
        case "bad":
          return ack(cmd.replyTo, "bad")(Effect.persist<Evt, State>({ type: "bad" }));
        case "throw":
          throw new TestException("command handler");
        case "incThenThrow":
          return Effect.persist<Evt, State>({ type: "incremented", delta: 1 }).thenRun(() => {
            throw new TestException("after persist");
          });
        case "sideEffectThrows":
          return Effect.none<Evt, State>().thenRun(() => {
            throw new TestException("side effect");
          });
        case "stop":
          return Effect.stop();
        case "persistThenStop":
          return ack(
            cmd.replyTo,
            "stopping",
          )(Effect.persist<Evt, State>({ type: "incremented", delta: 1 })).thenStop();
        case "deactivate":
          return ack(
            cmd.replyTo,
            "deactivate",
          )(Effect.persist<Evt, State>({ type: "activated", active: false }));
        case "activate":
          return ack(
            cmd.replyTo,
            "activate",
          )(Effect.persist<Evt, State>({ type: "activated", active: true })).thenUnstashAll();
        case "none":
          return ack(cmd.replyTo, "none")(Effect.none<Evt, State>());
        default:
          return Effect.unhandled();
      }
    },
    eventHandler: (state, evt) => {
      switch (evt.type) {
        case "incremented":
          return {
            ...state,
            value: state.value + evt.delta,
            history: [...state.history, state.value],
          };
        case "activated":
          return { ...state, active: evt.active };
        default:
          throw new TestException("event handler rejects the bad event");
      }
    },
  }).receiveSignal((state, signal) => {
    options.signals?.push(signal);
    options.log?.tell(signal.type);
    void state;
  });
}

export { Behaviors };
