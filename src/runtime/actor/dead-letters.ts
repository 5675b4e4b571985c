/** A message that could not be delivered, because its recipient had stopped. */
export interface DeadLetter {
  readonly message: unknown;
  readonly recipient: string;
  readonly time: number;
}

/**
 * The system's record of undeliverable messages. Keeps the most recent ones and a total count;
 * subscribe to see them as they happen (demos draw them; tests assert on them).
 */
export class DeadLetters {
  private readonly recent: DeadLetter[] = [];
  private readonly listeners = new Set<(letter: DeadLetter) => void>();
  /** How many dead letters there have been in all. */
  count = 0;

  constructor(private readonly keep = 1_000) {}

  /** The most recent dead letters, oldest first. */
  list(): readonly DeadLetter[] {
    return this.recent;
  }

  /** Calls `listener` with each dead letter from now on; returns an unsubscribe function. */
  subscribe(listener: (letter: DeadLetter) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal */
  publish(letter: DeadLetter): void {
    this.count++;
    this.recent.push(letter);
    if (this.recent.length > this.keep) this.recent.shift();
    for (const listener of this.listeners) listener(letter);
  }
}
