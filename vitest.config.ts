import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "@runtime": fileURLToPath(new URL("./src/runtime/index.ts", import.meta.url)) },
  },
  test: {
    include: [
      "src/**/*.test.ts",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    // Grader fixtures are submissions and hidden checks for `npm run grade`, not tests of this repo.
    exclude: ["**/node_modules/**", "e2e/**", "dist/**", "src/grader/fixtures/**"],
    environment: "node",
    setupFiles: ["./vitest.setup.ts"],
    // The lab runner (src/labs/runner/core.ts) drives its own @vitest/runner inside these tests.
    // That package batches task updates in module-level state, so sharing Vitest's own instance
    // let a throttled flush send the lab's tasks to Vitest's reporter (an unknown task: a crash).
    // Inlined, the test files get an instance of their own.
    server: { deps: { inline: ["@vitest/runner"] } },
    // Property tests run thousands of seeds; keep one slow case from being mistaken for a hang.
    testTimeout: 60_000,
  },
});
