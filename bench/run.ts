/**
 * `npm run bench [-- --quick]`: runs every benchmark section in one process, prints a table with
 * the ratios each issue asks for, and writes bench/results.json in the shape DESIGN.md fixes:
 * `{ quick, node, date, metrics }`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { clusterSection } from "./cluster";
import { deckSection } from "./deck";
import { gradeSection } from "./grade";
import { persistenceSection } from "./persistence";
import { shardingSection } from "./sharding";
import { tellSection } from "./tell";
import type { BenchContext, Metrics, Section } from "./types";

const quick = process.argv.includes("--quick");
const sections: Section[] = [
  tellSection,
  persistenceSection,
  clusterSection,
  shardingSection,
  deckSection,
  gradeSection,
];
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);

const metrics: Metrics = {};
const ctx: BenchContext = { quick, metrics, log: (line) => console.log(line) };
const started = performance.now();
for (const section of sections) {
  if (only && section.name !== only) continue;
  console.log(`\n## ${section.name}${quick ? " (quick)" : ""}`);
  await section.run(ctx);
}

// `--only=<section>` refreshes that section's metrics and keeps the others from the last run.
const previous = only ? readPrevious() : {};
const results = {
  quick,
  node: process.version,
  date: new Date().toISOString(),
  metrics: { ...previous, ...metrics },
};
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("\n| metric | value |\n|---|---|");
for (const [name, value] of Object.entries(metrics)) {
  console.log(`| ${name} | ${Number.isInteger(value) ? value : value.toFixed(3)} |`);
}
console.log(`\nwrote bench/results.json in ${((performance.now() - started) / 1000).toFixed(1)} s`);

function readPrevious(): Metrics {
  const file = new URL("./results.json", import.meta.url);
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, "utf8")) as { metrics?: Metrics }).metrics ?? {};
}
