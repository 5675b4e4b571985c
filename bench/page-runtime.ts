/**
 * What bench/browser.ts bundles into its page: the runtime, plus the bench's own record builder
 * (page code cannot import from the Node side, so the helper travels in the bundle).
 */
export * from "../src/runtime/index";
export { addedEvents } from "./events";
