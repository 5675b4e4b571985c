/**
 * `tsx scripts/deck-timing.ts [slug…]`: how each built deck loads in Chromium, against a running
 * preview (`DECK_URL`, default http://127.0.0.1:4321): its slide count, the JavaScript its first
 * slide loads (gzip KB), the first-slide time (first contentful paint, and when the deck script
 * has laid out the first slide), median of `RUNS` (default 5) cold loads; then, per live demo,
 * the JavaScript that loads only when its slide comes near (UI module and worker, gzip KB).
 * Prints the slowest first slide last as `deck.first_slide_ms <ms>` for the benchmark.
 */
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";

const base = (process.env.DECK_URL ?? "http://127.0.0.1:4321").replace(/\/$/, "");
const runs = Number(process.env.RUNS ?? 5);
const DECKS = [
  "akka-in-practice",
  "persistence-in-event-driven-actors",
  "event-sourced-chat",
  "mastering-event-sourcing",
  "akka-persistence-basics",
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Gzipped KB of every script the page fetches from now on (workers included). */
function watchScripts(page: Page): () => Promise<number> {
  const bodies: Promise<Buffer>[] = [];
  page.on("response", (response) => {
    const type = response.request().resourceType();
    if (type === "script" || /\.js(\?|$)/.test(response.url()))
      bodies.push(response.body().catch(() => Buffer.alloc(0)));
  });
  return async () =>
    (await Promise.all(bodies)).reduce((sum, b) => sum + gzipSync(b).length, 0) / 1024;
}

// Set before any page script: when the deck script switches to present mode, note the time.
const markReady = () => {
  new MutationObserver((_, observer) => {
    if (document.querySelector(".deck[data-mode=present]")) {
      (window as unknown as { deckReadyAt: number }).deckReadyAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-mode"] });
};

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs });
const slugs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DECKS;
let slowest = 0;
try {
  for (const slug of slugs) {
    const paints: number[] = [];
    const ready: number[] = [];
    let firstKb = 0;
    let slides = 0;
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      await page.addInitScript(markReady);
      const scripts = watchScripts(page);
      await page.goto(`${base}/talks/${slug}/`, { waitUntil: "load" });
      await page.waitForFunction(() => "deckReadyAt" in window);
      const timing = await page.evaluate(() => ({
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
        ready: (window as unknown as { deckReadyAt: number }).deckReadyAt,
        slides: document.querySelectorAll(".deck-slide").length,
      }));
      paints.push(timing.fcp);
      ready.push(timing.ready);
      slides = timing.slides;
      await page.waitForLoadState("networkidle");
      firstKb = await scripts();
      await context.close();
    }
    const firstSlide = Math.max(median(paints), median(ready));
    slowest = Math.max(slowest, firstSlide);
    console.log(
      `${slug}: ${slides} slides, first slide ${firstKb.toFixed(2)} KB JS gzip, FCP ${median(paints).toFixed(0)} ms, deck ready ${median(ready).toFixed(0)} ms`,
    );

    // Each demo: go to its slide and count what loads beyond the first slide.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${base}/talks/${slug}/`);
    await page.waitForLoadState("networkidle");
    const demos = await page.locator("[data-demo]").evaluateAll((els) =>
      els.map((el) => ({
        kind: (el as HTMLElement).dataset.demo ?? "",
        id: (el as HTMLElement).dataset.demoId ?? "",
        slide:
          [...document.querySelectorAll(".deck-slide")].indexOf(
            el.closest(".deck-slide") as Element,
          ) + 1,
      })),
    );
    const seen = new Set<string>();
    for (const demo of demos) {
      if (seen.has(demo.kind)) continue;
      seen.add(demo.kind);
      const scripts = watchScripts(page);
      const started = Date.now();
      await page.evaluate((n) => {
        location.hash = `#${n}`;
      }, demo.slide);
      await page.waitForSelector(`[data-demo-id="${demo.id}"][data-demo-state=live]`);
      await page.waitForFunction(
        (id) =>
          /Ready/.test(
            document.querySelector(`[data-demo-id="${id}"] [role=status]`)?.textContent ?? "",
          ),
        demo.id,
      );
      const liveMs = Date.now() - started;
      await page.waitForLoadState("networkidle");
      console.log(
        `  demo ${demo.kind} (slide ${demo.slide}): ${(await scripts()).toFixed(2)} KB JS gzip loaded on demand, live in ${liveMs} ms`,
      );
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`deck.first_slide_ms ${slowest.toFixed(0)}`);
