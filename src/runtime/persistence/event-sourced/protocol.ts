/** @internal What the journal, the snapshot store and the test kit tell an event-sourced actor. */
export class Internal {
  constructor(
    readonly kind:
      | "loaded"
      | "replayed"
      | "recoveryFailed"
      | "persisted"
      | "persistFailed"
      | "inspect",
    readonly payload: unknown,
  ) {}
}

/** @internal The test kit's view of a running event-sourced actor. */
export type Inspection<S> = (state: S, sequenceNr: number, persistenceId: string) => void;

/** @internal Asks a running event-sourced actor for its state (used by the test kit). */
export function inspectState<S>(
  ref: { tell(message: never): void },
  callback: Inspection<S>,
): void {
  (ref as unknown as { tell(m: Internal): void }).tell(new Internal("inspect", callback));
}
