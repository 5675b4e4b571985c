import { existsSync, readdirSync } from "node:fs";
import { chromium } from "@playwright/test";
import { preview } from "astro";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";
import { firstSlideCpuMs, measureFirstSlide } from "../scripts/deck-first-slide";
import { deckJsGzipKb } from "../scripts/deck-weight";
import type { Section } from "./types";

/**
 * What a deck page costs a viewer, heaviest deck: the JavaScript it ships (gzip) and the time
 * until its first slide is on screen and the deck answers keys, in Chromium, served by
 * `astro preview` (scripts/deck-first-slide.ts says how it is measured). Needs a built site
 * (`npm run build`).
 */
export const deckSection: Section = {
  name: "deck",
  async run({ metrics, log, quick }) {
    if (!existsSync("dist/talks")) {
      log("no dist/ yet: run `npm run build` first to measure deck weight");
      return;
    }
    const slugs = readdirSync("content/talks")
      .filter((f) => f.endsWith(".mdx"))
      .map((f) => f.slice(0, -4));
    let heaviest = 0;
    for (const slug of slugs) {
      const kb = deckJsGzipKb(slug);
      heaviest = Math.max(heaviest, kb);
      log(`${slug}: ${kb.toFixed(2)} KB of JavaScript (gzip)`);
    }
    metrics["deck.js_gzip_kb"] = heaviest;
    log(
      `heaviest deck page: ${heaviest.toFixed(2)} KB gzip (budget 50 KB; for scale only, not measured here: DESIGN.md gives Marp's decks as 23–47 KB)`,
    );

    const server = await preview({
      root: process.cwd(),
      logLevel: "error",
      server: { host: "127.0.0.1", port: Number(process.env.BENCH_PREVIEW_PORT ?? 4351) },
    });
    const browser = await chromium.launch({
      executablePath: chromiumExecutable(),
      args: chromiumArgs,
    });
    try {
      let slowest = 0;
      let mostCpu = 0;
      for (const slug of slugs) {
        const t = await measureFirstSlide(
          browser,
          `http://127.0.0.1:${server.port}`,
          slug,
          quick ? 1 : 5,
        );
        const cpu = await firstSlideCpuMs(browser, `http://127.0.0.1:${server.port}`, slug, 3);
        slowest = Math.max(slowest, t.firstSlideMs);
        mostCpu = Math.max(mostCpu, cpu);
        log(
          `${slug}: first slide ${t.firstSlideMs.toFixed(0)} ms (FCP ${t.fcpMs.toFixed(0)} ms, deck script ready ${t.readyMs.toFixed(0)} ms, shown ${t.shownMs.toFixed(0)} ms; main thread ${cpu.toFixed(0)} ms of CPU)`,
        );
      }
      metrics["deck.first_slide_ms"] = slowest;
      metrics["deck.first_slide_cpu_ms"] = mostCpu;
      log(`slowest first slide: ${slowest.toFixed(0)} ms (median of cold loads)`);
      log(
        `most main-thread CPU until a first slide: ${mostCpu.toFixed(0)} ms (median of 3 traced loads; steady when the machine is busy)`,
      );
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
