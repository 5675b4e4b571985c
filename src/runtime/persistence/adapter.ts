import type { AtomicWrite, Journal, PersistentRepr } from "./journal";
import type { EventEnvelope, TaggedJournal } from "./query";

/**
 * Translates events between the domain model and what the journal stores, so the model can
 * evolve while old events stay readable. `manifest` names the schema version written with each
 * event; `fromJournal` is the upcaster: it receives whatever an older version wrote, with the
 * manifest that version recorded ("" if it recorded none).
 *
 * @example Upcasting v1 events that had no currency
 * ```ts
 * // v1 stored { type: "deposited", amount }; v2 adds a currency. Old events read back as EUR.
 * type Deposited = { type: "deposited"; amount: number; currency: string };
 * const depositsV2: EventAdapter<Deposited> = {
 *   manifest: () => "deposited/v2",
 *   toJournal: (e) => e,
 *   fromJournal: (stored, manifest) =>
 *     manifest === "deposited/v2"
 *       ? (stored as Deposited)
 *       : { ...(stored as { type: "deposited"; amount: number }), currency: "EUR" },
 * };
 * declare const account: EventSourcedBehavior<unknown, Deposited, { balance: number }>;
 * const adapted = account.withEventAdapter(depositsV2); // for one entity type
 * ```
 */
export interface EventAdapter<E> {
  /** A schema name or version stored with each event. */
  manifest(event: E): string;
  /** The form written to the journal. */
  toJournal(event: E): unknown;
  /** Rebuilds a domain event from any stored version. */
  fromJournal(stored: unknown, manifest: string): E;
}

/**
 * A journal seen through an {@link EventAdapter}: appends store `toJournal(event)` with its
 * manifest, and every read (by persistence id or by tag) upcasts with `fromJournal`. Use it so
 * queries and projections see current-version events; don't also give the same adapter to an
 * event-sourced behaviour writing through it (that would adapt twice).
 *
 * @example Queries that see only current-version events
 * ```ts
 * type Deposited = { type: "deposited"; amount: number; currency: string };
 * declare const depositsV2: EventAdapter<Deposited>;
 * const journal = new AdaptedJournal(new InMemoryJournal(), depositsV2);
 * const deposits = await journal.readByTag("deposits", 0); // upcast on the way out
 * const total = deposits.reduce((sum, e) => sum + e.event.amount, 0);
 * ```
 */
export class AdaptedJournal<E> implements TaggedJournal {
  constructor(
    private readonly inner: Journal & Partial<Pick<TaggedJournal, "readByTag" | "subscribe">>,
    private readonly adapter: EventAdapter<E>,
  ) {
    const subscribe = inner.subscribe;
    if (subscribe) this.subscribe = (listener) => subscribe.call(inner, listener);
  }

  subscribe?: TaggedJournal["subscribe"];

  append(events: AtomicWrite): Promise<void> {
    const adapter = this.adapter;
    return this.inner.append(
      events.map((e) => ({
        ...e,
        event: adapter.toJournal(e.event as E),
        manifest: adapter.manifest(e.event as E),
      })),
    );
  }

  async read(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max?: number,
  ): Promise<PersistentRepr<E>[]> {
    const stored = await this.inner.read(persistenceId, fromSequenceNr, toSequenceNr, max);
    const adapter = this.adapter;
    return stored.map((e) => ({ ...e, event: adapter.fromJournal(e.event, e.manifest) }));
  }

  highestSequenceNr(persistenceId: string): Promise<number> {
    return this.inner.highestSequenceNr(persistenceId);
  }

  deleteTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    return this.inner.deleteTo(persistenceId, toSequenceNr);
  }

  async readByTag(tag: string, afterOffset: number, max?: number): Promise<EventEnvelope<E>[]> {
    if (!this.inner.readByTag)
      throw new Error("AdaptedJournal: the wrapped journal does not support tag queries");
    const stored = await this.inner.readByTag(tag, afterOffset, max);
    const adapter = this.adapter;
    return stored.map((e) => ({ ...e, event: adapter.fromJournal(e.event, e.manifest ?? "") }));
  }
}
