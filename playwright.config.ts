import { defineConfig, devices } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "./e2e/chromium";

const port = Number(process.env.E2E_PORT ?? 4329);
const browser = {
  ...devices["Desktop Chrome"],
  launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs },
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /lab-timing\.spec\.ts/,
      use: browser,
    },
    // Timed lab runs go last and alone, so no other test shares the CPU with them.
    {
      name: "timing",
      testMatch: /lab-timing\.spec\.ts/,
      dependencies: ["chromium"],
      use: browser,
    },
  ],
  webServer: {
    command: `npx astro preview --host 127.0.0.1 --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
