import type { AtomicWrite, EventWrite, PersistentRepr } from "./journal";

/** Who wrote a run of events, and in which schema: both change rarely, so they are run-length coded. */
interface Origin {
  /** The first sequence number this origin applies to. */
  readonly from: number;
  readonly writerUuid: string;
  readonly manifest: string;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * @internal One persistence id's events in the in-memory journal, stored column by column:
 * payloads by reference, timestamps as numbers, writer and manifest once per run, tags only for
 * events that have them. The records a reader gets are rebuilt on each read.
 *
 * Why not keep the writer's records: an actor persisting a million events would leave a million
 * small objects alive, and the collector copies every one of them twice (young generation, then
 * old) — that, not the writing, was most of the cost of persisting in memory.
 */
export class StoredStream {
  /** Sequence number of the oldest event still stored (`payloads[0]`). */
  firstSeq = 1;
  /** The highest sequence number ever stored; it survives deletion. */
  highest = 0;
  private payloads: unknown[] = [];
  private timestamps: number[] = [];
  private origins: Origin[] = [];
  private tags: Map<number, readonly string[]> | undefined;

  /** False once its journal forgot it (`clear`): a writer's handle to it is then stale. */
  live = true;

  constructor(
    readonly persistenceId: string,
    /** The journal that holds it, so a handle is never used with another journal. */
    readonly owner: object,
  ) {}

  /** Stores a write the journal has checked: consecutive, starting at `highest + 1`. */
  append(events: AtomicWrite): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as PersistentRepr;
      this.push(e.event, e.timestamp, e.writerUuid, e.manifest, e.tags);
    }
  }

  /** The same for a write handed over as columns (see `Journal.appendAcked`). */
  appendColumns(write: EventWrite): void {
    const { payloads, timestamp, writerUuid, manifest, tags } = write;
    for (let i = 0; i < payloads.length; i++) {
      this.push(
        payloads[i],
        timestamp,
        writerUuid,
        typeof manifest === "string" ? manifest : (manifest[i] as string),
        tags === undefined ? NO_TAGS : (tags[i] as readonly string[]),
      );
    }
  }

  private push(
    payload: unknown,
    timestamp: number,
    writerUuid: string,
    manifest: string,
    tags: readonly string[],
  ): void {
    const seq = ++this.highest;
    this.payloads.push(payload);
    this.timestamps.push(timestamp);
    const last = this.origins[this.origins.length - 1];
    if (last === undefined || last.writerUuid !== writerUuid || last.manifest !== manifest) {
      this.origins.push({ from: seq, writerUuid, manifest });
    }
    if (tags.length > 0) {
      this.tags ??= new Map();
      this.tags.set(seq, tags);
    }
  }

  /** Stored events with from ≤ sequenceNr ≤ to, oldest first, at most `max`. */
  read(from: number, to: number, max: number): PersistentRepr[] {
    const out: PersistentRepr[] = [];
    this.scan(from, to, max, (seq, origin) => out.push(this.record(seq, origin)));
    return out;
  }

  /** Like `read`, but hands each event's parts to `visit` instead of building records. */
  replay(
    from: number,
    to: number,
    max: number,
    visit: (event: unknown, sequenceNr: number, timestamp: number, manifest: string) => void,
  ): number {
    const { payloads, timestamps, firstSeq } = this;
    return this.scan(from, to, max, (seq, origin) => {
      const i = seq - firstSeq;
      visit(payloads[i], seq, timestamps[i] as number, origin.manifest);
    });
  }

  /** Calls `each` for the stored sequence numbers in range, with their origin; returns how many. */
  private scan(
    from: number,
    to: number,
    max: number,
    each: (seq: number, origin: Origin) => void,
  ): number {
    const lo = Math.max(from, this.firstSeq);
    const hi = Math.min(to, this.highest, lo + max - 1);
    if (hi < lo) return 0;
    const origins = this.origins;
    let o = this.originAt(lo);
    for (let seq = lo; seq <= hi; seq++) {
      while (o + 1 < origins.length && (origins[o + 1] as Origin).from <= seq) o++;
      each(seq, origins[o] as Origin);
    }
    return hi - lo + 1;
  }

  /** The event with this sequence number, or undefined if it was deleted or never stored. */
  at(seq: number): PersistentRepr | undefined {
    if (seq < this.firstSeq || seq > this.highest) return undefined;
    return this.record(seq, this.origins[this.originAt(seq)] as Origin);
  }

  /** The tags stored with `seq`, or undefined when it has none. */
  tagsAt(seq: number): readonly string[] | undefined {
    return this.tags?.get(seq);
  }

  /** Deletes events up to and including `toSequenceNr`. */
  deleteTo(toSequenceNr: number): void {
    if (toSequenceNr < this.firstSeq) return;
    const upTo = Math.min(toSequenceNr, this.highest);
    const count = upTo - this.firstSeq + 1;
    this.payloads.splice(0, count);
    this.timestamps.splice(0, count);
    this.firstSeq = upTo + 1;
    // Keep the origin in force at the new first event, and every later one.
    this.origins.splice(0, this.originAt(this.firstSeq));
    if (this.tags) for (const seq of this.tags.keys()) if (seq <= upTo) this.tags.delete(seq);
  }

  private record(seq: number, origin: Origin): PersistentRepr {
    const i = seq - this.firstSeq;
    return {
      persistenceId: this.persistenceId,
      sequenceNr: seq,
      event: this.payloads[i],
      timestamp: this.timestamps[i] as number,
      tags: this.tags?.get(seq) ?? NO_TAGS,
      writerUuid: origin.writerUuid,
      manifest: origin.manifest,
    };
  }

  /** Index of the origin in force at `seq`: the last one starting at or before it. */
  private originAt(seq: number): number {
    let lo = 0;
    let hi = this.origins.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.origins[mid] as Origin).from <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
