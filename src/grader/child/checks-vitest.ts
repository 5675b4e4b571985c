/**
 * What `vitest` means to a check file in the grader's worker: Vitest itself, except that
 * `expect` first takes the value it is given as data (src/labs/runner/as-data.ts), and so do its
 * matchers' arguments, as the browser's `expect` does, so a value from lab code cannot carry its
 * own matcher on either side.
 */
// By path: the bare `vitest` is aliased to this very module. Node resolves both to this file, so
// the worker's Vitest state is the same.

import { AsymmetricMatcher } from "@vitest/expect";
import { expect as vitestExpect } from "../../../node_modules/vitest/dist/index.js";
import { asData, screenExpected } from "../../labs/runner/as-data.ts";

export * from "../../../node_modules/vitest/dist/index.js";

type Expect = typeof vitestExpect;

/** Only the framework's own matchers may stand on the expected side. */
const genuine = (value: object) => value instanceof AsymmetricMatcher;

const wrapped = ((value: unknown, message?: string) =>
  screenExpected(vitestExpect(asData(value), message), genuine)) as Expect;
// `expect.any`, `expect.assertions`, `expect.extend` and the rest come from Vitest's own.
Object.setPrototypeOf(wrapped, vitestExpect);

export const expect: Expect = wrapped;
