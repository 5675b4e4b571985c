import { IDBFactory } from "fake-indexeddb";
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { IndexedDBJournal } from "./indexeddb-journal";
import type { PersistentRepr } from "./journal";

const event = (pid: string, sequenceNr: number): PersistentRepr => ({
  persistenceId: pid,
  sequenceNr,
  event: { pid, n: sequenceNr },
  timestamp: sequenceNr,
  tags: [],
  writerUuid: "w",
  manifest: "",
});

describe("IndexedDB journal: compaction in a group commit", () => {
  it("entities writing in step compact in the same transaction and read back whole", async () => {
    const journal = new IndexedDBJournal(new IDBFactory(), "compaction");
    const pids = ["a", "b", "c", "d"];
    // 70 rounds: every entity passes the compaction threshold (64 chunks) in the same commit.
    for (let seq = 1; seq <= 70; seq++) {
      await Promise.all(pids.map((pid) => journal.append([event(pid, seq)])));
    }
    expect(journal.commits).toBe(70);
    for (const pid of pids) {
      const read = await journal.read(pid, 1, 1_000);
      expect(read.map((r) => r.sequenceNr)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
      expect(read.every((r) => (r.event as { pid: string }).pid === pid)).toBe(true);
      expect(await journal.highestSequenceNr(pid)).toBe(70);
    }
    // Writing goes on after the compaction, from the sequence number it recorded.
    await journal.append([event("a", 71)]);
    expect((await journal.read("a", 60, 1_000)).map((r) => r.sequenceNr)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 60),
    );
    await journal.close();
  });
});
