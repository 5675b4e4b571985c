import type { ActorRef } from "../actor/ref";

// Shared by every effect that has none, so building an effect allocates only what it carries.
const NO_EVENTS: readonly never[] = Object.freeze([]);
const NO_SIDE_EFFECTS: readonly never[] = Object.freeze([]);

/** Something that happens after the events are stored: a reply, a callback, or a stop. */
export type SideEffect<S> =
  | { readonly kind: "reply"; readonly to: ActorRef<never>; readonly make: (state: S) => unknown }
  | { readonly kind: "run"; readonly run: (state: S) => void }
  | { readonly kind: "stop" }
  | { readonly kind: "unstashAll" };

/**
 * What a command handler decides. Build one with {@link Effect}, then chain what should happen
 * after the events are safely stored: `thenReply`, `thenRun`, `thenStop`.
 */
export class EffectBuilder<E, S> {
  /** @internal */
  constructor(
    readonly kind: "persist" | "none" | "unhandled" | "stop" | "stash",
    readonly events: readonly E[],
    readonly sideEffects: readonly SideEffect<S>[],
  ) {}

  /** Replies to `replyTo` with a message built from the state after the events were applied. */
  // S2 lets the state type flow in from the command handler's declared return type, so
  // `Effect.persist(e).thenReply(to, (s) => s.balance)` knows what `s` is; `const R` keeps
  // literal replies such as `{ ok: true }` from widening to `boolean` while S2 is inferred.
  thenReply<const R, S2 extends S = S>(
    replyTo: ActorRef<R>,
    reply: (state: S2) => R,
  ): EffectBuilder<E, S2> {
    return this.andThen<S2>({
      kind: "reply",
      to: replyTo as ActorRef<never>,
      make: reply as (state: S2) => unknown,
    });
  }

  /** Runs `callback` with the new state, after the events are stored and applied. */
  thenRun<S2 extends S = S>(callback: (state: S2) => void): EffectBuilder<E, S2> {
    return this.andThen<S2>({ kind: "run", run: callback });
  }

  /** Stops the actor after the events are stored and the other side effects ran. */
  thenStop<S2 extends S = S>(): EffectBuilder<E, S2> {
    return this.andThen<S2>({ kind: "stop" });
  }

  /**
   * After the events are stored and the other side effects ran, hands every command that
   * `Effect.stash()` put aside back to the command handler, in order, before newer commands.
   */
  thenUnstashAll<S2 extends S = S>(): EffectBuilder<E, S2> {
    return this.andThen<S2>({ kind: "unstashAll" });
  }

  private andThen<S2>(effect: SideEffect<S2>): EffectBuilder<E, S2> {
    // Builders are immutable (a shared one may be chained twice), so each step copies the list;
    // the first step, by far the most common, skips the spread.
    const before = this.sideEffects as unknown as readonly SideEffect<S2>[];
    const sideEffects = before.length === 0 ? [effect] : [...before, effect];
    return new EffectBuilder<E, S2>(this.kind, this.events, sideEffects);
  }
}

/**
 * Effects a command handler returns, after Akka Persistence Typed.
 *
 * @example Every kind of effect in one command handler
 * ```ts
 * type Reply = { ok: true; balance: number } | { ok: false; error: string };
 * type Cmd =
 *   | { type: "withdraw"; amount: number; replyTo: ActorRef<Reply> }
 *   | { type: "close"; replyTo: ActorRef<Reply> }
 *   | { type: "ping" }
 *   | { type: "shutdown" }
 *   | { type: "legacy-transfer" };
 * type Evt = { type: "withdrew"; amount: number } | { type: "closed" };
 * type State = { balance: number };
 * const commandHandler = (state: State, cmd: Cmd): EffectBuilder<Evt, State> => {
 *   switch (cmd.type) {
 *     case "withdraw":
 *       if (cmd.amount > state.balance)
 *         return Effect.reply(cmd.replyTo, { ok: false, error: "insufficient funds" });
 *       return Effect.persist<Evt, State>({ type: "withdrew", amount: cmd.amount })
 *         .thenRun((s) => console.log(`balance now ${s.balance}`))
 *         .thenReply(cmd.replyTo, (s) => ({ ok: true, balance: s.balance }));
 *     case "close":
 *       return Effect.persist<Evt, State>({ type: "closed" })
 *         .thenReply(cmd.replyTo, (s) => ({ ok: true, balance: s.balance }))
 *         .thenStop();
 *     case "ping":
 *       return Effect.none(); // accepted; nothing to store
 *     case "shutdown":
 *       return Effect.stop(); // stop without storing anything
 *     case "legacy-transfer":
 *       return Effect.unhandled(); // not understood: reported as unhandled
 *   }
 * };
 * ```
 */
export const Effect = {
  /** Stores one event, or several atomically (all or none), then applies them to the state. */
  persist<const E, S = unknown>(events: E | readonly E[]): EffectBuilder<E, S> {
    const list = Array.isArray(events) ? (events as readonly E[]) : [events as E];
    return new EffectBuilder<E, S>("persist", list, NO_SIDE_EFFECTS);
  },
  /** Accepts the command without storing anything. */
  none<E = never, S = unknown>(): EffectBuilder<E, S> {
    return new EffectBuilder<E, S>("none", NO_EVENTS, NO_SIDE_EFFECTS);
  },
  /** This behaviour does not understand the command; it is reported as unhandled. */
  unhandled<E = never, S = unknown>(): EffectBuilder<E, S> {
    return new EffectBuilder<E, S>("unhandled", NO_EVENTS, NO_SIDE_EFFECTS);
  },
  /** Stops the actor without storing anything. */
  stop<E = never, S = unknown>(): EffectBuilder<E, S> {
    return new EffectBuilder<E, S>("stop", NO_EVENTS, NO_SIDE_EFFECTS);
  },
  /**
   * Puts the command aside, in the user stash, until an `unstashAll`: for a command the entity
   * cannot handle in its current state (waiting for a confirmation, say). The stash is bounded
   * (`withStashCapacity`); it survives a restart caused by a journal failure, no other.
   */
  stash<E = never, S = unknown>(): EffectBuilder<E, S> {
    return new EffectBuilder<E, S>("stash", NO_EVENTS, NO_SIDE_EFFECTS);
  },
  /** Stores nothing, and hands every stashed command back to the command handler, in order. */
  unstashAll<E = never, S = unknown>(): EffectBuilder<E, S> {
    return new EffectBuilder<E, S>("none", NO_EVENTS, NO_SIDE_EFFECTS).thenUnstashAll();
  },
  /** Stores nothing and replies with `message` (for queries and rejections). */
  reply<const R, E = never, S = unknown>(replyTo: ActorRef<R>, message: R): EffectBuilder<E, S> {
    return new EffectBuilder<E, S>("none", NO_EVENTS, NO_SIDE_EFFECTS).thenReply(
      replyTo,
      () => message,
    );
  },
} as const;
