/**
 * What `vitest` means to a check file in the grader's worker: Vitest itself, except that
 * `expect` first takes the value it is given as data (src/labs/runner/as-data.ts), as the
 * browser's `expect` does, so a value from lab code cannot carry its own matcher.
 */
import { expect as vitestExpect } from "vitest";
import { asData } from "../../labs/runner/as-data.ts";

export * from "vitest";

type Expect = typeof vitestExpect;

const wrapped = ((value: unknown, message?: string) =>
  vitestExpect(asData(value), message)) as Expect;
// `expect.any`, `expect.assertions`, `expect.extend` and the rest come from Vitest's own.
Object.setPrototypeOf(wrapped, vitestExpect);

export const expect: Expect = wrapped;
