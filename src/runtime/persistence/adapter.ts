/**
 * Translates events between the domain model and what the journal stores, so the model can
 * evolve while old events stay readable. `fromJournal` is the upcaster: it receives whatever an
 * older version wrote, with the manifest that version recorded.
 *
 * @example
 * // v1 stored { type: "deposited", amount }; v2 adds a currency.
 * const depositsV2: EventAdapter<Evt> = {
 *   manifest: () => "v2",
 *   toJournal: (e) => e,
 *   fromJournal: (stored, manifest) =>
 *     manifest === "v2" ? (stored as Evt) : { ...(stored as { type: "deposited"; amount: number }), currency: "EUR" },
 * };
 * EventSourcedBehavior.create({ ... }).withEventAdapter(depositsV2);
 */
export interface EventAdapter<E> {
  /** A schema name or version stored with each event. */
  manifest(event: E): string;
  /** The form written to the journal. */
  toJournal(event: E): unknown;
  /** Rebuilds a domain event from any stored version. */
  fromJournal(stored: unknown, manifest: string): E;
}
