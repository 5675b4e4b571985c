/**
 * How long a built deck takes to show its first slide in Chromium: the later of first
 * contentful paint and the moment the deck script lays out slide 1 (present mode), median of
 * `runs` cold loads. Shared by `scripts/deck-timing.ts` and the benchmark's deck section.
 */
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "@playwright/test";

export const DECKS = [
  "akka-in-practice",
  "persistence-in-event-driven-actors",
  "event-sourced-chat",
  "mastering-event-sourcing",
  "akka-persistence-basics",
];

export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Gzipped KB of every script the page fetches from now on (workers included). */
export function watchScripts(page: Page): () => Promise<number> {
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

export interface FirstSlide {
  slides: number;
  /** Gzipped KB of JavaScript loaded by the time the network is idle on slide 1. */
  firstKb: number;
  fcpMs: number;
  readyMs: number;
  /** The later of FCP and deck-ready: when a viewer can read slide 1. */
  firstSlideMs: number;
}

/** Median first-slide timing of `runs` cold loads of `${base}/talks/${slug}/`. */
export async function measureFirstSlide(
  browser: Browser,
  base: string,
  slug: string,
  runs: number,
): Promise<FirstSlide> {
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
  const fcpMs = median(paints);
  const readyMs = median(ready);
  return { slides, firstKb, fcpMs, readyMs, firstSlideMs: Math.max(fcpMs, readyMs) };
}
