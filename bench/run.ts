/**
 * `npm run bench [-- --quick]`: runs every benchmark section, each in a process of its own,
 * prints a table with the ratios each issue asks for, and writes bench/results.json in the
 * shape DESIGN.md fixes: `{ quick, node, date, metrics }`.
 */
import { spawnSync } from "node:child_process";
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

// Without `--only`, each section runs in a fresh process, one after another, as JMH forks a JVM
// per benchmark: otherwise the sections before it leave their heap and their type feedback in
// the runtime's shared code paths, and a figure depends on what ran first. Peers compared in a
// section (XState and nact in tell) still run in that section's process.
const bundle = process.env.BENCH_BUNDLE;
if (!only && bundle) {
  const started = performance.now();
  for (const section of sections) {
    const args = ["--expose-gc", bundle, `--only=${section.name}`, ...(quick ? ["--quick"] : [])];
    const { status } = spawnSync(process.execPath, args, { stdio: "inherit" });
    if (status !== 0) throw new Error(`bench section ${section.name} failed (exit ${status})`);
  }
  console.log(`\nall sections in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} else {
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
  console.log(
    `\nwrote bench/results.json in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
