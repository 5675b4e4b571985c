/**
 * `npm run bench [-- --quick]`: runs every benchmark section in one process, prints a table with
 * the ratios each issue asks for, and writes bench/results.json in the shape DESIGN.md fixes:
 * `{ quick, node, date, metrics }`.
 */
import { clusterSection } from "./cluster";
import { deckSection } from "./deck";
import { gradeSection } from "./grade";
import { persistenceSection } from "./persistence";
import { saveMetrics } from "./results-file";
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

saveMetrics(metrics, quick);
console.log("\n| metric | value |\n|---|---|");
for (const [name, value] of Object.entries(metrics)) {
  console.log(`| ${name} | ${Number.isInteger(value) ? value : value.toFixed(3)} |`);
}
console.log(`\nwrote bench/results.json in ${((performance.now() - started) / 1000).toFixed(1)} s`);
