import { type Account, type Event, emptyAccount, eventHandler } from "./account";
import type { JournalEntry, Snapshot } from "./journal";

/** Snapshot policy: take one after every `every`-th event. */
export function shouldSnapshot(sequenceNr: number, every: number): boolean {
  return sequenceNr % every === 0;
}

/**
 * Recovery: start from the snapshot's state (or the empty account when there is none) and
 * apply the events written after it, in order.
 */
export function recover(
  snapshot: Snapshot<Account> | undefined,
  events: readonly JournalEntry<Event>[],
): Account {
  let state = snapshot?.state ?? emptyAccount;
  let expected = (snapshot?.sequenceNr ?? 0) + 1;
  for (const { sequenceNr, event } of events) {
    if (sequenceNr !== expected) {
      throw new Error(`expected event ${expected} during recovery, got ${sequenceNr}`);
    }
    state = eventHandler(state, event);
    expected += 1;
  }
  return state;
}
