/**
 * The "Akka Persistence basics" deck's bank account, as it runs on the workshop runtime. The
 * `account` region is shown part by part, and beside Akka Typed's Scala; basics.test.ts runs it
 * through the deck's table (snippets.test.ts checks the deck shows exactly this).
 */
import { type ActorRef, Effect, type EffectBuilder, EventSourcedBehavior } from "@runtime";

// #region account
type Command =
  | { type: "deposit"; amount: number; replyTo: ActorRef<Reply> }
  | { type: "withdraw"; amount: number; replyTo: ActorRef<Reply> }
  | { type: "balance"; replyTo: ActorRef<Reply> };
type Event = { type: "deposited"; amount: number } | { type: "withdrew"; amount: number };
type State = { balance: number };
type Reply = { ok: true; balance: number } | { ok: false; error: string };

const LIMIT = 1_000;
const accepted = (s: State): Reply => ({ ok: true, balance: s.balance });

function commandHandler(state: State, cmd: Command): EffectBuilder<Event, State> {
  switch (cmd.type) {
    case "deposit":
      if (state.balance + cmd.amount > LIMIT)
        return Effect.reply(cmd.replyTo, { ok: false, error: `over the ${LIMIT} limit` });
      return Effect.persist<Event, State>({ type: "deposited", amount: cmd.amount }).thenReply(
        cmd.replyTo,
        accepted,
      );
    case "withdraw":
      if (state.balance - cmd.amount < 0)
        return Effect.reply(cmd.replyTo, { ok: false, error: "would fall below 0" });
      return Effect.persist<Event, State>({ type: "withdrew", amount: cmd.amount }).thenReply(
        cmd.replyTo,
        accepted,
      );
    case "balance":
      return Effect.reply(cmd.replyTo, accepted(state)); // a query: nothing to persist
  }
}

function eventHandler(state: State, event: Event): State {
  return event.type === "deposited"
    ? { balance: state.balance + event.amount }
    : { balance: state.balance - event.amount };
}

const account = (id: string) =>
  EventSourcedBehavior.create<Command, Event, State>({
    persistenceId: `account-${id}`,
    emptyState: { balance: 0 },
    commandHandler,
    eventHandler,
  }).withRetention({ snapshotEvery: 100, keep: 2 });

// #endregion account

export { account, type Command, type Event, eventHandler, type Reply, type State };
