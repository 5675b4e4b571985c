/**
 * What bench/browser.ts bundles into its page: the runtime, plus the bench's own record builder
 * and its page-side work (page code cannot import from the Node side, so they travel in the
 * bundle).
 */
export * from "../src/runtime/index";
export { addedEvents } from "./events";
export * as bench from "./page-bench";
