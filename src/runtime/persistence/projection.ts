import type { EventEnvelope, TaggedJournal } from "./query";

/** Where a projection remembers how far it got. */
export interface OffsetStore {
  load(projectionId: string): Promise<number>;
  save(projectionId: string, offset: number): Promise<void>;
}

/** An {@link OffsetStore} in memory. */
export class InMemoryOffsetStore implements OffsetStore {
  private readonly offsets = new Map<string, number>();
  load(projectionId: string): Promise<number> {
    return Promise.resolve(this.offsets.get(projectionId) ?? 0);
  }
  save(projectionId: string, offset: number): Promise<void> {
    this.offsets.set(projectionId, offset);
    return Promise.resolve();
  }
}

/**
 * A read model whose state and offset are committed together, which is what makes a projection
 * exactly-once: after a crash it resumes from a state that already contains every event up to
 * its offset, and none after.
 */
export interface ReadModelStore<R> {
  load(projectionId: string): Promise<{ offset: number; model: R } | undefined>;
  commit(projectionId: string, offset: number, model: R): Promise<void>;
}

/** A {@link ReadModelStore} in memory. */
export class InMemoryReadModelStore<R> implements ReadModelStore<R> {
  private readonly rows = new Map<string, { offset: number; model: R }>();
  load(projectionId: string): Promise<{ offset: number; model: R } | undefined> {
    return Promise.resolve(this.rows.get(projectionId));
  }
  commit(projectionId: string, offset: number, model: R): Promise<void> {
    this.rows.set(projectionId, { offset, model });
    return Promise.resolve();
  }
}

interface Common {
  projectionId: string;
  journal: TaggedJournal;
  tag: string;
}

/** At-least-once: run `handler`, then store the offset. A crash in between replays the event. */
export interface AtLeastOnceOptions extends Common {
  mode: "at-least-once";
  offsetStore: OffsetStore;
  handler: (envelope: EventEnvelope) => void | Promise<void>;
}

/** Exactly-once: fold each event into a read model committed atomically with its offset. */
export interface ExactlyOnceOptions<R> extends Common {
  mode: "exactly-once";
  store: ReadModelStore<R>;
  initial: R;
  apply: (model: R, envelope: EventEnvelope) => R;
}

/**
 * Keeps a read model up to date from tagged events (the Q in CQRS). `catchUp()` processes
 * everything stored so far; `start()` also follows new events until `stop()`. Both resume from
 * the stored offset, so a crashed projection is simply started again.
 *
 * @example
 * const members = new Projection({
 *   projectionId: "thread-members", journal, tag: "thread", mode: "exactly-once",
 *   store: new InMemoryReadModelStore<Record<string, string[]>>(), initial: {},
 *   apply: (model, e) => addMember(model, e),
 * });
 * await members.catchUp();
 */
export class Projection<R = unknown> {
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The last error a live run stopped on, if any. */
  failure: unknown;

  constructor(private readonly options: AtLeastOnceOptions | ExactlyOnceOptions<R>) {}

  /** Processes every stored event after the saved offset; resolves with how many it handled. */
  async catchUp(): Promise<number> {
    const o = this.options;
    let handled = 0;
    if (o.mode === "at-least-once") {
      let offset = await o.offsetStore.load(o.projectionId);
      for (;;) {
        const batch = await o.journal.readByTag(o.tag, offset, 1_000);
        if (batch.length === 0) return handled;
        for (const envelope of batch) {
          await o.handler(envelope);
          await o.offsetStore.save(o.projectionId, envelope.offset);
          offset = envelope.offset;
          handled++;
        }
      }
    }
    const saved = await o.store.load(o.projectionId);
    let offset = saved?.offset ?? 0;
    let model = saved ? saved.model : o.initial;
    for (;;) {
      const batch = await o.journal.readByTag(o.tag, offset, 1_000);
      if (batch.length === 0) return handled;
      for (const envelope of batch) {
        model = o.apply(model, envelope);
        offset = envelope.offset;
        await o.store.commit(o.projectionId, offset, model);
        handled++;
      }
    }
  }

  /** Catches up, then follows new events as they are written. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const run = () => {
      this.chain = this.chain
        .then(() => (this.running ? this.catchUp() : 0))
        .then(
          () => undefined,
          (error: unknown) => {
            this.failure = error;
            this.stop();
          },
        );
    };
    this.unsubscribe = this.options.journal.subscribe(run);
    run();
  }

  /** Stops following; resolves once the current batch is done. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.chain;
  }

  /** Resolves when every event written so far has been processed (for tests and demos). */
  idle(): Promise<void> {
    return this.chain;
  }
}
