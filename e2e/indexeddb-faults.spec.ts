import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, expect, type Page, test } from "@playwright/test";
import { build } from "esbuild";
import { chromiumArgs, chromiumExecutable } from "./chromium";

// The IndexedDB journal under real faults in real Chromium: many entities write through group
// commits, then the renderer crashes, the tab closes, or the whole browser is SIGKILLed; the
// database is reopened and checked against every acknowledgement the page reported before the
// fault. Counts that must be 0: lost acknowledgements, gaps, partial atomic writes, mismatches
// with the fold, and losses nobody reported. A total loss the browser reports (dataLoss) is
// counted apart: it is not silent.
//
// FAULT_SEEDS (default 2) seeds per fault kind; FAULT_DURABILITY and FAULT_MAX_BATCH override
// the journal's defaults (used to measure them). A longer run:
//   FAULT_SEEDS=12 E2E_PORT=4338 npx playwright test e2e/indexeddb-faults.spec.ts

const SEEDS = Number(process.env.FAULT_SEEDS ?? 2);
const DURABILITY = process.env.FAULT_DURABILITY as IDBTransactionDurability | undefined;
const MAX_BATCH = process.env.FAULT_MAX_BATCH ? Number(process.env.FAULT_MAX_BATCH) : undefined;
const ENTITIES = Number(process.env.FAULT_ENTITIES ?? 100);

let server: Server;
let origin = "";
test.beforeAll(async () => {
  const out = await build({
    stdin: { contents: `export * from "./index";`, resolveDir: "src/runtime" },
    bundle: true,
    format: "iife",
    globalName: "Runtime",
    write: false,
    logLevel: "silent",
  });
  const script = out.outputFiles[0]?.text ?? "";
  // IndexedDB needs a real origin: a blank page on loopback carrying the runtime.
  server = createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(
      `<!doctype html><title>journal faults</title><script>var __name=(f)=>f;${script}</script>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
test.afterAll(() => {
  server?.close();
});

type Ack = [entity: number, first: number, last: number];
type R = typeof import("../src/runtime/index");
type Win = typeof window & { Runtime: R; reportAcks(acks: string): void };

/** Starts the writers in the page and returns at once; acknowledgements stream to `acks`. */
async function startWriters(page: Page, name: string, seed: number, acks: Ack[]): Promise<void> {
  // Batches travel as one JSON string: Playwright copies an array value by value, and at tens of
  // thousands of acknowledgements a second that backlog delayed every other CDP message (the
  // renderer crash among them) by tens of seconds.
  await page.exposeFunction("reportAcks", (batch: string) => {
    acks.push(...(JSON.parse(batch) as Ack[]));
  });
  await page.evaluate(
    async ({ name, seed, entities, durability, maxBatchEvents }) => {
      const w = window as unknown as Win;
      const R = w.Runtime;
      const journal = new R.IndexedDBJournal(indexedDB, name, {
        ...(durability ? { durability } : {}),
        ...(maxBatchEvents ? { maxBatchEvents } : {}),
      });
      const random = new R.SeededRandom(seed);
      let pending: Ack[] = [];
      // Acknowledgements leave the page in small batches; any still here at the fault are simply
      // not counted (the check can only under-count what was acknowledged, never invent it).
      setInterval(() => {
        if (pending.length === 0) return;
        const batch = pending;
        pending = [];
        w.reportAcks(JSON.stringify(batch));
      }, 10);
      const value = (e: number, seq: number) => ((e * 7919 + seq * 104729) % 1000003) - 500000;
      for (let e = 0; e < entities; e++) {
        void (async () => {
          const pid = `entity-${e}`;
          let next = (await journal.highestSequenceNr(pid)) + 1;
          for (;;) {
            const size = 1 + random.int(0, 3);
            const first = next;
            const last = next + size - 1;
            const events = Array.from({ length: size }, (_, i) => ({
              persistenceId: pid,
              sequenceNr: first + i,
              event: { v: value(e, first + i), first, last },
              timestamp: Date.now(),
              tags: i === 0 && e % 5 === 0 ? ["sampled"] : [],
              writerUuid: "faults",
              manifest: "",
            }));
            try {
              await journal.append(events);
            } catch {
              return; // the page is going down
            }
            pending.push([e, first, last]);
            next = last + 1;
          }
        })();
      }
    },
    { name, seed, entities: ENTITIES, durability: DURABILITY, maxBatchEvents: MAX_BATCH },
  );
}

interface Verdict {
  acknowledged: number;
  lostAcks: number;
  gaps: number;
  partialBatches: number;
  foldMismatches: number;
  reportedLoss: boolean;
  silentLoss: number;
}

/** Reopens the database in a fresh page and checks it against the acknowledgements. */
async function verify(page: Page, name: string, acks: Ack[]): Promise<Verdict> {
  await page.goto(origin);
  const seen = await page.evaluate(
    async ({ name, entities }) => {
      const R = (window as unknown as Win).Runtime;
      const journal = new R.IndexedDBJournal(indexedDB, name);
      const report = await journal.opened;
      const stored: Array<{ highest: number; events: Array<[number, number, number, number]> }> =
        [];
      for (let e = 0; e < entities; e++) {
        const pid = `entity-${e}`;
        const events = await journal.read(pid, 1, Number.MAX_SAFE_INTEGER);
        stored.push({
          highest: await journal.highestSequenceNr(pid),
          events: events.map((r) => {
            const ev = r.event as { v: number; first: number; last: number };
            return [r.sequenceNr, ev.v, ev.first, ev.last];
          }),
        });
      }
      // Recovery through the runtime: each entity's state is the sum of its events.
      const system = R.ActorSystem.create(R.Behaviors.ignore as never, "verify");
      R.Persistence.register(system as never, {
        journal,
        snapshotStore: new R.IndexedDBSnapshotStore(indexedDB, name),
      });
      const recovered = await Promise.all(
        Array.from(
          { length: entities },
          (_, e) =>
            new Promise<number>((resolve) => {
              const behavior = R.EventSourcedBehavior.create<never, { v: number }, number>({
                persistenceId: `entity-${e}`,
                emptyState: 0,
                commandHandler: () => R.Effect.none(),
                eventHandler: (sum, ev) => sum + ev.v,
              }).receiveSignal((_s, signal) => {
                if (signal.type === "RecoveryCompleted") resolve(signal.state);
                if (signal.type === "RecoveryFailed") resolve(Number.NaN);
              });
              system.systemActorOf(behavior, `e${e}`);
            }),
        ),
      );
      await system.terminate();
      await journal.close();
      return { dataLoss: report.dataLoss ?? null, stored, recovered };
    },
    { name, entities: ENTITIES },
  );
  const value = (e: number, seq: number) => ((e * 7919 + seq * 104729) % 1000003) - 500000;
  const ackedTo = new Map<number, number>();
  for (const [e, , last] of acks) ackedTo.set(e, Math.max(ackedTo.get(e) ?? 0, last));
  const verdict: Verdict = {
    acknowledged: acks.length,
    lostAcks: 0,
    gaps: 0,
    partialBatches: 0,
    foldMismatches: 0,
    reportedLoss: seen.dataLoss !== null,
    silentLoss: 0,
  };
  seen.stored.forEach(({ highest, events }, e) => {
    const lost = acks.filter(([entity, , last]) => entity === e && last > highest).length;
    if (seen.dataLoss === null) verdict.silentLoss += lost > 0 ? 1 : 0;
    verdict.lostAcks += lost;
    const seqs = events.map(([seq]) => seq);
    if (seqs.some((seq, i) => seq !== i + 1) || seqs.length !== highest) verdict.gaps++;
    const present = new Set(seqs);
    for (const [, , first, last] of events)
      for (let s = first; s <= last; s++) if (!present.has(s)) verdict.partialBatches++;
    let fold = 0;
    for (const [seq, v] of events) {
      if (v !== value(e, seq)) verdict.foldMismatches++;
      fold += value(e, seq);
    }
    if (seen.recovered[e] !== fold) verdict.foldMismatches++;
  });
  return verdict;
}

interface Totals {
  trials: number;
  acknowledged: number;
  lostAcks: number;
  gaps: number;
  partialBatches: number;
  foldMismatches: number;
  silentLoss: number;
  /** Trials where the browser deleted the database and the journal reported it. */
  reportedLosses: number;
}
const totals = new Map<string, Totals>();
function tally(kind: string, v: Verdict): void {
  const t = totals.get(kind) ?? {
    trials: 0,
    acknowledged: 0,
    lostAcks: 0,
    gaps: 0,
    partialBatches: 0,
    foldMismatches: 0,
    silentLoss: 0,
    reportedLosses: 0,
  };
  totals.set(kind, t);
  t.trials++;
  t.acknowledged += v.acknowledged;
  t.gaps += v.gaps;
  t.partialBatches += v.partialBatches;
  t.foldMismatches += v.foldMismatches;
  t.silentLoss += v.silentLoss;
  // Acknowledgements lost with a reported total loss are not silent; they are counted apart.
  if (v.reportedLoss) t.reportedLosses++;
  else t.lostAcks += v.lostAcks;
  console.log(`[journal faults] ${kind}: ${JSON.stringify(t)}`);
}

function expectClean(v: Verdict): void {
  expect(v.acknowledged, "the writers got going before the fault").toBeGreaterThan(0);
  expect({
    lostAcks: v.reportedLoss ? 0 : v.lostAcks,
    gaps: v.gaps,
    partialBatches: v.partialBatches,
    foldMismatches: v.foldMismatches,
    silentLoss: v.silentLoss,
  }).toEqual({ lostAcks: 0, gaps: 0, partialBatches: 0, foldMismatches: 0, silentLoss: 0 });
}

/** Lets the writers get going (some acknowledgements out), then a seed-chosen while longer. */
async function writeAWhile(acks: Ack[], seed: number): Promise<void> {
  const start = Date.now();
  while (acks.length < ENTITIES && Date.now() - start < 20_000)
    await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100 + ((seed * 7_919) % 700)));
}

test.describe("IndexedDB journal under faults in Chromium", () => {
  test.describe.configure({ timeout: 90_000 + SEEDS * 45_000 });

  for (const kind of ["renderer crash", "tab close"] as const) {
    test(`${kind} during group commits from ${ENTITIES} entities loses no acknowledged write (${SEEDS} seeds)`, async ({
      browser,
    }) => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(origin);
        const name = `faults-${kind.replace(" ", "-")}-${seed}`;
        const acks: Ack[] = [];
        await startWriters(page, name, seed, acks);
        await writeAWhile(acks, seed);
        if (kind === "renderer crash") {
          // Page.crash runs on the renderer's main thread; on a loaded machine it can be late, so
          // it is asked again until the renderer is gone.
          const crashed = page.waitForEvent("crash", { timeout: 60_000 });
          const cdp = await context.newCDPSession(page);
          let gone = false;
          crashed.then(
            () => {
              gone = true;
            },
            () => {},
          );
          for (let attempt = 0; attempt < 6 && !gone; attempt++) {
            void cdp.send("Page.crash").catch(() => {}); // the reply dies with the renderer
            await Promise.race([crashed, new Promise((r) => setTimeout(r, 10_000))]);
          }
          await crashed;
          await page.close();
        } else {
          await page.close();
        }
        const snapshot = [...acks];
        const verdict = await verify(await context.newPage(), name, snapshot);
        tally(kind, verdict);
        expectClean(verdict);
        await context.close();
      }
    });
  }

  test("invalid appends mixed into group commits are refused alone; the stores hold exactly what was acknowledged (5 seeds)", async ({
    page,
  }) => {
    await page.goto(origin);
    const problems = await page.evaluate(async () => {
      const R = (window as unknown as Win).Runtime;
      const out: string[] = [];
      for (let seed = 1; seed <= 5; seed++) {
        const name = `faults-invalid-${seed}`;
        const random = new R.SeededRandom(seed);
        const journal = new R.IndexedDBJournal(indexedDB, name, { maxBatchEvents: 16 });
        const acked = new Map<string, number[]>();
        const tagged = new Set<string>();
        for (let round = 0; round < 6; round++) {
          const next = new Map<string, number>();
          const issued: Array<{
            kind: string;
            pid: string;
            seqs: number[];
            tag: boolean;
            p: Promise<string>;
          }> = [];
          for (let i = 0; i < 40; i++) {
            const pid = `e-${random.int(0, 7)}`;
            const kind = ["valid", "valid", "badTag", "unclonable", "wrongSeq"][
              random.int(0, 4)
            ] as string;
            const from = next.get(pid) ?? (acked.get(pid)?.length ?? 0) + 1;
            const size = 1 + random.int(0, 2);
            const tag = random.int(0, 1) === 1;
            const seqs = Array.from(
              { length: size },
              (_, j) => from + j + (kind === "wrongSeq" ? 5 : 0),
            );
            const events = seqs.map((sequenceNr, j) => ({
              persistenceId: pid,
              sequenceNr,
              event: kind === "unclonable" && j === size - 1 ? { f: () => 1 } : { n: sequenceNr },
              timestamp: 0,
              tags:
                kind === "badTag" && j === size - 1
                  ? [undefined as unknown as string]
                  : tag
                    ? ["t"]
                    : [],
              writerUuid: "w",
              manifest: "",
            }));
            if (kind === "valid") next.set(pid, from + size);
            issued.push({
              kind,
              pid,
              seqs,
              tag,
              p: journal.append(events).then(
                () => "ok",
                (e: Error) => e.name,
              ),
            });
          }
          const outcomes = await Promise.all(issued.map((x) => x.p));
          issued.forEach(({ kind, pid, seqs, tag }, i) => {
            const expected = {
              valid: "ok",
              badTag: "PersistRejected",
              unclonable: "PersistRejected",
              wrongSeq: "SequenceConflict",
            }[kind];
            if (outcomes[i] !== expected)
              out.push(`seed ${seed}: ${kind} append to ${pid} got ${outcomes[i]}`);
            if (outcomes[i] === "ok") {
              acked.set(pid, [...(acked.get(pid) ?? []), ...seqs]);
              if (tag) for (const s of seqs) tagged.add(`${pid}#${s}`);
            }
          });
        }
        await journal.close();
        // The stores, read behind the journal's back.
        const db = await new Promise<IDBDatabase>((resolve) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => resolve(r.result);
        });
        const all = <T>(store: string) =>
          new Promise<T[]>((resolve) => {
            const r = db.transaction(store).objectStore(store).getAll();
            r.onsuccess = () => resolve(r.result as T[]);
          });
        type Stored = { persistenceId: string; first: number; last: number };
        // Events are in per-entity chunks, or still in the group log's records (not yet folded).
        const chunks = [
          ...(await all<Stored>("chunks")),
          ...(await all<{ chunks: Stored[] }>("groups")).flatMap((g) => g.chunks),
        ];
        const tags = await all<{ persistenceId: string; sequenceNr: number }>("tags");
        db.close();
        const stored = chunks.flatMap((c) =>
          Array.from(
            { length: c.last - c.first + 1 },
            (_, i) => `${c.persistenceId}#${c.first + i}`,
          ),
        );
        const expected = [...acked].flatMap(([pid, seqs]) => seqs.map((s) => `${pid}#${s}`));
        if (stored.sort().join() !== expected.sort().join())
          out.push(
            `seed ${seed}: chunks hold ${stored.length} events, ${expected.length} acknowledged`,
          );
        const tagRows = tags.map((t) => `${t.persistenceId}#${t.sequenceNr}`).sort();
        if (tagRows.join() !== [...tagged].sort().join())
          out.push(
            `seed ${seed}: ${tagRows.length} tag rows for ${tagged.size} acknowledged tagged events`,
          );
        for (const [pid, seqs] of acked)
          if (seqs.some((s, i) => s !== i + 1)) out.push(`seed ${seed}: ${pid} has a gap`);
      }
      return out;
    });
    expect(problems).toEqual([]);
  });

  test("two tabs on one entity: the loser is fenced and told which tab owns it; once that tab closes, it takes over", async ({
    context,
  }) => {
    const tabA = await context.newPage();
    const tabB = await context.newPage();
    for (const tab of [tabA, tabB]) await tab.goto(origin);
    const write = (tab: Page, label: string, seq: number) =>
      tab.evaluate(
        async ({ label, seq }) => {
          const w = window as unknown as Win & { journal?: InstanceType<R["IndexedDBJournal"]> };
          w.journal ??= new w.Runtime.IndexedDBJournal(indexedDB, "faults-fence", {
            writer: label,
          });
          try {
            await w.journal.append([
              {
                persistenceId: "account-1",
                sequenceNr: seq,
                event: { by: label },
                timestamp: 0,
                tags: [],
                writerUuid: label,
                manifest: "",
              },
            ]);
            return "ok";
          } catch (error) {
            return `${(error as Error).name}: ${(error as Error).message}`;
          }
        },
        { label, seq },
      );
    expect(await write(tabA, "tab A", 1)).toBe("ok");
    expect(await write(tabB, "tab B", 2)).toBe("ok");
    const lost = await write(tabA, "tab A", 2);
    expect(lost).toMatch(
      /^WriterFenced: "account-1" is owned by tab B, another writer that is still running; tab A is fenced/,
    );
    // Fenced: the next number is refused too, while tab B is open.
    expect(await write(tabA, "tab A", 3)).toMatch(/^WriterFenced/);
    await tabB.close(); // the browser releases tab B's Web Lock
    await expect.poll(() => write(tabA, "tab A", 3)).toBe("ok");
  });

  test("the checker counts a lost acknowledgement, a partial atomic write and a fold mismatch", async ({
    page,
  }) => {
    await page.goto(origin);
    const name = "faults-checker";
    await page.evaluate(async (name) => {
      const R = (window as unknown as Win).Runtime;
      const journal = new R.IndexedDBJournal(indexedDB, name);
      const event = (pid: string, seq: number, v: number, first: number, last: number) => ({
        persistenceId: pid,
        sequenceNr: seq,
        event: { v, first, last },
        timestamp: 0,
        tags: [],
        writerUuid: "checker",
        manifest: "",
      });
      const value = (e: number, seq: number) => ((e * 7919 + seq * 104729) % 1000003) - 500000;
      // entity-0: events 1..2 stored as claimed; entity-1: one event claiming a batch of 1..2;
      // entity-2: a wrong value.
      await journal.append([
        event("entity-0", 1, value(0, 1), 1, 1),
        event("entity-0", 2, value(0, 2), 2, 2),
      ]);
      await journal.append([event("entity-1", 1, value(1, 1), 1, 2)]);
      await journal.append([event("entity-2", 1, 12345, 1, 1)]);
      await journal.close();
    }, name);
    const verdict = await verify(await page.context().newPage(), name, [
      [0, 1, 1],
      [0, 2, 2],
      [0, 3, 3], // acknowledged, but not stored
    ]);
    expect(verdict).toMatchObject({
      lostAcks: 1,
      silentLoss: 1,
      partialBatches: 1,
      foldMismatches: 2, // the event, and so the recovered state
      gaps: 0,
    });
  });

  test(`whole-browser SIGKILL during group commits from ${ENTITIES} entities loses no acknowledged write, and a total loss is reported (${SEEDS} seeds)`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const dir = mkdtempSync(join(tmpdir(), "journal-kill-"));
      try {
        const launch = () =>
          chromium.launchPersistentContext(dir, {
            executablePath: chromiumExecutable(),
            args: chromiumArgs,
          });
        let context: BrowserContext = await launch();
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(origin);
        const name = `faults-kill-${seed}`;
        const acks: Ack[] = [];
        await startWriters(page, name, seed, acks);
        await writeAWhile(acks, seed);
        const snapshot = [...acks];
        const pid = killBrowser(dir);
        await Promise.race([
          context.close().catch(() => {}),
          new Promise((r) => setTimeout(r, 3_000)),
        ]);
        // The next browser may only take the profile once the killed one is gone.
        for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
        context = await launch();
        const verdict = await verify(
          context.pages()[0] ?? (await context.newPage()),
          name,
          snapshot,
        );
        await context.close();
        tally("browser kill", verdict);
        expectClean(verdict);
      } finally {
        rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      }
    }
  });

  test("a total loss the browser reports (its files were corrupt) is reported by the journal, never silent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "journal-corrupt-"));
    try {
      const launch = () =>
        chromium.launchPersistentContext(dir, {
          executablePath: chromiumExecutable(),
          args: chromiumArgs,
        });
      let context = await launch();
      let page = context.pages()[0] ?? (await context.newPage());
      await page.goto(origin);
      const name = "faults-corrupt";
      const acks: Ack[] = [];
      await startWriters(page, name, 1, acks);
      await writeAWhile(acks, 1);
      const snapshot = [...acks];
      await context.close();
      // What a kill sometimes leaves behind: LevelDB files Chromium cannot read.
      const root = join(dir, "Default", "IndexedDB");
      for (const store of readdirSync(root))
        for (const file of readdirSync(join(root, store)))
          if (file.startsWith("MANIFEST")) writeFileSync(join(root, store, file), "not a manifest");
      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      const verdict = await verify(page, name, snapshot);
      const words = await page.evaluate(async (name) => {
        const R = (window as unknown as Win).Runtime;
        const journal = new R.IndexedDBJournal(indexedDB, name);
        const { dataLoss } = await journal.opened;
        return dataLoss ? R.describeDataLoss(dataLoss, name) : "";
      }, name);
      await context.close();
      expect(verdict.reportedLoss).toBe(true);
      expect(verdict.lostAcks).toBeGreaterThan(0);
      expect(verdict.silentLoss).toBe(0);
      expect(words).toMatch(
        /Your browser deleted the stored events of "faults-corrupt" \(the browser said: "IndexedDB \(database was corrupt\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });
});

/** SIGKILLs the browser process (not its children) launched with this user-data-dir. */
function killBrowser(userDataDir: string): number {
  const ps = execFileSync("ps", ["-ww", "-eo", "pid=,args="], { encoding: "utf8" });
  const browser = ps
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.includes(`--user-data-dir=${userDataDir}`) && !line.includes("--type="))
    .map((line) => Number(line.split(/\s+/, 1)[0]));
  expect(browser, "exactly one browser process for this profile").toHaveLength(1);
  process.kill(browser[0] as number, "SIGKILL");
  return browser[0] as number;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
