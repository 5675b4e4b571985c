/**
 * Thrown (and so handed to supervision) when storing events failed. Only the strategy given
 * to `onPersistFailure` handles it (the default stops the actor): an ordinary supervisor's
 * resume or restart never applies to a journal failure, as in Akka.
 */
export class PersistFailure extends Error {
  constructor(
    readonly persistenceId: string,
    override readonly cause: unknown,
  ) {
    super(
      `persisting events for "${persistenceId}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "PersistFailure";
  }
}

/**
 * Thrown when recovery could not read the snapshot or journal, an event handler threw during
 * replay, or the RecoveryCompleted handler threw. Handled like a {@link PersistFailure}.
 */
export class RecoveryFailure extends Error {
  constructor(
    readonly persistenceId: string,
    override readonly cause: unknown,
  ) {
    super(
      `recovery of "${persistenceId}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "RecoveryFailure";
  }
}

/**
 * @internal A recovery the journal refused because another live writer owns the persistence id
 * (`WriterFenced`). It stops the actor whatever `onPersistFailure` says: retrying would only
 * take turns with the owner.
 */
export class FencedRecoveryFailure extends RecoveryFailure {}
