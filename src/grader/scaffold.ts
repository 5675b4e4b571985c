/**
 * The files `npm run new-lab` writes: a small but complete lab (an event-sourced counter with a
 * limit) that builds on the site at once. Its solution starts as a copy of the starter, so
 * `npm run check-labs` says what is left to do until the author writes the reference solution.
 */

export const SLUG = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function titleOf(slug: string): string {
  const words = slug.split("-").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const EFFECTS = `/**
 * What a command handler decides: persist some events, or reject the command with a reason.
 * The entity (or your checks) writes the events, then applies them with the event handler.
 */
export type Decision<E> = { readonly events: readonly E[] } | { readonly error: string };

/**
 * Accept the command by persisting these events, atomically and in this order.
 *
 * @example
 * return persist({ type: "incremented", by: 1 });
 */
export function persist<E>(...events: E[]): Decision<E> {
  return { events };
}

/**
 * Refuse the command. Nothing is written; the reason goes back to the sender.
 *
 * @example
 * return reject("the counter would pass its limit");
 */
export function reject(reason: string): Decision<never> {
  return { error: reason };
}
`;

const STARTER = `import { type Decision, persist } from "./effects";

/** The highest value the counter may reach. */
export const LIMIT = 10;

export type Command = { readonly type: "increment"; readonly by: number };
export type Event = { readonly type: "incremented"; readonly by: number };
export interface Counter {
  readonly value: number;
}

export const emptyCounter: Counter = { value: 0 };

/**
 * Decide: validate the command against the state, then persist an event or reject.
 * Task 1 asks you to refuse increments that are not positive whole numbers or pass LIMIT.
 */
export function commandHandler(_counter: Counter, command: Command): Decision<Event> {
  return persist({ type: "incremented", by: command.by });
}

/** Apply: an event changes the state. Return a new state; never change the old one. */
export function eventHandler(counter: Counter, _event: Event): Counter {
  // Task 1: add the increment.
  return counter;
}
`;

/** What the reference solution of the scaffold looks like once written (used by the tests). */
export const EXAMPLE_SOLUTION = `import { type Decision, persist, reject } from "./effects";

/** The highest value the counter may reach. */
export const LIMIT = 10;

export type Command = { readonly type: "increment"; readonly by: number };
export type Event = { readonly type: "incremented"; readonly by: number };
export interface Counter {
  readonly value: number;
}

export const emptyCounter: Counter = { value: 0 };

export function commandHandler(counter: Counter, command: Command): Decision<Event> {
  if (!Number.isSafeInteger(command.by) || command.by <= 0) {
    return reject("an increment must be a positive whole number");
  }
  if (counter.value + command.by > LIMIT) return reject(\`the counter would pass its limit of \${LIMIT}\`);
  return persist({ type: "incremented", by: command.by });
}

export function eventHandler(counter: Counter, event: Event): Counter {
  return { value: counter.value + event.by };
}
`;

const CHECK = `import { type Command, commandHandler, emptyCounter, eventHandler, LIMIT } from "@lab/counter";
import { describe, expect, it } from "vitest";

/** Decide, then apply what was accepted. */
function after(commands: Command[]) {
  return commands.reduce((counter, command) => {
    const decision = commandHandler(counter, command);
    return "error" in decision ? counter : decision.events.reduce(eventHandler, counter);
  }, emptyCounter);
}

// The describe title must match the task heading in instructions.mdx, number included.
describe("1. Count up to the limit", () => {
  it("an increment is persisted as one event and applied", () => {
    expect(commandHandler(emptyCounter, { type: "increment", by: 2 })).toEqual({
      events: [{ type: "incremented", by: 2 }],
    });
    expect(after([{ type: "increment", by: 2 }]).value).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])("an increment of %s is rejected", (by) => {
    expect(commandHandler(emptyCounter, { type: "increment", by })).toHaveProperty("error");
  });

  it("the counter never passes its limit", () => {
    const counter = after(Array.from({ length: 20 }, () => ({ type: "increment", by: 3 }) as const));
    expect(counter.value).toBeLessThanOrEqual(LIMIT);
    expect(counter.value).toBe(9);
  });
});
`;

function instructions(title: string): string {
  return `Write what the lab is about in a sentence or two: what the learner builds, and why it matters.

You edit \`counter.ts\`. \`effects.ts\` is read-only: it has the \`persist\` and \`reject\` helpers.
Press **Run checks** at any time; checks are grouped by task.

## 1. Count up to the limit

A counter starts at 0 and may never pass its limit of 10. Make \`commandHandler\` persist an
\`incremented\` event for a positive whole increment that fits, and \`reject\` anything else with a
reason. Then make \`eventHandler\` add the increment.

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
    readonly: ["effects.ts"],
    timeoutSeconds: 10,
    order: 100,
  };
  return {
    "lab.json": `${JSON.stringify(meta, null, 2)}\n`,
    "instructions.mdx": instructions(title),
    "starter/counter.ts": STARTER,
    "starter/effects.ts": EFFECTS,
    // The reference solution starts as the starter: check-labs fails until it is written.
    "solution/counter.ts": STARTER,
    "solution/effects.ts": EFFECTS,
    "checks/counter.test.ts": CHECK,
  };
}
