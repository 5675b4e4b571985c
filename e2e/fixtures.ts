import { test as base, expect } from "@playwright/test";

/**
 * Every page test fails on a console error, an uncaught exception, or a 4xx/5xx response for any
 * resource, so a broken asset or script cannot hide behind a page that still renders.
 */
export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
      page.on("response", (res) => {
        if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
      });
      await use(problems);
      expect(problems, "console errors or failed responses").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
