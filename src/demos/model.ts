/**
 * A live demo's state machine. It runs in the demo's Web Worker on the real runtime, with a
 * virtual clock and seeded randomness, so its view is a pure function of the commands applied:
 * two windows that apply the same log show the same thing. Commands arrive as `unknown` because
 * they may come from another window; a model checks each one and reports a bad one in its view.
 */
export interface DemoModel<V> {
  apply(command: unknown): Promise<V>;
  /** May wait, for a model that first has to bring its simulation to its starting point. */
  view(): V | Promise<V>;
}

/** A command the model could not read, named with what was wrong. */
export class BadCommand extends Error {
  constructor(
    readonly demo: string,
    readonly command: unknown,
    problem: string,
  ) {
    super(`${demo}: ignored command ${safeJson(command)}: ${problem}`);
    this.name = "BadCommand";
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 120) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Reads `command.type` and checks it is one of `types`. */
export function commandType<T extends string>(
  demo: string,
  command: unknown,
  types: readonly T[],
): { type: T } & Record<string, unknown> {
  if (typeof command !== "object" || command === null)
    throw new BadCommand(demo, command, "expected an object with a type");
  const type = (command as { type?: unknown }).type;
  if (typeof type !== "string" || !types.includes(type as T))
    throw new BadCommand(demo, command, `type must be one of ${types.join(", ")}`);
  return command as { type: T } & Record<string, unknown>;
}

/** A whole number within bounds, or a BadCommand naming the field. */
export function integerField(
  demo: string,
  command: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number {
  const value = command[field];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new BadCommand(demo, command, `${field} must be a whole number from ${min} to ${max}`);
  return value;
}
