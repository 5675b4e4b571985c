import { IDBFactory } from "fake-indexeddb";
import "fake-indexeddb/auto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IndexedDBJournal } from "./indexeddb-journal";
import { IndexedDBSnapshotStore } from "./indexeddb-snapshot-store";
import {
  type EventWrite,
  type PersistentRepr,
  PersistRejected,
  SequenceConflict,
  type SnapshotStore,
  type WriteAck,
} from "./journal";
import { InMemoryJournal } from "./memory-journal";
import { InMemorySnapshotStore } from "./memory-snapshot-store";
import type { TaggedJournal } from "./query";

const evt = (
  pid: string,
  sequenceNr: number,
  event: unknown = { n: sequenceNr },
): PersistentRepr => ({
  persistenceId: pid,
  sequenceNr,
  event,
  timestamp: sequenceNr * 10,
  tags: [],
  writerUuid: "w",
  manifest: "",
});
const batch = (pid: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => evt(pid, from + i));

/** A store that can be "reopened": a new instance over the same underlying data. */
interface Backend {
  name: string;
  journal(): TaggedJournal;
  reopen(): TaggedJournal;
  snapshots(): SnapshotStore;
}

let dbCounter = 0;
const backends: Array<() => Backend> = [
  () => {
    const journal = new InMemoryJournal();
    return {
      name: "in-memory",
      journal: () => journal,
      reopen: () => journal,
      snapshots: () => new InMemorySnapshotStore(),
    };
  },
  () => {
    const factory = new IDBFactory();
    const name = `db-${dbCounter++}`;
    return {
      name: "IndexedDB (fake-indexeddb)",
      journal: () => new IndexedDBJournal(factory, name),
      reopen: () => new IndexedDBJournal(factory, name),
      snapshots: () => new IndexedDBSnapshotStore(factory, name),
    };
  },
];

for (const make of backends) {
  describe(`journal contract: ${make().name}`, () => {
    it("numbers events 1..N and reads ranges", async () => {
      const journal = make().journal();
      await journal.append(batch("a", 1, 3));
      await journal.append(batch("a", 4, 2));
      expect(await journal.highestSequenceNr("a")).toBe(5);
      expect((await journal.read("a", 2, 4)).map((e) => e.sequenceNr)).toEqual([2, 3, 4]);
      expect((await journal.read("a", 1, 100, 2)).map((e) => e.sequenceNr)).toEqual([1, 2]);
      expect(await journal.read("missing", 1, 10)).toEqual([]);
    });

    it("rejects a write that does not start at the next sequence number, writing nothing", async () => {
      const journal = make().journal();
      await journal.append(batch("a", 1, 2));
      await expect(journal.append(batch("a", 2, 2))).rejects.toBeInstanceOf(SequenceConflict);
      await expect(journal.append(batch("a", 4, 1))).rejects.toBeInstanceOf(SequenceConflict);
      expect(await journal.highestSequenceNr("a")).toBe(2);
    });

    it("rejects a payload it cannot store, writing nothing of the batch", async () => {
      const journal = make().journal();
      const bad = [evt("a", 1), evt("a", 2, () => "a function")];
      await expect(journal.append(bad)).rejects.toBeInstanceOf(PersistRejected);
      expect(await journal.highestSequenceNr("a")).toBe(0);
    });

    it("refuses an event whose tags are not strings alone, storing nothing of its write and failing no neighbour", async () => {
      const journal = make().journal();
      const outcomes = await Promise.allSettled([
        journal.append([evt("a", 1)]),
        journal.append([evt("b", 1), { ...evt("b", 2), tags: [undefined as unknown as string] }]),
        journal.append([{ ...evt("c", 1), tags: undefined as unknown as string[] }]),
        journal.append([{ ...evt("d", 1), tags: ["fine"] }]),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual([
        "fulfilled",
        "rejected",
        "rejected",
        "fulfilled",
      ]);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(PersistRejected);
      expect((outcomes[2] as PromiseRejectedResult).reason.message).toMatch(
        /tags must be an array of strings/,
      );
      expect(await journal.highestSequenceNr("b")).toBe(0);
      expect(await journal.readByTag("fine", 0)).toHaveLength(1);
    });

    it("keeps numbering after deleteTo", async () => {
      const journal = make().journal();
      await journal.append(batch("a", 1, 5));
      await journal.deleteTo("a", 3);
      expect((await journal.read("a", 1, 10)).map((e) => e.sequenceNr)).toEqual([4, 5]);
      expect(await journal.highestSequenceNr("a")).toBe(5);
      await journal.append(batch("a", 6, 1));
      expect(await journal.highestSequenceNr("a")).toBe(6);
    });

    it("of two writers with the same expected number, exactly one wins", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 5 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          async (pre, n1, n2) => {
            const journal = make().journal();
            if (pre > 0) await journal.append(batch("a", 1, pre));
            const results = await Promise.allSettled([
              journal.append(batch("a", pre + 1, n1)),
              journal.append(batch("a", pre + 1, n2)),
            ]);
            expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
            const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
            expect(loser.reason).toBeInstanceOf(SequenceConflict);
            const winner = results[0]?.status === "fulfilled" ? n1 : n2;
            expect(await journal.highestSequenceNr("a")).toBe(pre + winner);
          },
        ),
        { numRuns: 200 },
      );
    });

    it("acknowledged writes survive reopening, numbered 1..N without gaps, batches atomic", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              pid: fc.constantFrom("a", "b", "c"),
              size: fc.integer({ min: 1, max: 5 }),
              bad: fc.boolean(),
            }),
            { maxLength: 15 },
          ),
          async (writes) => {
            const backend = make();
            const journal = backend.journal();
            const acked = new Map<string, number>();
            // Issued together, so the IndexedDB journal groups them into shared transactions.
            const next = new Map<string, number>();
            const promises = writes.map((w) => {
              const from = (next.get(w.pid) ?? 0) + 1;
              const events = batch(w.pid, from, w.size);
              if (w.bad) events[w.size - 1] = evt(w.pid, from + w.size - 1, () => 0);
              else next.set(w.pid, from + w.size - 1);
              return journal.append(events).then(() => acked.set(w.pid, from + w.size - 1));
            });
            await Promise.allSettled(promises);
            const reopened = backend.reopen();
            for (const pid of ["a", "b", "c"]) {
              const stored = await reopened.read(pid, 1, 1_000);
              expect(stored.map((e) => e.sequenceNr)).toEqual(
                Array.from({ length: acked.get(pid) ?? 0 }, (_, i) => i + 1),
              );
              expect(stored.every((e) => typeof e.event !== "function")).toBe(true);
            }
          },
        ),
        { numRuns: 200 },
      );
    });
    it("tag queries give each tagged event once, in write order, with increasing offsets", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              pid: fc.constantFrom("a", "b"),
              tags: fc.subarray(["red", "blue"]),
              size: fc.integer({ min: 1, max: 3 }),
            }),
            { maxLength: 12 },
          ),
          fc.integer({ min: 1, max: 4 }),
          async (writes, page) => {
            const backend = make();
            const journal = backend.journal();
            const next = new Map<string, number>();
            const written: Array<{ pid: string; seq: number; tags: string[] }> = [];
            for (const w of writes) {
              const from = (next.get(w.pid) ?? 0) + 1;
              next.set(w.pid, from + w.size - 1);
              const events = batch(w.pid, from, w.size).map((e) => ({ ...e, tags: w.tags }));
              await journal.append(events);
              for (const e of events)
                written.push({ pid: e.persistenceId, seq: e.sequenceNr, tags: w.tags });
            }
            await journal.deleteTo("a", 2); // tag streams keep deleted events: offsets are final
            const reopened = backend.reopen();
            for (const tag of ["red", "blue"]) {
              const all = [];
              for (let after = 0; ; ) {
                const got = await reopened.readByTag(tag, after, page);
                if (got.length === 0) break;
                expect(got.length).toBeLessThanOrEqual(page);
                all.push(...got);
                after = got.at(-1)?.offset ?? after;
              }
              expect(all.map((e) => `${e.persistenceId}#${e.sequenceNr}`)).toEqual(
                written.filter((w) => w.tags.includes(tag)).map((w) => `${w.pid}#${w.seq}`),
              );
              for (let i = 1; i < all.length; i++)
                expect(all[i]?.offset).toBeGreaterThan(all[i - 1]?.offset ?? 0);
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe(`snapshot store contract: ${make().name}`, () => {
    it("loads the newest snapshot at or below a sequence number, and deletes by range", async () => {
      const store = make().snapshots();
      for (const seq of [3, 6, 9])
        await store.save({ persistenceId: "a", sequenceNr: seq, timestamp: seq }, { at: seq });
      expect((await store.loadLatest("a"))?.snapshot).toEqual({ at: 9 });
      expect((await store.loadLatest("a", 7))?.metadata.sequenceNr).toBe(6);
      await store.deleteTo("a", 6);
      expect(await store.loadLatest("a", 7)).toBeUndefined();
      expect((await store.loadLatest("a"))?.snapshot).toEqual({ at: 9 });
      expect(await store.loadLatest("other")).toBeUndefined();
    });
  });
}

describe("in-memory journal: writes acknowledged by callback (appendAcked)", () => {
  const columns = (
    pid: string,
    first: number,
    payloads: unknown[],
    extra: Partial<EventWrite> = {},
  ) =>
    ({
      persistenceId: pid,
      firstSequenceNr: first,
      payloads,
      timestamp: first * 10,
      writerUuid: "w",
      manifest: "",
      tags: undefined,
      ...extra,
    }) satisfies EventWrite;
  const recorder = () => {
    const heard: string[] = [];
    const ack = (name: string): WriteAck => ({
      persisted: () => heard.push(`${name} stored`),
      failed: (error) => heard.push(`${name} failed: ${(error as Error).name}`),
    });
    return { heard, ack };
  };

  it("stores what append would, and reads back the same records", async () => {
    const viaColumns = new InMemoryJournal({ immediateWrites: false });
    const viaAppend = new InMemoryJournal();
    const { ack } = recorder();
    await viaColumns.appendAcked(columns("a", 1, [{ n: 1 }, { n: 2 }]), ack("w1"));
    await viaColumns.appendAcked(
      columns("a", 3, [{ n: 3 }], { manifest: ["v2"], tags: [["t"]] }),
      ack("w2"),
    );
    // One timestamp per write, as a writer stamps them.
    await viaAppend.append([evt("a", 1, { n: 1 }), { ...evt("a", 2, { n: 2 }), timestamp: 10 }]);
    await viaAppend.append([{ ...evt("a", 3, { n: 3 }), manifest: "v2", tags: ["t"] }]);
    expect(await viaColumns.read("a", 1, 10)).toEqual(await viaAppend.read("a", 1, 10));
    expect(await viaColumns.readByTag("t", 0)).toEqual(await viaAppend.readByTag("t", 0));
  });

  it("acknowledges only after it returned, the writes of one turn together and in write order", async () => {
    const journal = new InMemoryJournal({ immediateWrites: false });
    const { heard, ack } = recorder();
    const first = journal.appendAcked(columns("a", 1, [1]), ack("a1"));
    const second = journal.appendAcked(columns("b", 1, [1]), ack("b1"));
    journal.appendAcked(columns("a", 1, [1]), ack("a1 again"));
    expect(heard).toEqual([]);
    expect(second).toBe(first);
    await first;
    expect(heard).toEqual(["a1 stored", "b1 stored", "a1 again failed: SequenceConflict"]);
    journal.appendAcked(columns("a", 2, [2]), ack("a2"));
    expect(heard).toHaveLength(3);
    await Promise.resolve();
    expect(heard[3]).toBe("a2 stored");
  });

  it("tells a failed, rejected or refused write so, storing nothing of it", async () => {
    const journal = new InMemoryJournal({ immediateWrites: false });
    const { heard, ack } = recorder();
    journal.failNextAppend();
    journal.appendAcked(columns("a", 1, [1, 2]), ack("failed"));
    journal.rejectNextAppend();
    journal.appendAcked(columns("a", 1, [1, 2]), ack("rejected"));
    journal.appendAcked(columns("a", 1, [1, undefined]), ack("unstorable"));
    await journal.appendAcked(
      columns("a", 1, [1], { tags: [7 as unknown as string[]] }),
      ack("bad tags"),
    );
    expect(heard).toEqual([
      "failed failed: Error",
      "rejected failed: PersistRejected",
      "unstorable failed: PersistRejected",
      "bad tags failed: PersistRejected",
    ]);
    expect(await journal.highestSequenceNr("a")).toBe(0);
  });

  it("a reused write object keeps no stale stream: after clear, in another journal, for another id", async () => {
    const first = new InMemoryJournal({ immediateWrites: false });
    const second = new InMemoryJournal({ immediateWrites: false });
    const { heard, ack } = recorder();
    // One object re-pointed at each write, as an event-sourced actor's writer does.
    const write: EventWrite = columns("a", 1, [1]);
    const send = (journal: InMemoryJournal, pid: string, seq: number, payload: number) =>
      journal.appendAcked(
        Object.assign(write, { persistenceId: pid, firstSequenceNr: seq, payloads: [payload] }),
        ack(`${pid}${seq}`),
      );
    await send(first, "a", 1, 1);
    await send(first, "a", 2, 2);
    first.clear();
    // The stream the object last went to is forgotten: this must not continue it at 3.
    await send(first, "a", 3, 3);
    await send(first, "a", 1, 10);
    await send(second, "a", 1, 20);
    await send(first, "b", 1, 30);
    await send(first, "a", 2, 11);
    expect(heard).toEqual([
      "a1 stored",
      "a2 stored",
      "a3 failed: SequenceConflict",
      "a1 stored",
      "a1 stored",
      "b1 stored",
      "a2 stored",
    ]);
    expect((await first.read("a", 1, 10)).map((e) => e.event)).toEqual([10, 11]);
    expect((await first.read("b", 1, 10)).map((e) => e.event)).toEqual([30]);
    expect((await second.read("a", 1, 10)).map((e) => e.event)).toEqual([20]);
    expect(first.persistenceIds()).toEqual(["a", "b"]);
  });
});

describe("IndexedDB group commit", () => {
  it("appends issued in one tick share a transaction", async () => {
    const journal = new IndexedDBJournal(new IDBFactory(), "group");
    await Promise.all(Array.from({ length: 20 }, (_, i) => journal.append(batch(`p${i}`, 1, 2))));
    expect(journal.commits).toBe(1);
    for (let i = 0; i < 20; i++) expect(await journal.highestSequenceNr(`p${i}`)).toBe(2);
  });
});

describe("IndexedDB group reads and compaction", () => {
  it("reads issued in one tick share a transaction", async () => {
    const journal = new IndexedDBJournal(new IDBFactory(), "group-read");
    await Promise.all(Array.from({ length: 10 }, (_, i) => journal.append(batch(`p${i}`, 1, 3))));
    const before = journal.readTransactions;
    const [highs, reads] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, (_, i) => journal.highestSequenceNr(`p${i}`))),
      Promise.all(Array.from({ length: 10 }, (_, i) => journal.read(`p${i}`, 2, 3))),
    ]);
    expect(journal.readTransactions - before).toBe(1);
    expect(highs).toEqual(Array(10).fill(3));
    expect(reads.map((r) => r.map((e) => e.sequenceNr))).toEqual(Array(10).fill([2, 3]));
  });

  it("merges one-event writes into few records, and reads stay exact through deletes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant("append" as const),
              size: fc.integer({ min: 1, max: 3 }),
            }),
            fc.record({
              kind: fc.constant("delete" as const),
              back: fc.integer({ min: 0, max: 80 }),
            }),
          ),
          { minLength: 100, maxLength: 220 },
        ),
        async (ops) => {
          const factory = new IDBFactory();
          const journal = new IndexedDBJournal(factory, "compact");
          let highest = 0;
          let deletedTo = 0;
          for (const op of ops) {
            if (op.kind === "append") {
              await journal.append(batch("a", highest + 1, op.size));
              highest += op.size;
            } else {
              const to = Math.max(0, highest - op.back);
              await journal.deleteTo("a", to);
              deletedTo = Math.max(deletedTo, to);
            }
          }
          const reopened = new IndexedDBJournal(factory, "compact");
          const all = await reopened.read("a", 1, highest);
          expect(all.map((e) => e.sequenceNr)).toEqual(
            Array.from({ length: highest - deletedTo }, (_, i) => deletedTo + i + 1),
          );
          const from = deletedTo + Math.floor((highest - deletedTo) / 3) + 1;
          const some = await reopened.read("a", from, from + 10, 5);
          expect(some.map((e) => e.sequenceNr)).toEqual(
            Array.from(
              { length: Math.max(0, Math.min(5, highest - from + 1)) },
              (_, i) => from + i,
            ),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it("keeps about one record per 64 one-event writes, counting the group log's records", async () => {
    const factory = new IDBFactory();
    const journal = new IndexedDBJournal(factory, "compact-count");
    for (let seq = 1; seq <= 300; seq++) await journal.append(batch("a", seq, 1));
    const records = await new Promise<number>((resolve, reject) => {
      const open = factory.open("compact-count");
      open.onsuccess = () => {
        const tx = open.result.transaction(["chunks", "groups"]);
        const chunks = tx.objectStore("chunks").count();
        const groups = tx.objectStore("groups").count();
        groups.onsuccess = () => resolve(chunks.result + groups.result);
        groups.onerror = () => reject(groups.error);
      };
    });
    // Four chunks folded from 64 group records each, and 44 records in the log not yet folded.
    expect(records).toBe(4 + 44);
    expect((await journal.read("a", 1, 300)).map((e) => e.sequenceNr)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
  });
});

describe("IndexedDB schema upgrade", () => {
  it("moves version 1's one-record-per-event store into chunks, keeping every event", async () => {
    const factory = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const req = factory.open("legacy", 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        const events = db.createObjectStore("events", { keyPath: ["persistenceId", "sequenceNr"] });
        db.createObjectStore("meta", { keyPath: "persistenceId" });
        for (const e of batch("a", 1, 3)) events.put(e);
        req.transaction?.objectStore("meta").put({ persistenceId: "a", highest: 3 });
      };
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    const journal = new IndexedDBJournal(factory, "legacy");
    expect((await journal.read("a", 1, 10)).map((e) => e.sequenceNr)).toEqual([1, 2, 3]);
    await journal.append(batch("a", 4, 1).map((e) => ({ ...e, tags: ["t"] })));
    expect(await journal.highestSequenceNr("a")).toBe(4);
    // Upgraded events took offsets 1..3, so the first new one is 4.
    expect((await journal.readByTag("t", 0)).map((e) => e.offset)).toEqual([4]);
  });

  it("lays version 2's chunks out in columns, keeping every event, tag and sequence number", async () => {
    const factory = new IDBFactory();
    const tagged = batch("a", 1, 3).map((e, i) => ({ ...e, tags: i === 1 ? ["t"] : [] }));
    await new Promise<void>((resolve, reject) => {
      const req = factory.open("v2", 2);
      req.onupgradeneeded = () => {
        const db = req.result;
        const chunks = db.createObjectStore("chunks", { keyPath: ["persistenceId", "last"] });
        db.createObjectStore("meta", { keyPath: "persistenceId" });
        db.createObjectStore("snapshots", { keyPath: ["persistenceId", "sequenceNr"] });
        db.createObjectStore("tags", { keyPath: ["tag", "offset"] });
        db.createObjectStore("counters").put(3, "globalOffset");
        chunks.put({ persistenceId: "a", first: 1, last: 2, events: tagged.slice(0, 2) });
        chunks.put({ persistenceId: "a", first: 3, last: 3, events: tagged.slice(2) });
        req.transaction?.objectStore("meta").put({ persistenceId: "a", highest: 3 });
      };
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    const journal = new IndexedDBJournal(factory, "v2");
    expect(await journal.read("a", 1, 10)).toEqual(tagged);
    await journal.append(batch("a", 4, 1));
    expect((await journal.read("a", 2, 10)).map((e) => e.sequenceNr)).toEqual([2, 3, 4]);
  });
});
