/**
 * `npm run bench:browser [-- --quick]`: the real IndexedDB journal in Chromium, with the
 * journal's default durability and group-commit cap. First 1,000 entities write concurrently
 * through group commit (`persist.indexeddb_events_per_s`), then talk 2's recovery workload:
 * 1,000 event-sourced actors recover their events through the runtime
 * (`recovery.indexeddb_events_per_s`). The figures are merged into bench/results.json.
 * `--batch N` writes N events per atomic write (default 1, as when each command persists one
 * event); `--durability strict|relaxed|default` and `--max-batch N` override the journal's
 * defaults, to compare (their figures get a suffix and do not replace the default ones).
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

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const result = await page.evaluate(
    async ({ actors, perActor, batch, durability, maxBatchEvents }) => {
      type R = typeof import("./page-runtime");
      const R = (window as unknown as { Runtime: R }).Runtime;
      const name = `bench-${Date.now()}`;
      const journal = new R.IndexedDBJournal(indexedDB, name, {
        ...(durability ? { durability } : {}),
        ...(maxBatchEvents ? { maxBatchEvents } : {}),
      });
      const writeStart = performance.now();
      // As 1,000 live actors would write: every actor appends its next `batch` events, the
      // journal group-commits them, and the next round starts when the round is acknowledged.
      for (let from = 1; from <= perActor; from += batch) {
        const round: Promise<void>[] = [];
        for (let a = 0; a < actors; a++) {
          const to = Math.min(from + batch - 1, perActor);
          round.push(journal.append(R.addedEvents(`c-${a}`, from, to)));
        }
        await Promise.all(round);
      }
      const writeSeconds = (performance.now() - writeStart) / 1000;
      const commits = journal.commits;
      // The journal alone, without actors: what reading the events costs.
      const readStart = performance.now();
      const reader = new R.IndexedDBJournal(indexedDB, name);
      const pages = await Promise.all(
        Array.from({ length: actors }, (_, a) => reader.read(`c-${a}`, 1, perActor)),
      );
      const readSeconds = (performance.now() - readStart) / 1000;
      if (pages.reduce((n, p) => n + p.length, 0) !== actors * perActor)
        throw new Error("short read");
      await reader.close();
      const system = R.ActorSystem.create(R.Behaviors.ignore as never, "recover");
      R.Persistence.register(system as never, {
        journal,
        snapshotStore: new R.IndexedDBSnapshotStore(indexedDB, name),
      });
      let recovered = 0;
      let total = 0;
      const start = performance.now();
      await new Promise<void>((resolve) => {
        for (let a = 0; a < actors; a++) {
          const behavior = R.EventSourcedBehavior.create<never, { n: number }, number>({
            persistenceId: `c-${a}`,
            emptyState: 0,
            commandHandler: () => R.Effect.none(),
            eventHandler: (sum, e) => sum + e.n,
          }).receiveSignal((_s, signal) => {
            if (signal.type === "RecoveryCompleted") {
              total += signal.state;
              if (++recovered === actors) resolve();
            }
          });
          system.systemActorOf(behavior, `c${a}`);
        }
      });
      const seconds = (performance.now() - start) / 1000;
      await system.terminate();
      await journal.close();
      indexedDB.deleteDatabase(name);
      return { seconds, total, readSeconds, writeSeconds, commits };
    },
    { actors, perActor, batch, durability, maxBatchEvents },
  );
  const events = actors * perActor;
  if (result.total !== events) throw new Error(`recovered ${result.total} of ${events} events`);
  const rate = events / result.seconds;
  const key = `${batch === 1 ? "recovery.indexeddb" : `recovery.indexeddb_batch${batch}`}${suffix}`;
  const persistRate = events / result.writeSeconds;
  const persistKey = `persist.indexeddb${batch === 1 ? "" : `_batch${batch}`}${suffix}`;
  saveMetrics(
    {
      [`${persistKey}_events_per_s`]: Math.round(persistRate),
      [`${key}_events_per_s`]: Math.round(rate),
      [`${key}_5m_projected_s`]: 5_000_000 / rate,
    },
    quick,
  );
  console.log(
    `IndexedDB persist in Chromium: ${events.toLocaleString()} events from ${actors} entities writing concurrently (group commit, ${result.commits.toLocaleString()} transactions, durability ${durability ?? "default (strict)"}, cap ${maxBatchEvents ?? "default (256)"} events) in ${result.writeSeconds.toFixed(2)} s = ${Math.round(persistRate).toLocaleString()} events/s`,
  );
  console.log(`journal reads alone: ${result.readSeconds.toFixed(2)} s`);
  console.log(
    `IndexedDB recovery in Chromium: ${events.toLocaleString()} events by ${actors} actors, ${batch} per write, in ${result.seconds.toFixed(2)} s = ${Math.round(rate).toLocaleString()} events/s; 5M events would take ~${(5_000_000 / rate).toFixed(1)} s (target ≤ 30 s)`,
  );
} finally {
  await browser.close();
  server.close();
}
