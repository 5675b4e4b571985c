import { build } from "esbuild";
import { expect, test } from "./fixtures";

// The real IndexedDB journal in real Chromium: the same module the browser demos load, bundled
// for the page, writing through a reload.
let bundle = "";
test.beforeAll(async () => {
  const out = await build({
    stdin: {
      contents: `export * from "./indexeddb-journal"; export * from "./indexeddb-snapshot-store";`,
      resolveDir: "src/runtime/persistence",
    },
    bundle: true,
    format: "iife",
    globalName: "Persist",
    write: false,
    logLevel: "silent",
  });
  bundle = out.outputFiles[0]?.text ?? "";
});

type Win = typeof window & {
  Persist: typeof import("../src/runtime/persistence/indexeddb-journal") &
    typeof import("../src/runtime/persistence/indexeddb-snapshot-store");
};

test("events survive a reload, and a second writer is refused", async ({ page }) => {
  const db = `e2e-journal-${Date.now()}`;
  await page.goto("/");
  await page.addScriptTag({ content: bundle });
  const written = await page.evaluate(async (name) => {
    const { IndexedDBJournal } = (window as Win).Persist;
    const journal = new IndexedDBJournal(indexedDB, name);
    const repr = (sequenceNr: number) => ({
      persistenceId: "account-1",
      sequenceNr,
      event: { type: "deposited", amount: sequenceNr * 10 },
      timestamp: sequenceNr,
      tags: [],
      writerUuid: "page",
      manifest: "",
    });
    // Issued together: one group commit for both accounts' writes.
    await Promise.all([
      journal.append([repr(1), repr(2)]),
      journal.append([{ ...repr(1), persistenceId: "account-2" }]),
    ]);
    await journal.append([repr(3)]);
    const commits = journal.commits;
    await journal.close();
    return commits;
  }, db);
  expect(written).toBe(2);

  await page.reload();
  await page.addScriptTag({ content: bundle });
  const after = await page.evaluate(async (name) => {
    const { IndexedDBJournal } = (window as Win).Persist;
    const journal = new IndexedDBJournal(indexedDB, name);
    const events = await journal.read("account-1", 1, 100);
    const highest2 = await journal.highestSequenceNr("account-2");
    let conflict = "";
    try {
      await journal.append([
        {
          persistenceId: "account-1",
          sequenceNr: 3,
          event: { type: "late" },
          timestamp: 0,
          tags: [],
          writerUuid: "other",
          manifest: "",
        },
      ]);
    } catch (error) {
      conflict = (error as Error).name;
    }
    const highest1 = await journal.highestSequenceNr("account-1");
    await journal.close();
    return {
      seqs: events.map((e) => e.sequenceNr),
      amounts: events.map((e) => (e.event as { amount: number }).amount),
      highest1,
      highest2,
      conflict,
    };
  }, db);
  expect(after).toEqual({
    seqs: [1, 2, 3],
    amounts: [10, 20, 30],
    highest1: 3,
    highest2: 1,
    conflict: "SequenceConflict",
  });
});
