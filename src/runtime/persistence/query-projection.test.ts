import { IDBFactory } from "fake-indexeddb";
import "fake-indexeddb/auto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Effect,
  type EventAdapter,
  EventSourcedBehavior,
  EventSourcedBehaviorTestKit,
} from "../index";
import { VirtualScheduler } from "../sim/virtual-scheduler";
import { IndexedDBJournal } from "./indexeddb-journal";
import type { PersistentRepr } from "./journal";
import { InMemoryJournal } from "./memory-journal";
import { InMemoryOffsetStore, InMemoryReadModel } from "./offset-store";
import { runProjection } from "./projection";
import {
  currentEventsByPersistenceId,
  currentEventsByTag,
  type EventEnvelope,
  eventsByPersistenceId,
  eventsByTag,
} from "./query";

const repr = (
  pid: string,
  sequenceNr: number,
  tags: string[] = [],
  event: unknown = { n: sequenceNr },
): PersistentRepr => ({
  persistenceId: pid,
  sequenceNr,
  event,
  timestamp: 0,
  tags,
  writerUuid: "w",
  manifest: "",
});

describe("event adapters", () => {
  type Deposited = { type: "deposited"; amount: number; currency: string };
  const upcaster: EventAdapter<Deposited> = {
    manifest: () => "v2",
    toJournal: (e) => e,
    fromJournal: (stored, manifest) =>
      manifest === "v2"
        ? (stored as Deposited)
        : { ...(stored as { type: "deposited"; amount: number }), currency: "EUR" },
  };
  const wallet = () =>
    EventSourcedBehavior.create<
      { amount: number },
      Deposited,
      { total: number; currencies: string[] }
    >({
      persistenceId: "wallet",
      emptyState: { total: 0, currencies: [] },
      commandHandler: (_s, cmd) =>
        Effect.persist({ type: "deposited", amount: cmd.amount, currency: "USD" }),
      eventHandler: (s, e) => ({
        total: s.total + e.amount,
        currencies: [...s.currencies, e.currency],
      }),
    }).withEventAdapter(upcaster);

  it("upcasts events an older version stored, and records the manifest on write", async () => {
    const kit = await EventSourcedBehaviorTestKit.create(wallet());
    // An event written before the currency existed (no manifest).
    await kit.journal.append([repr("wallet", 1, [], { type: "deposited", amount: 5 })]);
    expect(await kit.restart()).toEqual({ total: 5, currencies: ["EUR"] });
    await kit.runCommand({ amount: 7 });
    const stored = await kit.journal.read("wallet", 1, 10);
    expect(stored.map((e) => e.manifest)).toEqual(["", "v2"]);
    expect(await kit.restart()).toEqual({ total: 12, currencies: ["EUR", "USD"] });
  });
});

describe("queries", () => {
  it("reads one entity's events now and follows new ones until cancelled", async () => {
    const journal = new InMemoryJournal();
    await journal.append([repr("a", 1), repr("a", 2)]);
    expect((await currentEventsByPersistenceId(journal, "a", 2)).map((e) => e.sequenceNr)).toEqual([
      2,
    ]);
    const stream = eventsByPersistenceId(journal, "a");
    const seen: number[] = [];
    const reading = (async () => {
      for await (const e of stream) {
        seen.push(e.sequenceNr);
        if (seen.length === 4) stream.cancel();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    await journal.append([repr("b", 1)]);
    await journal.append([repr("a", 3), repr("a", 4)]);
    await reading;
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("gives every tagged event exactly once, in offset order, now and live", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ pid: fc.constantFrom("a", "b", "c"), tags: fc.subarray(["red", "blue"]) }),
          { maxLength: 40 },
        ),
        fc.nat(40),
        async (writes, split) => {
          const journal = new InMemoryJournal();
          const next = new Map<string, number>();
          const write = async (w: { pid: string; tags: string[] }) => {
            const seq = (next.get(w.pid) ?? 0) + 1;
            next.set(w.pid, seq);
            await journal.append([repr(w.pid, seq, w.tags)]);
          };
          const before = writes.slice(0, split);
          const after = writes.slice(split);
          for (const w of before) await write(w);
          const expected = writes
            .map((w, i) => ({ w, i }))
            .filter(({ w }) => w.tags.includes("red"))
            .map(({ i }) => i + 1);
          const stream = eventsByTag(journal, "red");
          const seen: EventEnvelope[] = [];
          const reading = (async () => {
            if (expected.length === 0) return;
            for await (const e of stream) {
              seen.push(e);
              if (seen.length === expected.length) stream.cancel();
            }
          })();
          for (const w of after) await write(w);
          await reading;
          expect(seen.map((e) => e.offset)).toEqual(expected);
          expect((await journal.readByTag("red", 0)).map((e) => e.offset)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("projections", () => {
  // Appends must follow per-pid numbering: p1 gets 1,2,3… as i = 1,4,7…; make that exact.
  const fillExact = async (journal: InMemoryJournal, n: number) => {
    const next = new Map<string, number>();
    for (let i = 1; i <= n; i++) {
      const pid = `p${i % 3}`;
      const seq = (next.get(pid) ?? 0) + 1;
      next.set(pid, seq);
      await journal.append([repr(pid, seq, ["t"], { n: i })]);
    }
  };

  it("at-least-once never skips an event, however often it crashes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        async (n, crashes) => {
          const journal = new InMemoryJournal();
          await fillExact(journal, n);
          const offsets = new InMemoryOffsetStore();
          const handled = new Map<number, number>();
          let step = 0;
          const run = () =>
            runProjection({
              projectionId: "p",
              source: (after) => currentEventsByTag(journal, "t", after),
              mode: "at-least-once",
              offsetStore: offsets,
              handler: (e) => {
                handled.set(e.offset, (handled.get(e.offset) ?? 0) + 1);
                // A crash after handling, before the offset is stored.
                if (crashes[step++ % crashes.length]) throw new Error("crash");
              },
            }).done;
          let finished = false;
          for (let attempt = 0; attempt < 200 && !finished; attempt++) {
            finished = await run().then(
              () => true,
              () => false, // restart from the stored offset
            );
          }
          expect(finished).toBe(true);
          for (let offset = 1; offset <= n; offset++)
            expect(handled.get(offset) ?? 0).toBeGreaterThanOrEqual(1);
          expect(await offsets.load("p")).toBe(n);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("exactly-once folds each event exactly once, even when commits fail", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        async (n, failures) => {
          const journal = new InMemoryJournal();
          await fillExact(journal, n);
          const readModel = new InMemoryReadModel<number[]>([]);
          let step = 0;
          const run = () => {
            if (failures[step++ % failures.length]) readModel.failNextCommit();
            return runProjection({
              projectionId: "p",
              source: (after) => currentEventsByTag(journal, "t", after),
              mode: "exactly-once",
              offsetStore: readModel,
              handler: (e) => (model: number[]) => [...model, (e.event as { n: number }).n],
            }).done;
          };
          let finished = false;
          for (let attempt = 0; attempt < 500 && !finished; attempt++) {
            finished = await run().then(
              () => true,
              () => false, // restart from the committed state
            );
          }
          expect(readModel.model).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          expect(await readModel.load("p")).toBe(n);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a failed commit changes neither the model nor the offset", async () => {
    const readModel = new InMemoryReadModel<number>(0);
    await readModel.commit("sum", 1, (m) => m + 5);
    readModel.failNextCommit();
    await expect(readModel.commit("sum", 2, (m) => m + 7)).rejects.toThrow(/injected/);
    expect(readModel.model).toBe(5);
    expect(await readModel.load("sum")).toBe(1);
  });

  it("follows new events live once started, and stops", async () => {
    const journal = new InMemoryJournal();
    const readModel = new InMemoryReadModel<number>(0);
    await fillExact(journal, 3);
    const projection = runProjection({
      projectionId: "sum",
      source: (after) => eventsByTag(journal, "t", after),
      mode: "exactly-once",
      offsetStore: readModel,
      handler: (e) => (sum: number) => sum + (e.event as { n: number }).n,
    });
    await projection.reached(3);
    expect(readModel.model).toBe(6);
    await journal.append([repr("z", 1, ["t"], { n: 10 })]);
    await projection.reached(4);
    expect(readModel.model).toBe(16);
    await projection.stop();
    await journal.append([repr("z", 2, ["t"], { n: 100 })]);
    await expect(projection.reached(5)).rejects.toThrow(/ended at offset 4/);
    expect(readModel.model).toBe(16);
  });

  it("follows an IndexedDB journal by polling, on a virtual clock", async () => {
    const journal = new IndexedDBJournal(new IDBFactory(), "projection-poll");
    const scheduler = new VirtualScheduler();
    const readModel = new InMemoryReadModel<number>(0);
    const projection = runProjection({
      projectionId: "sum",
      source: (after) => eventsByTag(journal, "t", after, { scheduler, pollIntervalMs: 50 }),
      mode: "exactly-once",
      offsetStore: readModel,
      handler: (e) => (sum: number) => sum + (e.event as { n: number }).n,
    });
    await journal.append([repr("a", 1, ["t"], { n: 2 }), repr("a", 2, [], { n: 99 })]);
    // Nothing notifies the projection: only a poll finds the new event.
    const reached = projection.reached(1);
    for (let i = 0; i < 20 && readModel.model === 0; i++) {
      scheduler.advanceBySync(50);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await reached;
    expect(readModel.model).toBe(2);
    await projection.stop();
    await journal.close();
  });
});
