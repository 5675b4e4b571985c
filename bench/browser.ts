/**
 * `npm run bench:browser [-- --quick]`: the real IndexedDB journal in Chromium, with the
 * journal's default durability and group-commit cap. Three parts, each in its own database:
 * 1. Persist: 1,000 entities write concurrently, each appending its next event as soon as its
 *    previous one is acknowledged, so the journal group-commits what arrives while a
 *    transaction is in flight (`persist.indexeddb_events_per_s`). Those events are then read
 *    back through 1,000 recovering actors, as written one at a time
 *    (`recovery.indexeddb_after_persist_events_per_s`).
 * 2. Seed talk 2's recovery workload once per run: 1,000 entities × 5,000 events (5M), written
 *    in batched appends of 500 events (`recovery.indexeddb_5m_seed_s`); quick mode seeds 1,000
 *    × 500.
 * 3. Recover it, several rounds over the same seeded journal: each round opens a fresh journal
 *    connection (as a reloaded page would) and 1,000 event-sourced actors recover through the
 *    runtime; timed from the connection's opening until every actor has recovered, with a
 *    garbage collection before each round (`recovery.indexeddb_5m_s`, the median round, and
 *    `recovery.indexeddb_5m_best_s`; quick mode reports the rate only).
 * The figures are merged into bench/results.json. `--batch N` writes N events per atomic write in
 * part 1 (default 1, as when each command persists one event); `--durability strict|relaxed` and
 * `--max-batch N` override the journal's defaults, to compare (their figures get a suffix and
 * do not replace the default ones). `--rounds N` sets the recovery rounds (default 3).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "@playwright/test";
import { build } from "esbuild";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";
import { saveMetrics } from "./results-file";

const quick = process.argv.includes("--quick");
const actors = 1_000;
const perActor = quick ? 100 : 1_000;
// Talk 2's recovery workload: 5M events by 1,000 actors (quick: a tenth of the events each).
const seedPerActor = quick ? 500 : 5_000;
const seedBatch = 500;
// Events per atomic write: 1 is an actor persisting one event per command (the common case).
const batchArg = process.argv.indexOf("--batch");
const batch = batchArg > 0 ? Number(process.argv[batchArg + 1]) : 1;
const argValue = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const durability = argValue("--durability") as IDBTransactionDurability | undefined;
const maxBatchArg = argValue("--max-batch");
const maxBatchEvents = maxBatchArg ? Number(maxBatchArg) : undefined;
const suffix = `${durability ? `_${durability}` : ""}${maxBatchEvents ? `_cap${maxBatchEvents}` : ""}`;
const rounds = Number(argValue("--rounds") ?? 3);

const bundle = await build({
  entryPoints: [new URL("./page-runtime.ts", import.meta.url).pathname],
  bundle: true,
  format: "iife",
  globalName: "Runtime",
  write: false,
  minify: true,
  logLevel: "silent",
});
const script = bundle.outputFiles[0]?.text ?? "";
// IndexedDB needs a real origin, so serve a blank page from loopback.
const server = createServer((_req, res) => {
  res.setHeader("content-type", "text/html");
  // tsx names functions with a `__name` helper, which leaks into page.evaluate's source.
  res.end(`<!doctype html><title>bench</title><script>var __name=(f)=>f;${script}</script>`);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;

// --expose-gc: each recovery round starts after a garbage collection, as the Node bench's do.
const browser = await chromium.launch({
  executablePath: chromiumExecutable(),
  args: [...chromiumArgs, "--js-flags=--expose-gc"],
});
/** The page's window: the bundle's exports are `Runtime` (page.evaluate sends only source). */
type PageWindow = { Runtime: typeof import("./page-runtime") };
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const stamp = Date.now();

  // 1. Persist, then recover what was persisted one event at a time.
  const persistDb = `bench-persist-${stamp}`;
  const written = await page.evaluate(
    ({ name, actors, perActor, batch, durability, maxBatchEvents }) =>
      (window as unknown as PageWindow).Runtime.bench.persistConcurrently(
        name,
        actors,
        perActor,
        batch,
        {
          ...(durability ? { durability } : {}),
          ...(maxBatchEvents ? { maxBatchEvents } : {}),
        },
      ),
    { name: persistDb, actors, perActor, batch, durability, maxBatchEvents },
  );
  const events = actors * perActor;
  const persistRate = events / written.seconds;
  console.log(
    `IndexedDB persist in Chromium: ${events.toLocaleString()} events from ${actors} entities writing concurrently (group commit, ${written.commits.toLocaleString()} transactions, ${batch} event(s) per append, durability ${durability ?? "default (strict)"}, cap ${maxBatchEvents ?? "default (256)"} events) in ${written.seconds.toFixed(2)} s = ${Math.round(persistRate).toLocaleString()} events/s`,
  );
  const afterPersist = await page.evaluate(
    ({ name, actors }) =>
      (window as unknown as PageWindow).Runtime.bench.recoverActors(name, actors),
    { name: persistDb, actors },
  );
  if (afterPersist.total !== events)
    throw new Error(`recovered ${afterPersist.total} of ${events} persisted events`);
  await page.evaluate(
    (name) => (window as unknown as PageWindow).Runtime.bench.drop(name),
    persistDb,
  );
  const afterPersistRate = events / afterPersist.seconds;
  console.log(
    `  recovered by ${actors} actors in ${afterPersist.seconds.toFixed(2)} s = ${Math.round(afterPersistRate).toLocaleString()} events/s`,
  );
  const persistKey = `persist.indexeddb${batch === 1 ? "" : `_batch${batch}`}${suffix}`;
  const metrics: Record<string, number> = {
    [`${persistKey}_events_per_s`]: Math.round(persistRate),
    [`${persistKey.replace("persist.indexeddb", "recovery.indexeddb_after_persist")}_events_per_s`]:
      Math.round(afterPersistRate),
  };

  // 2. Seed talk 2's recovery workload once, in batched appends; 3. recover it, several rounds.
  if (!suffix && batch === 1) {
    const seedDb = `bench-recovery-${stamp}`;
    const seedEvents = actors * seedPerActor;
    const seeded = await page.evaluate(
      ({ name, actors, perActor, batch }) =>
        (window as unknown as PageWindow).Runtime.bench.seed(name, actors, perActor, batch),
      { name: seedDb, actors, perActor: seedPerActor, batch: seedBatch },
    );
    console.log(
      `seeded ${seedEvents.toLocaleString()} events (${actors} entities × ${seedPerActor.toLocaleString()}, ${seedBatch} per append, ${seeded.commits.toLocaleString()} transactions) in ${seeded.seconds.toFixed(1)} s`,
    );
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const r = await page.evaluate(
        async ({ name, actors }) => {
          (globalThis as { gc?: () => void }).gc?.();
          return (window as unknown as PageWindow).Runtime.bench.recoverActors(name, actors);
        },
        { name: seedDb, actors },
      );
      if (r.total !== seedEvents) throw new Error(`recovered ${r.total} of ${seedEvents} events`);
      times.push(r.seconds);
      console.log(
        `  recovery round ${round + 1}: ${seedEvents.toLocaleString()} events by ${actors} actors in ${r.seconds.toFixed(2)} s = ${Math.round(seedEvents / r.seconds).toLocaleString()} events/s`,
      );
    }
    await page.evaluate(
      (name) => (window as unknown as PageWindow).Runtime.bench.drop(name),
      seedDb,
    );
    const mid = median(times);
    const best = Math.min(...times);
    metrics["recovery.indexeddb_events_per_s"] = Math.round(seedEvents / mid);
    if (!quick) {
      metrics["recovery.indexeddb_5m_s"] = mid;
      metrics["recovery.indexeddb_5m_best_s"] = best;
      metrics["recovery.indexeddb_5m_seed_s"] = seeded.seconds;
    }
    console.log(
      `IndexedDB recovery in Chromium: ${seedEvents.toLocaleString()} events by ${actors} actors, median of ${rounds} rounds ${mid.toFixed(2)} s (best ${best.toFixed(2)} s) = ${Math.round(seedEvents / mid).toLocaleString()} events/s${quick ? "" : " (target 5M ≤ 8 s, measured)"}`,
    );
  }
  saveMetrics(metrics, quick);
} finally {
  await browser.close();
  server.close();
}
