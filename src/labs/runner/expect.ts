import {
  ASYMMETRIC_MATCHERS_OBJECT,
  AsymmetricMatcher,
  ChaiStyleAssertions,
  chai,
  customMatchers,
  type ExpectStatic,
  GLOBAL_EXPECT,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from "@vitest/expect";
import type { Test } from "@vitest/runner";
import { getCurrentTest } from "@vitest/runner";
import { asData, screenExpected } from "./as-data";

/**
 * `expect` for checks that run outside Vitest, assembled from chai and @vitest/expect the way
 * Vitest's own `createExpect` does, so a check reads and fails the same in the browser and in CI.
 * Snapshots, `expect.poll` and `vi` are left out: checks do not use them.
 */
chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

type AnyExpect = ExpectStatic & Record<string, unknown>;

export function createExpect(test?: Test): ExpectStatic {
  const expect = ((value: unknown, message?: string) => {
    const { assertionCalls } = getState(expect);
    setState({ assertionCalls: assertionCalls + 1 }, expect);
    // Values from lab code are compared as data (./as-data.ts), as in the grader.
    const assertion = chai.expect(asData(value), message) as unknown as {
      withTest(t: Test): unknown;
    };
    const current = test ?? getCurrentTest();
    // And so are the matchers' arguments: only the framework's own matchers may decide.
    return screenExpected(
      (current ? assertion.withTest(current) : assertion) as object,
      (v) => v instanceof AsymmetricMatcher,
    );
  }) as unknown as AnyExpect;
  Object.assign(expect, chai.expect);
  Object.assign(expect, (globalThis as Record<PropertyKey, unknown>)[ASYMMETRIC_MATCHERS_OBJECT]);
  expect.getState = () => getState(expect);
  expect.setState = (state) => setState(state, expect);
  clearState(expect, test?.name ?? "");
  expect.assert = chai.assert as ExpectStatic["assert"];
  expect.extend = (matchers) =>
    (chai.expect as unknown as { extend(e: unknown, m: unknown): void }).extend(expect, matchers);
  expect.soft = ((...args: [unknown, string?]) =>
    (expect(...args) as unknown as { withContext(c: object): unknown }).withContext({
      soft: true,
    })) as ExpectStatic["soft"];
  expect.unreachable = (message?: string) => {
    chai.assert.fail(`expected${message ? ` "${message}" ` : " "}not to be reached`);
  };
  expect.assertions = (expected: number) => {
    const errorGen = () =>
      new Error(
        `expected number of assertions to be ${expected}, but got ${getState(expect).assertionCalls}`,
      );
    setState(
      { expectedAssertionsNumber: expected, expectedAssertionsNumberErrorGen: errorGen },
      expect,
    );
  };
  expect.hasAssertions = () => {
    setState(
      {
        isExpectingAssertions: true,
        isExpectingAssertionsError: new Error("expected any number of assertion, but got none"),
      },
      expect,
    );
  };
  expect.extend(customMatchers);
  return expect;
}

/** The shared `expect` that check files import from `vitest`. */
export const globalExpect: ExpectStatic = createExpect();

// Matchers look up the global expect's state; inside real Vitest (Node tests of this shim) the
// slot is Vitest's own, and must stay so.
const slots = globalThis as Record<PropertyKey, unknown>;
if (slots[GLOBAL_EXPECT] === undefined) {
  Object.defineProperty(globalThis, GLOBAL_EXPECT, {
    value: globalExpect,
    writable: true,
    configurable: true,
  });
}

/** Resets the per-test expect state, as Vitest's runner does before each try. */
export function resetExpectState(test: Test): void {
  clearState(globalExpect, test.name);
}

/** No assertions counted or promised yet: the state an `expect` starts each test with. */
function clearState(expect: ExpectStatic, currentTestName: string): void {
  setState(
    {
      assertionCalls: 0,
      isExpectingAssertions: false,
      isExpectingAssertionsError: null,
      expectedAssertionsNumber: null,
      expectedAssertionsNumberErrorGen: null,
      currentTestName,
    },
    expect,
  );
}

/** Fails a test that promised assertions (`expect.assertions(n)`) and did not make them. */
export function verifyExpectedAssertions(test: Test): void {
  const local = (test.context as unknown as { _local?: boolean })._local;
  const expect = local
    ? (test.context as unknown as { expect: ExpectStatic }).expect
    : globalExpect;
  const state = getState(expect);
  if (
    state.expectedAssertionsNumber !== null &&
    state.assertionCalls !== state.expectedAssertionsNumber
  ) {
    throw state.expectedAssertionsNumberErrorGen?.();
  }
  if (state.isExpectingAssertions === true && state.assertionCalls === 0) {
    throw state.isExpectingAssertionsError;
  }
}
