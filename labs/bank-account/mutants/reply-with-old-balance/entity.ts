import { EventSourcedBehavior } from "@runtime";
import {
  type Account,
  type Command,
  commandHandler,
  type Event,
  emptyAccount,
  eventHandler,
} from "./account";

export interface AccountOptions {
  /** Save a snapshot after every n-th event; leave it out for no snapshots. */
  readonly snapshotEvery?: number;
}

/** The journal key of an account: one stream of events per account. */
export function persistenceIdOf(accountId: string): string {
  return `account-${accountId}`;
}

/**
 * The account as an event-sourced behaviour: the runtime stashes commands while it writes,
 * applies events only once they are stored, and recovers from the newest snapshot plus the
 * events after it.
 */
export function accountEntity(
  accountId: string,
  options: AccountOptions = {},
): EventSourcedBehavior<Command, Event, Account> {
  const behavior = EventSourcedBehavior.create<Command, Event, Account>({
    persistenceId: persistenceIdOf(accountId),
    emptyState: emptyAccount,
    commandHandler,
    eventHandler,
  });
  if (options.snapshotEvery === undefined) return behavior;
  return behavior.withRetention({ snapshotEvery: options.snapshotEvery, keep: 2 });
}
