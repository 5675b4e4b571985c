import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dropThrough, eventsOf, mergeChunks, toChunk } from "./indexeddb-chunk";
import type { PersistentRepr } from "./journal";

const events = (pid: string, from: number) =>
  fc
    .array(
      fc.record({
        event: fc.jsonValue(),
        timestamp: fc.integer({ min: 0, max: 2 ** 40 }),
        tags: fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 2 }),
        writerUuid: fc.constantFrom("w1", "w2"),
        manifest: fc.constantFrom("", "v2"),
      }),
      { minLength: 1, maxLength: 20 },
    )
    .map((rows) =>
      rows.map((r, i): PersistentRepr => ({ ...r, persistenceId: pid, sequenceNr: from + i })),
    );

describe("the columnar chunk layout", () => {
  it("gives back every field of every event, whatever mix of tags, writers and manifests", () => {
    fc.assert(
      fc.property(events("p", 7), (written) => {
        // Through structured clone, as IndexedDB stores it.
        const stored = structuredClone(toChunk(written));
        expect(stored.last).toBe(7 + written.length - 1);
        expect(eventsOf(stored)).toEqual(written);
      }),
    );
  });

  it("stores shared fields once and leaves out tags when no event has one", () => {
    const chunk = toChunk(
      [1, 2, 3].map((n) => ({
        persistenceId: "p",
        sequenceNr: n,
        event: { n },
        timestamp: n,
        tags: [],
        writerUuid: "w",
        manifest: "",
      })),
    );
    expect(chunk.writerUuid).toBe("w");
    expect(chunk.manifest).toBe("");
    expect(chunk.tags).toBeUndefined();
    expect(chunk.timestamps).toBeInstanceOf(Float64Array);
  });

  it("merges consecutive chunks and cuts a straddling one without losing or reordering events", () => {
    fc.assert(
      fc.property(events("p", 1), events("p", 100), fc.nat(), (a, b0, cutSeed) => {
        const b = b0.map((e, i) => ({ ...e, sequenceNr: a.length + 1 + i }));
        const merged = mergeChunks([toChunk(a), toChunk(b)]);
        expect(eventsOf(merged)).toEqual([...a, ...b]);
        const cut = 1 + (cutSeed % (a.length + b.length - 1 || 1));
        if (cut < a.length + b.length) {
          const rest = dropThrough(merged, cut);
          expect(rest.first).toBe(cut + 1);
          expect(eventsOf(rest)).toEqual([...a, ...b].slice(cut));
        }
      }),
    );
  });
});
