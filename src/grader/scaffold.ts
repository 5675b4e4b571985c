/**
 * The files `npm run new-lab` writes: a small but complete lab on the runtime (a counter with a
 * limit, as an `EventSourcedBehavior` the checks drive through `EventSourcedBehaviorTestKit`)
 * that builds on the site at once. Its solution starts as a copy of the starter, so
 * `npm run check-labs` says what is left to do until the author writes the reference solution.
 */

export const SLUG = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function titleOf(slug: string): string {
  const words = slug.split("-").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const PROTOCOL = `import type { ActorRef } from "@runtime";

/** The highest value the counter may reach. */
export const LIMIT = 10;

/** What the sender hears back: the value after the increment, or why nothing happened. */
export type Reply =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly error: string };

/** A request to change the counter. It may be refused. */
export type Command = {
  readonly type: "increment";
  readonly by: number;
  readonly replyTo: ActorRef<Reply>;
};

/** A fact that has happened. It is never refused: it is already true. */
export type Event = { readonly type: "incremented"; readonly by: number };

export interface Counter {
  readonly value: number;
}

/** Where every replay starts. */
export const emptyCounter: Counter = { value: 0 };

/** The journal key of a counter: one stream of events per counter. */
export function persistenceIdOf(counterId: string): string {
  return \`counter-\${counterId}\`;
}
`;

/** The counter's entity: the behaviour is finished, the handlers are the learner's. */
const ENTITY = `
/**
 * The counter as an event-sourced behaviour: the runtime stashes commands while it writes,
 * applies events only once they are stored, and replays them when the counter starts again.
 */
export function counterEntity(counterId: string): EventSourcedBehavior<Command, Event, Counter> {
  return EventSourcedBehavior.create<Command, Event, Counter>({
    persistenceId: persistenceIdOf(counterId),
    emptyState: emptyCounter,
    commandHandler,
    eventHandler,
  });
}
`;

const STARTER = `import { Effect, type EffectBuilder, EventSourcedBehavior } from "@runtime";
import { type Command, type Counter, type Event, emptyCounter, persistenceIdOf } from "./protocol";

/**
 * Decide: check the command against the state, then persist an event or refuse.
 *
 * This first draft accepts everything. Task 1 asks you to refuse what would break the counter:
 * \`Effect.reply(command.replyTo, { ok: false, error: "…" })\` stores nothing.
 */
export function commandHandler(_counter: Counter, command: Command): EffectBuilder<Event, Counter> {
  return Effect.persist<Event, Counter>({ type: "incremented", by: command.by }).thenReply(
    command.replyTo,
    (counter) => ({ ok: true, value: counter.value }),
  );
}

/** Apply: an event changes the state. Return a new state; never change the old one. */
export function eventHandler(counter: Counter, _event: Event): Counter {
  // Task 1: add the increment.
  return counter;
}
${ENTITY}`;

/** What the reference solution of the scaffold looks like once written (used by the tests). */
export const EXAMPLE_SOLUTION = `import { Effect, type EffectBuilder, EventSourcedBehavior } from "@runtime";
import {
  type Command,
  type Counter,
  type Event,
  emptyCounter,
  LIMIT,
  persistenceIdOf,
} from "./protocol";

function refuse(command: Command, error: string): EffectBuilder<Event, Counter> {
  return Effect.reply(command.replyTo, { ok: false, error });
}

export function commandHandler(counter: Counter, command: Command): EffectBuilder<Event, Counter> {
  if (!Number.isSafeInteger(command.by) || command.by <= 0) {
    return refuse(command, "an increment must be a positive whole number");
  }
  if (counter.value + command.by > LIMIT) {
    return refuse(command, \`the counter would pass its limit of \${LIMIT}\`);
  }
  return Effect.persist<Event, Counter>({ type: "incremented", by: command.by }).thenReply(
    command.replyTo,
    (next) => ({ ok: true, value: next.value }),
  );
}

export function eventHandler(counter: Counter, event: Event): Counter {
  return { value: counter.value + event.by };
}
${ENTITY}`;

const CHECK = `import { counterEntity } from "@lab/counter";
import { type Command, LIMIT, type Reply } from "@lab/protocol";
import { type ActorRef, EventSourcedBehaviorTestKit } from "@runtime";
import { describe, expect, it } from "vitest";

const increment =
  (by: number) =>
  (replyTo: ActorRef<Reply>): Command => ({ type: "increment", by, replyTo });

/** A fresh counter on the runtime's test kit: virtual clock, in-memory journal. */
const openCounter = () => EventSourcedBehaviorTestKit.create(counterEntity("c-1"));

// The describe title must match the task heading in instructions.mdx, number included.
describe("1. Count up to the limit", () => {
  it("an increment is persisted as one event, applied and acknowledged", async () => {
    const kit = await openCounter();
    const step = await kit.runCommand<Reply>(increment(2));
    expect(step.events).toEqual([{ type: "incremented", by: 2 }]);
    expect(step.state.value).toBe(2);
    expect(step.reply).toEqual({ ok: true, value: 2 });
  });

  it.each([0, -1, 1.5, Number.NaN, 11])(
    "an increment of %s is refused and stores nothing",
    async (by) => {
      const kit = await openCounter();
      const step = await kit.runCommand<Reply>(increment(by));
      expect(step.events).toEqual([]);
      expect(step.reply).toMatchObject({ ok: false });
    },
  );

  it("the counter never passes its limit", async () => {
    const kit = await openCounter();
    for (let i = 0; i < 5; i++) await kit.runCommand<Reply>(increment(3));
    const { value } = await kit.getState();
    expect(value).toBeLessThanOrEqual(LIMIT);
    expect(value).toBe(9);
    expect(await kit.persistedEvents()).toHaveLength(3);
  });

  it("a restarted counter recovers its value from the journal", async () => {
    const kit = await openCounter();
    await kit.runCommand<Reply>(increment(4));
    await kit.runCommand<Reply>(increment(5));
    expect(await kit.restart()).toEqual({ value: 9 });
  });
});
`;

function instructions(title: string): string {
  return `Write what the lab is about in a sentence or two: what the learner builds, and why it matters.

You edit \`counter.ts\`: its command handler *decides* and returns an \`Effect\` from \`@runtime\`
(\`Effect.persist(event).thenReply(…)\` stores an event and answers; \`Effect.reply(replyTo, …)\`
answers without storing anything), its event handler *applies*, and \`counterEntity\` plugs both
into the runtime's \`EventSourcedBehavior\`. \`protocol.ts\` is read-only: the commands, events,
replies and state. The checks drive the entity through \`EventSourcedBehaviorTestKit\`: a virtual
clock, an in-memory journal, and a \`restart()\` that recovers the counter from its events.
Press **Run checks** at any time; checks are grouped by task.

## 1. Count up to the limit

A counter starts at 0 and may never pass its limit of 10. Make \`commandHandler\` persist an
\`incremented\` event for a positive whole increment that fits and reply \`{ ok: true, value }\`,
and refuse anything else with \`{ ok: false, error }\`, storing nothing. Then make
\`eventHandler\` add the increment, so that the state, and a restarted counter, add up.

<Hint>
Check the increment first: \`Number.isSafeInteger(by) && by > 0\`. Then compare
\`counter.value + by\` with \`LIMIT\`.
</Hint>
`.replace(
    /^/,
    `{/* ${title}: every "## N. Title" heading is a task; checks/ has one describe("N. Title") per task. */}\n\n`,
  );
}

export function scaffoldFiles(slug: string): Record<string, string> {
  const title = titleOf(slug);
  const meta = {
    title,
    summary: `TODO: one sentence on what the learner builds in ${title}.`,
    difficulty: "beginner",
    minutes: 30,
    talks: [],
    editable: ["counter.ts"],
    readonly: ["protocol.ts"],
    timeoutSeconds: 10,
    order: 100,
    // A new lab stays off the built site until its author removes this.
    draft: true,
  };
  return {
    "lab.json": `${JSON.stringify(meta, null, 2)}\n`,
    "instructions.mdx": instructions(title),
    // starter/ holds every file the learner sees; a read-only file lives there only.
    "starter/counter.ts": STARTER,
    "starter/protocol.ts": PROTOCOL,
    // The reference solution starts as the starter: check-labs fails until it is written. It
    // holds the editable files only, like a learner's submission.
    "solution/counter.ts": STARTER,
    "checks/counter.test.ts": CHECK,
  };
}
