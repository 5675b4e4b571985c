import { IDBFactory, IDBObjectStore } from "fake-indexeddb";
import "fake-indexeddb/auto";
import { afterEach, describe, expect, it } from "vitest";
import { toChunk } from "./indexeddb-chunk";
import { GroupLog } from "./indexeddb-group-log";
import { IndexedDBJournal, JournalWriteFailed } from "./indexeddb-journal";
import { type PersistentRepr, SequenceConflict } from "./journal";

const event = (pid: string, sequenceNr: number): PersistentRepr => ({
  persistenceId: pid,
  sequenceNr,
  event: { pid, n: sequenceNr },
  timestamp: sequenceNr,
  tags: [],
  writerUuid: "w",
  manifest: "",
});
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (events: readonly PersistentRepr[]) => events.map((e) => e.sequenceNr);

/** How many records each store holds, counted behind the journal's back. */
async function counts(factory: IDBFactory, name: string) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const tx = db.transaction(["chunks", "groups"]);
  const count = (store: string) =>
    new Promise<number>((resolve, reject) => {
      const req = tx.objectStore(store).count();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const [chunks, groups] = await Promise.all([count("chunks"), count("groups")]);
  db.close();
  return { chunks, groups };
}

const realPut = IDBObjectStore.prototype.put;
afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
});

describe("IndexedDB journal: the group log", () => {
  it("a group commit from many entities is one record, folded into one chunk per entity later", async () => {
    const factory = new IDBFactory();
    const journal = new IndexedDBJournal(factory, "one-record");
    const pids = Array.from({ length: 50 }, (_, i) => `e-${i}`);
    await Promise.all(pids.map((pid) => journal.append([event(pid, 1)])));
    expect(journal.commits).toBe(1);
    expect(await counts(factory, "one-record")).toEqual({ chunks: 0, groups: 1 });
    // 64 events per entity on average in the log: the commit that gets there folds it.
    for (let seq = 2; seq <= 64; seq++)
      await Promise.all(pids.map((pid) => journal.append([event(pid, seq)])));
    expect(await counts(factory, "one-record")).toEqual({ chunks: 50, groups: 0 });
    const reader = new IndexedDBJournal(factory, "one-record");
    for (const pid of pids) {
      expect(seqs(await reader.read(pid, 1, 100))).toEqual(range(1, 64));
      expect(await reader.highestSequenceNr(pid)).toBe(64);
    }
    await Promise.all([journal.close(), reader.close()]);
  });

  it("a writer that remembered an entity sees another connection's later appends to it", async () => {
    const factory = new IDBFactory();
    const a = new IndexedDBJournal(factory, "two-writers");
    const b = new IndexedDBJournal(factory, "two-writers");
    await a.append([event("x", 1)]);
    // b wrote x#2 after a's last commit: a must not trust what it remembers of x.
    await b.append([event("x", 2)]);
    await b.close();
    const stale = await a.append([event("x", 2)]).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(SequenceConflict);
    expect((stale as SequenceConflict).expected).toBe(3);
    await a.append([event("x", 3)]);
    const reader = new IndexedDBJournal(factory, "two-writers");
    expect(seqs(await reader.read("x", 1, 10))).toEqual([1, 2, 3]);
    expect((await reader.read("x", 1, 10)).map((e) => (e.event as { n: number }).n)).toEqual([
      1, 2, 3,
    ]);
    await Promise.all([a.close(), reader.close()]);
  });

  it("a deleteTo by another connection is not undone when this writer folds what it remembered", async () => {
    const factory = new IDBFactory();
    const writer = new IndexedDBJournal(factory, "delete-elsewhere");
    for (let seq = 1; seq <= 60; seq++) await writer.append([event("x", seq)]);
    const other = new IndexedDBJournal(factory, "delete-elsewhere");
    await other.deleteTo("x", 50);
    await other.close();
    // The writer's next commits reach the fold threshold (64 events of x).
    for (let seq = 61; seq <= 70; seq++) await writer.append([event("x", seq)]);
    const reader = new IndexedDBJournal(factory, "delete-elsewhere");
    expect(seqs(await reader.read("x", 1, 100))).toEqual(range(51, 70));
    expect(await reader.highestSequenceNr("x")).toBe(70);
    await Promise.all([writer.close(), reader.close()]);
  });

  it("a fault while folding fails the whole group and leaves the log as it was", async () => {
    const factory = new IDBFactory();
    const journal = new IndexedDBJournal(factory, "fold-fault");
    for (let seq = 1; seq <= 63; seq++) await journal.append([event("x", seq)]);
    // The 64th event folds the log: its group's record is the first put, the folded chunk the
    // second, which throws.
    let left = 1;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args) {
      if (left-- === 0) {
        IDBObjectStore.prototype.put = realPut;
        throw new Error("injected");
      }
      return realPut.apply(this, args as Parameters<typeof realPut>);
    };
    const failed = await journal.append([event("x", 64)]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(JournalWriteFailed);
    expect(await counts(factory, "fold-fault")).toEqual({ chunks: 0, groups: 63 });
    expect(seqs(await journal.read("x", 1, 100))).toEqual(range(1, 63));
    expect(await journal.highestSequenceNr("x")).toBe(63);
    // The journal goes on: the retry commits and folds.
    await journal.append([event("x", 64)]);
    expect(await counts(factory, "fold-fault")).toEqual({ chunks: 1, groups: 0 });
    expect(seqs(await new IndexedDBJournal(factory, "fold-fault").read("x", 1, 100))).toEqual(
      range(1, 64),
    );
    await journal.close();
  });

  it("a caller that mutates its event once the tick of its append is over does not change what is stored", async () => {
    const factory = new IDBFactory();
    const journal = new IndexedDBJournal(factory, "mutate");
    const first = journal.append([event("x", 1)]);
    await Promise.resolve();
    // x#2 waits for the next group commit while x#1's transaction is in flight.
    const e = event("x", 2);
    const second = journal.append([e]);
    await Promise.resolve();
    (e.event as { n: number }).n = 99;
    await Promise.all([first, second]);
    const read = await new IndexedDBJournal(factory, "mutate").read("x", 1, 2);
    expect(read.map((r) => (r.event as { n: number }).n)).toEqual([1, 2]);
    expect(journal.commits).toBe(2);
    await journal.close();
  });

  it("a log with one more record leaves the log it was made from as it was (reads share it)", () => {
    const writer = { id: "w", label: "tab w" };
    const first = new GroupLog([{ writer, chunks: [toChunk([event("x", 1)])] }]);
    const second = first.with({
      writer: { id: "v", label: "tab v" },
      chunks: [toChunk([event("x", 2)]), toChunk([event("y", 1)])],
    });
    const third = second.with({ writer, chunks: [toChunk([event("x", 3)])] });
    expect(first.chunksOf("x").map((c) => c.last)).toEqual([1]);
    expect([first.highest("x"), first.highest("y"), first.events, first.records]).toEqual([
      1, 0, 1, 1,
    ]);
    expect(first.owner("x")?.id).toBe("w");
    expect(second.chunksOf("x").map((c) => c.last)).toEqual([1, 2]);
    expect([second.highest("x"), second.highest("y"), second.events]).toEqual([2, 1, 3]);
    expect(second.owner("x")?.id).toBe("v");
    expect(third.chunksOf("x").map((c) => c.last)).toEqual([1, 2, 3]);
    expect(third.owner("x")?.id).toBe("w");
  });
});
