import { spy, timeLabRuns } from "../bench/lab-runs";
import { expect, test } from "./fixtures";

// The figures the labs issue asks for, timed the way `npm run bench:labs` times them. This file
// is its own Playwright project, run after every other test and one lab at a time: timed next
// to another browser's test on a 2-core machine, a run measures its neighbour (playwright.config.ts).
test.describe.configure({ mode: "serial", timeout: 90_000 });

for (const slug of ["bank-account", "chat-threads", "sharding-crash", "split-brain"]) {
  test(`${slug}: the first run after a load, a run straight after it, and a warm run all pass`, async ({
    page,
  }) => {
    await page.addInitScript(spy);
    const [first, rerun, warm] = await timeLabRuns(page, "", slug);
    for (const run of [first, rerun, warm]) {
      expect(run?.summary).toMatch(/^All \d+ checks pass\.$/);
      expect(run?.wall).toBeGreaterThan(0);
    }
    console.log(
      `[${slug}] labs.first_run_ms=${first?.wall} labs.rerun_ms=${rerun?.wall} labs.warm_run_ms=${warm?.wall}`,
    );
  });
}
