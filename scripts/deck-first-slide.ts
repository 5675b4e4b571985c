/**
 * How long a built deck takes to show its first slide in Chromium, visible and usable: the later
 * of first contentful paint and the first frame painted after the deck script has taken over
 * (keys, toolbar and slide 1 laid out in present mode), median of `runs` cold loads. Shared by
 * `scripts/deck-timing.ts` and the benchmark's deck section.
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

// Set before any page script. `data-mode="present"` is written by the deck script alone, once it
// has wired the keys and shown slide 1 (the page's inline boot only ever writes "boot"); the
// slide is on screen at the end of the next frame. A message posted from requestAnimationFrame is
// handled after that frame's style, layout and paint, so its time is when the frame was painted.
const markReady = () => {
  const w = window as unknown as { deckReadyAt: number; deckShownAt: number };
  new MutationObserver((_, observer) => {
    if (!document.querySelector(".deck[data-mode=present]")) return;
    observer.disconnect();
    w.deckReadyAt = performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        w.deckShownAt = performance.now();
      };
      channel.port2.postMessage(null);
    });
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-mode"] });
};

export interface FirstSlide {
  slides: number;
  /** Gzipped KB of JavaScript loaded by the time the network is idle on slide 1. */
  firstKb: number;
  fcpMs: number;
  /** When the deck script had taken over (keys wired, slide 1 laid out in present mode). */
  readyMs: number;
  /** When the frame after that was painted. */
  shownMs: number;
  /** The later of FCP and deck-shown: when a viewer can read slide 1 and turn it. */
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
  const shown: number[] = [];
  const first: number[] = [];
  let firstKb = 0;
  let slides = 0;
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.addInitScript(markReady);
    const scripts = watchScripts(page);
    await page.goto(`${base}/talks/${slug}/`, { waitUntil: "load" });
    // The paint entry is queued once its frame is presented, which can be after deckShownAt.
    await page.waitForFunction(
      () =>
        "deckShownAt" in window &&
        performance.getEntriesByName("first-contentful-paint").length > 0,
    );
    const timing = await page.evaluate(() => ({
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
      ready: (window as unknown as { deckReadyAt: number }).deckReadyAt,
      shown: (window as unknown as { deckShownAt: number }).deckShownAt,
      slides: document.querySelectorAll(".deck-slide").length,
    }));
    paints.push(timing.fcp);
    ready.push(timing.ready);
    shown.push(timing.shown);
    first.push(Math.max(timing.fcp, timing.shown));
    slides = timing.slides;
    await page.waitForLoadState("networkidle");
    firstKb = await scripts();
    await context.close();
  }
  return {
    slides,
    firstKb,
    fcpMs: median(paints),
    readyMs: median(ready),
    shownMs: median(shown),
    // Per load, then the median: the median of each part alone may come from different loads.
    firstSlideMs: median(first),
  };
}

/** The fields of a Chromium trace event this file reads. */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  /** Start, µs. */
  ts: number;
  /** Thread (CPU) time of a complete event, µs. */
  tdur?: number;
  dur?: number;
}

/**
 * CPU time the page's main thread spent from navigation start to `untilMs` after it, in ms:
 * the sum of its top-level tasks' thread time. Unlike wall-clock time it barely moves when
 * other processes share the cores, so it compares builds on a busy machine.
 */
export function mainThreadCpuMs(events: readonly TraceEvent[], untilMs: number): number {
  // The renderer's main thread is the one that parsed the page.
  const parse = events.find((e) => e.name === "ParseHTML");
  if (!parse) throw new Error("the trace has no ParseHTML event: no page was loaded");
  const start = events.find((e) => e.name === "navigationStart" && e.pid === parse.pid);
  if (!start) throw new Error("the trace has no navigationStart for the page's renderer");
  const end = start.ts + untilMs * 1000;
  const cpu = events
    .filter(
      (e) =>
        e.name === "RunTask" &&
        e.ph === "X" &&
        e.pid === parse.pid &&
        e.tid === parse.tid &&
        e.ts >= start.ts &&
        e.ts < end,
    )
    .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0);
  return cpu / 1000;
}

/**
 * Median main-thread CPU time until the first slide is shown and answers keys, over `runs`
 * traced cold loads (traced apart from the timed ones, so tracing never slows those).
 */
export async function firstSlideCpuMs(
  browser: Browser,
  base: string,
  slug: string,
  runs: number,
): Promise<number> {
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.addInitScript(markReady);
    await browser.startTracing(page, {
      categories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "blink.user_timing",
        "loading",
      ],
    });
    await page.goto(`${base}/talks/${slug}/`, { waitUntil: "load" });
    await page.waitForFunction(
      () =>
        "deckShownAt" in window &&
        performance.getEntriesByName("first-contentful-paint").length > 0,
    );
    const until = await page.evaluate(() =>
      Math.max(
        performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0,
        (window as unknown as { deckShownAt: number }).deckShownAt,
      ),
    );
    const trace = JSON.parse((await browser.stopTracing()).toString()) as {
      traceEvents: TraceEvent[];
    };
    cpu.push(mainThreadCpuMs(trace.traceEvents, until));
    await context.close();
  }
  return median(cpu);
}
