import type { Page } from "@playwright/test";

// How a lab's runs are timed, shared by `npm run bench:labs` (bench/labs-browser.ts) and the
// e2e timing test (e2e/lab-timing.spec.ts): the solution in the editor, a page load, then the
// first run, a run straight after it, and a warm run once the page says its runner is at rest
// (every spare worker prepared), as after a pause for an edit.

/** Records, in the page, when each worker starts and what it reports. */
export const spy = () => {
  const log: { t: number; kind: string; name?: string; timings?: unknown }[] = [];
  (window as unknown as { __labLog: typeof log }).__labLog = log;
  const Original = window.Worker;
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      log.push({ t: performance.now(), kind: "worker-created" });
      this.addEventListener("message", (e: MessageEvent) => {
        const d = e.data as { type: string; name?: string; timings?: unknown };
        log.push({ t: performance.now(), kind: d.type, name: d.name, timings: d.timings });
      });
      const post = this.postMessage.bind(this);
      this.postMessage = (m: unknown, ...rest: never[]) => {
        log.push({ t: performance.now(), kind: `post:${(m as { type?: string }).type}` });
        post(m, ...rest);
      };
    }
  };
};

/** Opens a lab page (`origin` + `/labs/<slug>/`) and waits for its editor. */
export async function openLab(page: Page, origin: string, slug: string): Promise<void> {
  await page.goto(`${origin}/labs/${slug}/`);
  await page.locator("#editor[data-ready=true] .monaco-editor").waitFor({ timeout: 30_000 });
}

/** One run: its wall time as the page measured it, its summary, and where the time went. */
export interface LabRun {
  wall: number;
  summary: string | null;
  toFirstCheck: number;
  timings: unknown;
  tests: string[];
}

/** Clicks Run checks and waits for the page's n-th run to finish. */
export async function run(page: Page, n: number): Promise<LabRun> {
  await page.evaluate(() => {
    (window as unknown as { __labLog: unknown[] }).__labLog.length = 0;
  });
  await page.getByRole("button", { name: /Run checks/ }).click();
  const results = page.locator(`#results[data-runs="${n}"]`);
  await results.waitFor({ state: "attached", timeout: 120_000 });
  const wall = Number(await results.getAttribute("data-last-run-ms"));
  const summary = await page.locator("#results .summary").textContent();
  const log = await page.evaluate(
    () =>
      (
        window as unknown as {
          __labLog: { t: number; kind: string; name?: string; timings?: unknown }[];
        }
      ).__labLog,
  );
  const postAt = log.find((e) => e.kind === "post:run")?.t ?? 0;
  const firstStart = log.find((e) => e.kind === "test-start")?.t ?? postAt;
  const done = log.find((e) => e.kind === "done");
  const tests: string[] = [];
  let startedAt = 0;
  for (const e of log) {
    if (e.kind === "test-start") startedAt = e.t;
    if (e.kind === "test-end")
      tests.push(`${(e.t - startedAt).toFixed(0).padStart(6)} ms ${e.name?.slice(0, 80)}`);
  }
  return { wall, summary, toFirstCheck: firstStart - postAt, timings: done?.timings, tests };
}

/**
 * Puts the solution in the editor, reloads, and times the three runs. `measure` wraps each run
 * (the bench counts the browser's CPU time around it); it returns the run and a figure of its own.
 */
export async function timeLabRuns(
  page: Page,
  origin: string,
  slug: string,
  measure: (during: () => Promise<LabRun>) => Promise<[LabRun, number]> = async (during) => [
    await during(),
    0,
  ],
): Promise<(LabRun & { measured: number })[]> {
  await openLab(page, origin, slug);
  await page.locator("#show-solution").click();
  await page.locator("#solution-dialog button[value=confirm]").click();
  await page.waitForTimeout(800); // the page saves the code to IndexedDB
  await openLab(page, origin, slug); // a page load: the code comes back from IndexedDB
  await page.waitForTimeout(1_500); // the learner looks at the page before running
  const runs = [];
  for (const n of [1, 2, 3]) {
    if (n === 3) await page.locator("#run-checks[data-runner=ready]").waitFor({ timeout: 30_000 });
    const [r, measured] = await measure(() => run(page, n));
    runs.push({ ...r, measured });
  }
  return runs;
}
