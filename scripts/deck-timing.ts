/**
 * `tsx scripts/deck-timing.ts [slug…]`: how each built deck loads in Chromium, against a running
 * preview (`DECK_URL`, default http://127.0.0.1:4321): its slide count, the JavaScript its first
 * slide loads (gzip KB), the first-slide time (first contentful paint, and when the deck script
 * has laid out the first slide), median of `RUNS` (default 5) cold loads; then, per live demo,
 * the JavaScript that loads only when its slide comes near (UI module and worker, gzip KB).
 * Prints the slowest first slide last as `deck.first_slide_ms <ms>` for the benchmark.
 */
import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";
import { DECKS, measureFirstSlide, watchScripts } from "./deck-first-slide";

const base = (process.env.DECK_URL ?? "http://127.0.0.1:4321").replace(/\/$/, "");
const runs = Number(process.env.RUNS ?? 5);

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs });
const slugs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DECKS;
let slowest = 0;
try {
  for (const slug of slugs) {
    const timing = await measureFirstSlide(browser, base, slug, runs);
    slowest = Math.max(slowest, timing.firstSlideMs);
    console.log(
      `${slug}: ${timing.slides} slides, first slide ${timing.firstKb.toFixed(2)} KB JS gzip, FCP ${timing.fcpMs.toFixed(0)} ms, deck ready ${timing.readyMs.toFixed(0)} ms, shown ${timing.shownMs.toFixed(0)} ms, first slide ${timing.firstSlideMs.toFixed(0)} ms`,
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
