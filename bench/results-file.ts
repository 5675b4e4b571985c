import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Metrics } from "./types";

const file = new URL("./results.json", import.meta.url);

/**
 * Merges `metrics` into bench/results.json in the shape DESIGN.md fixes (`{ quick, node, date,
 * metrics }`). Figures other commands wrote (`npm run bench`, `npm run bench:browser`, the lab
 * timings) are kept, so each command refreshes only its own.
 */
export function saveMetrics(metrics: Metrics, quick: boolean): void {
  const previous: Metrics = existsSync(file)
    ? ((JSON.parse(readFileSync(file, "utf8")) as { metrics?: Metrics }).metrics ?? {})
    : {};
  const results = {
    quick,
    node: process.version,
    date: new Date().toISOString(),
    metrics: { ...previous, ...metrics },
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
