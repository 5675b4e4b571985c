import { type Account, type Command, commandHandler, type Event, eventHandler } from "./account";
import { isRejection } from "./effects";
import { InMemoryJournal, InMemorySnapshotStore } from "./journal";
import { recover, shouldSnapshot } from "./recovery";

/** The reply to a command: what was written, or why nothing was. */
export type Reply =
  | { readonly accepted: true; readonly events: readonly Event[] }
  | { readonly accepted: false; readonly error: string };

export interface AccountStores {
  readonly journal: InMemoryJournal<Event>;
  readonly snapshots: InMemorySnapshotStore<Account>;
  /** Snapshot policy parameter handed to `shouldSnapshot`; 0 turns snapshots off. */
  readonly snapshotEvery: number;
}

/** Fresh, empty stores. */
export function newStores(snapshotEvery = 0): AccountStores {
  return { journal: new InMemoryJournal(), snapshots: new InMemorySnapshotStore(), snapshotEvery };
}

/**
 * An event-sourced account, wired the way the runtime wires an event-sourced behaviour: decide
 * with `commandHandler`, persist, then apply with `eventHandler`; recover from the latest
 * snapshot plus the events after it.
 */
export class AccountEntity {
  private constructor(
    readonly persistenceId: string,
    private readonly stores: AccountStores,
    private current: Account,
    private sequenceNr: number,
  ) {}

  /** Starts (or restarts) the entity: recovery runs before the first command. */
  static start(persistenceId: string, stores: AccountStores): AccountEntity {
    const snapshot = stores.snapshots.latest(persistenceId);
    const events = stores.journal.read(persistenceId, snapshot?.sequenceNr ?? 0);
    const state = recover(snapshot, events);
    return new AccountEntity(
      persistenceId,
      stores,
      state,
      stores.journal.highestSequenceNr(persistenceId),
    );
  }

  get state(): Account {
    return this.current;
  }

  get lastSequenceNr(): number {
    return this.sequenceNr;
  }

  handle(command: Command): Reply {
    const decision = commandHandler(this.current, command);
    if (isRejection(decision)) return { accepted: false, error: decision.error };
    // Write first; apply only once the write has succeeded.
    this.stores.journal.append(this.persistenceId, this.sequenceNr, decision.events);
    for (const event of decision.events) {
      this.current = eventHandler(this.current, event);
      this.sequenceNr += 1;
      const every = this.stores.snapshotEvery;
      if (every > 0 && shouldSnapshot(this.sequenceNr, every)) {
        this.stores.snapshots.save(this.persistenceId, {
          sequenceNr: this.sequenceNr,
          state: this.current,
        });
      }
    }
    return { accepted: true, events: decision.events };
  }
}
