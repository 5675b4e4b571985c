import type { PersistentRepr } from "@runtime";

/** The counter event every recovery bench replays. */
export type Added = { type: "added"; n: number };

/**
 * The journal records of one counter's events `from` through `to`, each adding 1, as an actor
 * persisting one event per command would have written them. The in-memory bench
 * (bench/persistence.ts) and the IndexedDB one (bench/browser.ts, inside the page) both fill
 * their journals with it, so their recovery figures replay the same records.
 */
export function addedEvents(
  persistenceId: string,
  from: number,
  to: number,
): PersistentRepr<Added>[] {
  const events: PersistentRepr<Added>[] = [];
  for (let s = from; s <= to; s++) {
    events.push({
      persistenceId,
      sequenceNr: s,
      event: { type: "added", n: 1 },
      timestamp: s,
      tags: [],
      writerUuid: "bench",
      manifest: "",
    });
  }
  return events;
}
