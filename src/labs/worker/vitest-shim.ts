/**
 * What the module id `vitest` means to a check file outside Vitest: the test collectors and hooks
 * come straight from @vitest/runner (the same functions real Vitest re-exports) and `expect` is
 * built from chai plus @vitest/expect. Check files may use only these names.
 */
export {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  it,
  suite,
  test,
} from "@vitest/runner";
export { globalExpect as expect } from "../runner/expect";
