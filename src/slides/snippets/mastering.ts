/**
 * The "Mastering event sourcing" deck's code, as it runs on the workshop runtime. Each `#region`
 * is one slide's code block (snippets.test.ts checks the deck shows exactly this);
 * mastering.test.ts runs each one.
 */
import { type ActorRef, Effect, EventSourcedBehavior } from "@runtime";

export type Reply = { ok: false; reason: string } | { ok: true; balance: number };
export type Command = {
  type: "deposit" | "withdraw";
  amount: number;
  replyTo: ActorRef<Reply>;
};
export type Event = { type: "changed"; amount: number };
export type State = { balance: number };

export const applyEvent = (state: State, evt: Event): State => ({
  balance: state.balance + evt.amount,
});

export function fold(events: Event[], emptyState: State): State {
  // #region fold
  const current = events.reduce(applyEvent, emptyState); // the same fold, in TypeScript
  // #endregion fold
  return current;
}

export const account = (id: string) =>
  // #region account
  EventSourcedBehavior.create<Command, Event, State>({
    persistenceId: `account-${id}`,
    emptyState: { balance: 0 },
    commandHandler: (state, cmd) => {
      // f(state, command) = events
      const delta = cmd.type === "withdraw" ? -cmd.amount : cmd.amount;
      if (state.balance + delta < 0)
        return Effect.reply(cmd.replyTo, { ok: false, reason: "too low" });
      return Effect.persist({ type: "changed", amount: delta }).thenReply(
        cmd.replyTo,
        (s: State) => ({ ok: true, balance: s.balance }),
      );
    },
    eventHandler: (state, evt) => ({ balance: state.balance + evt.amount }), // f(state, event)
  });
// #endregion account

export type AccountEvent = { accountId: string; balanceAfter: number };

// #region big-accounts
const bigAccounts = (view: Set<string>, e: AccountEvent): Set<string> => {
  if (e.balanceAfter > 900) view.add(e.accountId);
  else view.delete(e.accountId);
  return view; // one fold step; replay all events to rebuild from scratch
};

// #endregion big-accounts

export { bigAccounts };

export type Changed = { type: "changed"; amount: number; at: number; auditId: string };
export type Audited = { balance: number; updatedAt: number; audit: string };
export type ChangeCommand = { type: "change"; amount: number; replyTo: ActorRef<Audited> };

export const audited = (id: string) =>
  EventSourcedBehavior.create<ChangeCommand, Changed, Audited>({
    persistenceId: `audited-${id}`,
    emptyState: { balance: 0, updatedAt: 0, audit: "" },
    // #region rule-fix
    // command handler: decides once, live
    commandHandler: (_s, { amount, replyTo }, ctx) =>
      Effect.persist({
        type: "changed",
        amount,
        at: ctx.now(),
        auditId: crypto.randomUUID(),
      }).thenReply(replyTo, (s: Audited) => s),
    // event handler: copies what the event recorded
    eventHandler: (s, e) => ({ balance: s.balance + e.amount, updatedAt: e.at, audit: e.auditId }),
    // #endregion rule-fix
  });
