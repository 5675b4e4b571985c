/**
 * What `vitest` means to a check file in the grader's worker: Vitest itself, except that
 * `expect` first takes the value it is given as data (src/labs/runner/as-data.ts), as the
 * browser's `expect` does, so a value from lab code cannot carry its own matcher.
 */
// By path: the bare `vitest` is aliased to this very module. Node resolves both to this file, so
// the worker's Vitest state is the same.
import { expect as vitestExpect } from "../../../node_modules/vitest/dist/index.js";
import { asData } from "../../labs/runner/as-data.ts";

export * from "../../../node_modules/vitest/dist/index.js";

type Expect = typeof vitestExpect;

const wrapped = ((value: unknown, message?: string) =>
  vitestExpect(asData(value), message)) as Expect;
// `expect.any`, `expect.assertions`, `expect.extend` and the rest come from Vitest's own.
Object.setPrototypeOf(wrapped, vitestExpect);

export const expect: Expect = wrapped;
