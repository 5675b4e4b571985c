/**
 * `npx tsx bench/labs-browser.ts [slug…]` (after `npm run build`; E2E_PORT picks the preview
 * port, default 4342): first-run and warm-run wall times of each lab page with the solution in
 * the editor, and where a run's time goes — worker start to first check, each check.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chromium, type Page } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";

const port = Number(process.env.E2E_PORT ?? 4342);
const base = `http://127.0.0.1:${port}`;
const slugs = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const labs =
  slugs.length > 0 ? slugs : ["bank-account", "chat-threads", "sharding-crash", "split-brain"];
const warmRuns = 2;

async function serverUp(): Promise<boolean> {
  try {
    return (await fetch(`${base}/`)).ok;
  } catch {
    return false;
  }
}

let server: ChildProcess | undefined;
if (!(await serverUp())) {
  server = spawn("npx", ["astro", "preview", "--host", "127.0.0.1", "--port", String(port)], {
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 120 && !(await serverUp()); i++) await new Promise((r) => setTimeout(r, 500));
}

/** Records, in the page, when each worker starts and what it reports. */
const spy = () => {
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

async function openLab(page: Page, slug: string) {
  await page.goto(`${base}/labs/${slug}/`);
  await page.locator("#editor[data-ready=true] .monaco-editor").waitFor({ timeout: 30_000 });
}

async function paste(page: Page, file: string, text: string) {
  await page.getByRole("tab", { name: new RegExp(`^${file.replace(".", "\\.")}`) }).click();
  await page.locator("#editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    (document.activeElement ?? document.body).dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

async function run(page: Page, n: number) {
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

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs });
try {
  for (const slug of labs) {
    const meta = JSON.parse(readFileSync(`labs/${slug}/lab.json`, "utf8")) as {
      editable: string[];
    };
    const context = await browser.newContext();
    await context.addInitScript(spy);
    const page = await context.newPage();
    await openLab(page, slug);
    for (const file of meta.editable)
      await paste(page, file, readFileSync(`labs/${slug}/solution/${file}`, "utf8"));
    await page.waitForTimeout(600); // the editor saves to IndexedDB after a pause
    await openLab(page, slug); // a page load: the code comes back from IndexedDB
    await page.waitForTimeout(1_000);
    const runs = [];
    for (let n = 1; n <= 1 + warmRuns; n++) {
      runs.push(await run(page, n));
      await page.waitForTimeout(400);
    }
    const [first, ...warm] = runs;
    console.log(
      `[${slug}] first_run_ms=${first?.wall} warm_run_ms=${warm.map((r) => r.wall).join(",")} (${first?.summary})`,
    );
    for (const [i, r] of runs.entries()) {
      console.log(
        `  run ${i + 1}: wall ${r.wall} ms, post→first check ${r.toFirstCheck.toFixed(0)} ms, worker timings ${JSON.stringify(r.timings)}`,
      );
      if (process.argv.includes("--tests")) console.log(r.tests.map((t) => `    ${t}`).join("\n"));
    }
    await context.close();
  }
} finally {
  await browser.close();
  if (server?.pid) process.kill(-server.pid);
}
