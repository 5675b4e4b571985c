import { existsSync, readdirSync } from "node:fs";
import { deckJsGzipKb } from "../scripts/deck-weight";
import type { Section } from "./types";

/** JavaScript a deck page ships (gzip), heaviest deck; needs a built site (`npm run build`). */
export const deckSection: Section = {
  name: "deck",
  async run({ metrics, log }) {
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
    log(`heaviest deck page: ${heaviest.toFixed(2)} KB gzip (budget 50 KB; Marp ships 23–47 KB)`);
  },
};
