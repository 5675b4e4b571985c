import { IDBFactory, IDBObjectStore } from "fake-indexeddb";
import "fake-indexeddb/auto";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Behaviors } from "../actor/behavior";
import { SupervisorStrategy } from "../actor/supervision";
import { ActorSystem } from "../actor/system";
import { Effect } from "./effect";
import {
  EventSourcedBehavior,
  type EventSourcedSignal,
  PersistFailure,
} from "./event-sourced-behavior";
import { IndexedDBJournal, JournalWriteFailed, reasonOf } from "./indexeddb-journal";
import { IndexedDBSnapshotStore } from "./indexeddb-snapshot-store";
import { type PersistentRepr, PersistRejected, SequenceConflict, WriterFenced } from "./journal";
import { Persistence } from "./persistence-plugin";

type Payload = { n: number };
const repr = (
  pid: string,
  sequenceNr: number,
  event: unknown,
  tags: readonly unknown[] = [],
): PersistentRepr => ({
  persistenceId: pid,
  sequenceNr,
  event,
  timestamp: sequenceNr,
  tags: tags as string[],
  writerUuid: "w",
  manifest: "",
});

// Makes the `after`-th put() of any object store throw, once: a fault inside the transaction,
// after some of the group's writes were already issued.
const realPut = IDBObjectStore.prototype.put;
function failPutAfter(after: number, error: () => unknown = () => new Error("injected")): void {
  let left = after;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args) {
    if (left-- === 0) {
      IDBObjectStore.prototype.put = realPut;
      throw error();
    }
    return realPut.apply(this, args as Parameters<typeof realPut>);
  };
}
afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
});

/** Everything in the stores, read behind the journal's back. */
async function dump(factory: IDBFactory, name: string) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const all = <T>(store: string) =>
    new Promise<T[]>((resolve, reject) => {
      const req = db.transaction(store).objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result as T[]);
      req.onerror = () => reject(req.error);
    });
  type StoredChunk = { persistenceId: string; first: number; last: number; payloads: Payload[] };
  // Events live in per-entity chunks and, until the group log is folded, in its records: both
  // count as stored, in that order (the log holds the newer events).
  const folded = await all<StoredChunk>("chunks");
  const log = (await all<{ chunks: StoredChunk[] }>("groups")).flatMap((g) => g.chunks);
  const chunks = [...folded, ...log];
  const tags = await all<{ tag: string; persistenceId: string; sequenceNr: number }>("tags");
  const metaRows = await all<{ persistenceId: string; highest: number }>("meta");
  // An entity's highest sequence number: its metadata, or its newest event in the log.
  const highest = new Map(metaRows.map((m) => [m.persistenceId, m.highest]));
  for (const c of log)
    highest.set(c.persistenceId, Math.max(highest.get(c.persistenceId) ?? 0, c.last));
  const meta = [...highest].map(([persistenceId, h]) => ({ persistenceId, highest: h }));
  db.close();
  return { chunks, tags, meta };
}

type Kind = "valid" | "badTag" | "unclonable" | "throwingGetter" | "wrongSeq" | "malformed";
const kinds: Kind[] = [
  "valid",
  "valid",
  "valid",
  "badTag",
  "unclonable",
  "throwingGetter",
  "wrongSeq",
  "malformed",
];

/** An append of `kind` for `pid` whose next free sequence number is `next`. */
function appendOf(kind: Kind, pid: string, next: number, size: number, tagged: boolean, n: number) {
  const tags = tagged ? ["t"] : [];
  const ok = (i: number) => repr(pid, next + i, { n: n + i }, tags);
  const events = Array.from({ length: size }, (_, i) => ok(i));
  const last = size - 1;
  switch (kind) {
    case "valid":
      return events;
    case "badTag":
      events[last] = repr(pid, next + last, { n: 0 }, [undefined]);
      return events;
    case "unclonable":
      events[last] = repr(pid, next + last, { n: 0, f: () => 1 });
      return events;
    case "throwingGetter": {
      const hostile = {
        get n(): number {
          throw new Error("a hostile getter");
        },
      };
      events[last] = repr(pid, next + last, hostile);
      return events;
    }
    case "wrongSeq":
      return events.map((e, i) => ({ ...e, sequenceNr: next + 3 + i }));
    case "malformed":
      return [...events, repr(pid, next + size + 1, { n: 0 })];
  }
}

describe("IndexedDB journal under invalid appends and faults inside a group commit", () => {
  it("stores exactly what it acknowledged: no orphan chunks, no phantom tag rows, reads and recovery equal the fold", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ops: fc.array(
              fc.record({
                entity: fc.nat(5),
                kind: fc.constantFrom(...kinds),
                size: fc.integer({ min: 1, max: 3 }),
                tagged: fc.boolean(),
              }),
              { minLength: 1, maxLength: 25 },
            ),
            // A fault inside the transaction, after this many puts (undefined: none).
            faultAfter: fc.option(fc.nat(40), { freq: 3 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 1, max: 16 }),
        async (rounds, maxBatchEvents) => {
          const factory = new IDBFactory();
          const name = `faults-${run++}`;
          const journal = new IndexedDBJournal(factory, name, { maxBatchEvents });
          const acked = new Map<string, PersistentRepr[]>();
          let n = 0;
          for (const round of rounds) {
            const next = new Map<string, number>();
            const issued: Array<{
              kind: Kind;
              events: PersistentRepr[];
              outcome: Promise<unknown>;
            }> = [];
            if (round.faultAfter !== null) failPutAfter(round.faultAfter);
            for (const op of round.ops) {
              const pid = `e-${op.entity}`;
              const from = next.get(pid) ?? (acked.get(pid)?.length ?? 0) + 1;
              const events = appendOf(op.kind, pid, from, op.size, op.tagged, n);
              n += op.size;
              if (op.kind === "valid") next.set(pid, from + op.size);
              issued.push({
                kind: op.kind,
                events,
                outcome: journal.append(events).then(
                  () => "ok",
                  (error: unknown) => error,
                ),
              });
            }
            const outcomes = await Promise.all(issued.map((i) => i.outcome));
            IDBObjectStore.prototype.put = realPut;
            issued.forEach(({ kind, events }, i) => {
              const outcome = outcomes[i];
              if (kind === "badTag" || kind === "unclonable" || kind === "throwingGetter")
                expect(outcome).toBeInstanceOf(PersistRejected);
              else if (kind === "malformed") expect(outcome).toBeInstanceOf(Error);
              else if (kind === "wrongSeq")
                expect(
                  outcome instanceof SequenceConflict ||
                    (round.faultAfter !== null && outcome instanceof JournalWriteFailed),
                ).toBe(true);
              // One bad append never fails a neighbour: without a fault, every valid one lands.
              else if (round.faultAfter === null) expect(outcome).toBe("ok");
              else if (outcome !== "ok")
                expect(
                  outcome instanceof JournalWriteFailed || outcome instanceof SequenceConflict,
                ).toBe(true);
              if (outcome === "ok") {
                const pid = (events[0] as PersistentRepr).persistenceId;
                acked.set(pid, [...(acked.get(pid) ?? []), ...events]);
              }
            });
          }
          await journal.close();

          const stored = await dump(factory, name);
          const reopened = new IndexedDBJournal(factory, name);
          for (let e = 0; e <= 5; e++) {
            const pid = `e-${e}`;
            const mine = acked.get(pid) ?? [];
            // Acknowledged sequence numbers are 1..N: no gaps, nothing twice.
            expect(mine.map((r) => r.sequenceNr)).toEqual(mine.map((_, i) => i + 1));
            const chunkEvents = stored.chunks
              .filter((c) => c.persistenceId === pid)
              .flatMap((c) => c.payloads.map((p, i) => ({ seq: c.first + i, n: p.n })));
            expect(chunkEvents, `chunks of ${pid}`).toEqual(
              mine.map((r) => ({ seq: r.sequenceNr, n: (r.event as Payload).n })),
            );
            expect(stored.meta.find((m) => m.persistenceId === pid)?.highest ?? 0).toBe(
              mine.length,
            );
            const tagRows = stored.tags
              .filter((t) => t.persistenceId === pid)
              .map((t) => t.sequenceNr)
              .sort((a, b) => a - b);
            expect(tagRows, `tag rows of ${pid}`).toEqual(
              mine.filter((r) => r.tags.length > 0).map((r) => r.sequenceNr),
            );
            const read = await reopened.read(pid, 1, Number.MAX_SAFE_INTEGER);
            const fold = (events: readonly unknown[]) =>
              events.reduce<number>((sum, e) => sum * 31 + (e as Payload).n, 7);
            expect(fold(read.map((r) => r.event))).toBe(fold(mine.map((r) => r.event)));
            expect(await reopened.highestSequenceNr(pid)).toBe(mine.length);
          }
          await reopened.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a throw inside the transaction aborts it: every append of the group is told it failed, and none of it is stored", async () => {
    const factory = new IDBFactory();
    const journal = new IndexedDBJournal(factory, "abort");
    await journal.append([repr("a", 1, { n: 1 }, ["t"])]);
    // The transaction's completion promise must not be left rejected and unheard.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    failPutAfter(3); // a's tag row, b's tag row, the group's record, then the counter's put throws
    const outcomes = await Promise.allSettled([
      journal.append([repr("a", 2, { n: 2 }, ["t"])]),
      journal.append([repr("b", 1, { n: 1 }, ["t"])]),
      journal.append([repr("c", 1, { n: 1 })]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const o of outcomes)
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(JournalWriteFailed);
    const stored = await dump(factory, "abort");
    expect(stored.chunks.map((c) => `${c.persistenceId}#${c.first}`)).toEqual(["a#1"]);
    expect(stored.tags.map((t) => `${t.persistenceId}#${t.sequenceNr}`)).toEqual(["a#1"]);
    // And the journal goes on: the next group commits.
    await journal.append([repr("a", 2, { n: 2 })]);
    expect(await journal.highestSequenceNr("a")).toBe(2);
    await new Promise((r) => setTimeout(r, 10));
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it("a quota failure names its reason, though the browser's message is empty", async () => {
    const journal = new IndexedDBJournal(new IDBFactory(), "quota");
    failPutAfter(0, () => new DOMException("", "QuotaExceededError"));
    const error = await journal.append([repr("a", 1, { n: 1 })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalWriteFailed);
    expect((error as Error).message).toMatch(/QuotaExceededError: the browser's storage quota/);
    // The actor's failure carries it on.
    expect(new PersistFailure("a", error).message).toMatch(/storage quota for this site is full/);
    expect(reasonOf(new DOMException("", "UnknownError"))).toMatch(/^UnknownError: /);
    expect(reasonOf({})).toBe("no reason given");
  });
});

describe("IndexedDB journal: loss is never silent", () => {
  // Chromium sets dataLoss on the upgrade event when it deleted a corrupt database; fake-indexeddb
  // never does, so the factory here adds it to the first upgrade, as Chromium would.
  function losingFactory(message: string): IDBFactory {
    const factory = new IDBFactory();
    const open = factory.open.bind(factory);
    let lost = false;
    factory.open = (name: string, version?: number) => {
      const req = open(name, version);
      let handler: ((e: IDBVersionChangeEvent) => void) | null = null;
      req.addEventListener("upgradeneeded", (event) => {
        if (!lost) {
          lost = true;
          Object.defineProperty(event, "dataLoss", { value: "total" });
          Object.defineProperty(event, "dataLossMessage", { value: message });
        }
        handler?.(event as IDBVersionChangeEvent);
      });
      Object.defineProperty(req, "onupgradeneeded", {
        set(fn) {
          handler = fn;
        },
        get: () => handler,
      });
      return req;
    };
    return factory;
  }

  it("reports dataLoss from the open to every connection, in plain words, until acknowledged", async () => {
    const factory = losingFactory("Corruption: checksum mismatch");
    // The snapshot store happens to open first and sees the upgrade event; the journal still hears.
    const snapshots = new IndexedDBSnapshotStore(factory, "lost");
    await snapshots.loadLatest("x");
    const words: string[] = [];
    const journal = new IndexedDBJournal(factory, "lost", {
      notices: { onDataLoss: (_loss, text) => words.push(text) },
    });
    const report = await journal.opened;
    expect(report.dataLoss?.dataLoss).toBe("total");
    expect(report.dataLoss?.message).toBe("Corruption: checksum mismatch");
    expect(words).toHaveLength(1);
    expect(words[0]).toMatch(/deleted the stored events of "lost"/);
    expect(words[0]).toMatch(/checksum mismatch/);
    expect(words[0]).toMatch(/starts again from empty/);
    await journal.acknowledgeDataLoss();
    expect((await new IndexedDBJournal(factory, "lost").opened).dataLoss).toBeUndefined();
  });

  it("a database that was not lost reports no loss", async () => {
    const journal = new IndexedDBJournal(new IDBFactory(), "kept");
    expect((await journal.opened).dataLoss).toBeUndefined();
  });
});

describe("IndexedDB journal: the smaller defects", () => {
  function openV1(factory: IDBFactory, name: string, events: PersistentRepr[]) {
    return new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(name, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore("events", {
          keyPath: ["persistenceId", "sequenceNr"],
        });
        const meta = req.result.createObjectStore("meta", { keyPath: "persistenceId" });
        for (const e of events) {
          store.put(e);
          meta.put({ persistenceId: e.persistenceId, highest: e.sequenceNr });
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  it("tagged events written by schema 1 are found by readByTag after the upgrade", async () => {
    const factory = new IDBFactory();
    const old = await openV1(factory, "v1-tags", [
      repr("a", 1, { n: 1 }, ["blue"]),
      repr("a", 2, { n: 2 }),
      repr("b", 1, { n: 3 }, ["blue", "red"]),
    ]);
    old.close();
    const journal = new IndexedDBJournal(factory, "v1-tags");
    const blue = await journal.readByTag("blue", 0);
    expect(blue.map((e) => `${e.persistenceId}#${e.sequenceNr}`)).toEqual(["a#1", "b#1"]);
    expect((await journal.readByTag("red", 0)).map((e) => e.event)).toEqual([{ n: 3 }]);
    // New events get offsets after the old ones.
    await journal.append([repr("a", 3, { n: 4 }, ["blue"])]);
    const after = await journal.readByTag("blue", 0);
    expect(after.map((e) => e.offset)).toEqual([1, 3, 4]);
  });

  it("a schema-1 tab left open makes the new tab wait with a notice, not fail; it opens once the old tab closes", async () => {
    const factory = new IDBFactory();
    const old = await openV1(factory, "v1-open", [repr("a", 1, { n: 1 })]);
    // The old tab's code knows nothing of versionchange, so it stays open until it is closed.
    const notices: string[] = [];
    const journal = new IndexedDBJournal(factory, "v1-open", {
      notices: { onBlocked: () => notices.push("blocked") },
    });
    const highest = journal.highestSequenceNr("a");
    await new Promise((r) => setTimeout(r, 20));
    expect(notices).toEqual(["blocked"]);
    old.close();
    expect(await highest).toBe(1);
    expect((await journal.opened).waitedForOtherTabs).toBe(true);
  });

  it("an open journal closes for a newer version opened elsewhere, and says so", async () => {
    const factory = new IDBFactory();
    const notices: string[] = [];
    const journal = new IndexedDBJournal(factory, "newer", {
      notices: { onClosedForUpgrade: () => notices.push("closed") },
    });
    await journal.append([repr("a", 1, { n: 1 })]);
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open("newer", 99);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    expect(notices).toEqual(["closed"]);
    expect(newer.version).toBe(99);
    newer.close();
  });
});

describe("IndexedDB journal: fencing a second live writer", () => {
  it("the loser of a sequence conflict to a live owner is fenced, named to it, until the owner closes", async () => {
    const factory = new IDBFactory();
    const tabA = new IndexedDBJournal(factory, "fence", { writer: "tab A" });
    const tabB = new IndexedDBJournal(factory, "fence", { writer: "tab B" });
    await tabA.append([repr("x", 1, { n: 1 }), repr("x", 2, { n: 2 })]);
    await tabB.append([repr("x", 3, { n: 3 })]); // B recovered and took over
    const lost = await tabA.append([repr("x", 3, { n: 30 })]).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(WriterFenced);
    expect(lost).toBeInstanceOf(SequenceConflict);
    expect((lost as WriterFenced).owner).toBe("tab B");
    expect((lost as Error).message).toMatch(/owned by tab B.*tab A is fenced/);
    // Fenced: even a write with the right number, and a recovery, are refused while B runs.
    await expect(tabA.append([repr("x", 4, { n: 4 })])).rejects.toBeInstanceOf(WriterFenced);
    await expect(tabA.highestSequenceNr("x")).rejects.toBeInstanceOf(WriterFenced);
    await tabB.append([repr("x", 4, { n: 4 })]);
    // Other ids are not affected.
    await tabA.append([repr("y", 1, { n: 1 })]);
    await tabB.close();
    expect(await tabA.highestSequenceNr("x")).toBe(4);
    await tabA.append([repr("x", 5, { n: 5 })]);
    expect((await tabA.read("x", 1, 10)).map((e) => (e.event as Payload).n)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it("a conflict with a writer that is gone is a plain SequenceConflict", async () => {
    const factory = new IDBFactory();
    const old = new IndexedDBJournal(factory, "gone", { writer: "old tab" });
    await old.append([repr("x", 1, { n: 1 })]);
    await old.close();
    const now = new IndexedDBJournal(factory, "gone");
    const error = await now.append([repr("x", 1, { n: 9 })]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SequenceConflict);
    expect(error).not.toBeInstanceOf(WriterFenced);
  });

  it("two tabs running one entity with backoff do not take turns forever: the loser stops", async () => {
    type Cmd = { type: "add" };
    const factory = new IDBFactory();
    const recoveries = { A: 0, B: 0 };
    const failures: Record<string, unknown[]> = { A: [], B: [] };
    const tab = (label: "A" | "B") => {
      const journal = new IndexedDBJournal(factory, "storm", { writer: `tab ${label}` });
      const system = ActorSystem.create(Behaviors.ignore, `tab-${label}`);
      Persistence.register(system as ActorSystem<unknown>, {
        journal,
        snapshotStore: new IndexedDBSnapshotStore(factory, "storm"),
      });
      const behavior = EventSourcedBehavior.create<Cmd, { type: "added" }, number>({
        persistenceId: "counter-1",
        emptyState: 0,
        commandHandler: () => Effect.persist({ type: "added" }),
        eventHandler: (n) => n + 1,
      })
        .receiveSignal((_s, signal: EventSourcedSignal<number>) => {
          if (signal.type === "RecoveryCompleted") recoveries[label]++;
          if (signal.type === "RecoveryFailed") failures[label]?.push(signal.error);
        })
        .onPersistFailure(
          SupervisorStrategy.restartWithBackoff({ minBackoff: 5, maxBackoff: 20, randomFactor: 0 }),
        );
      return { system, ref: system.systemActorOf(behavior, "counter"), journal };
    };
    const a = tab("A");
    const b = tab("B");
    const until = Date.now() + 600;
    while (Date.now() < until) {
      a.ref.tell({ type: "add" });
      b.ref.tell({ type: "add" });
      await new Promise((r) => setTimeout(r, 5));
    }
    // Without fencing both restart dozens of times; with it, one recovery each, one at most after
    // losing, and the loser's recovery is refused with the owner's name.
    expect(recoveries.A + recoveries.B).toBeLessThanOrEqual(3);
    const fenced = [...(failures.A ?? []), ...(failures.B ?? [])];
    expect(fenced.length).toBe(1);
    expect(String((fenced[0] as Error).message)).toMatch(/owned by tab [AB]/);
    await a.system.terminate();
    await b.system.terminate();
  });
});
