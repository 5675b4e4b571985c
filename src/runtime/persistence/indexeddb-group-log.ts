/**
 * The group log: how a group commit is first stored. One group commit writes one record to the
 * `groups` object store, holding every append it carried, instead of one record per append plus
 * one metadata record per entity. In Chromium each record a transaction writes costs tens of
 * microseconds (an IPC and a database row each), while the bytes inside a record cost about a
 * microsecond per event, so a thousand entities' appends cost one record, not two thousand.
 *
 * Reads need each entity's events together, so the log is folded now and then: inside a later
 * group commit's transaction (all or nothing with it), every entity's appends in the log become
 * one chunk in `chunks`, its metadata is updated, and the log is cleared. Until then readers
 * take an entity's events from `chunks` and then from the log.
 *
 * @internal
 */
import { type Chunk, mergeChunks } from "./indexeddb-chunk";

/** The journal connection that wrote a record, as fencing names it. */
export interface Owner {
  id: string;
  label: string;
}

/** One group commit as stored in `groups`, keyed by the global offset after its last event. */
export interface GroupRecord {
  writer: Owner;
  chunks: Chunk[];
}

/**
 * Folding writes one chunk and one metadata record per entity in the log, so the log is folded
 * once its entities hold 64 events each on average (as many as compaction merges), or once it
 * holds so many events or records that a reader scanning it would pay too much.
 */
const FOLD_EVENTS_PER_ENTITY = 64;
const FOLD_EVENTS = 65_536;
const FOLD_RECORDS = 1_024;

/**
 * The log's records, indexed by entity: what a writer or reader needs to know from them. A log
 * never changes once built ({@link with} makes a new one), so a read can share the log a
 * writer last committed while a later group commit is still in flight.
 */
export class GroupLog {
  records = 0;
  events = 0;
  private chunks = new Map<string, Chunk[]>();
  private owners = new Map<string, Owner>();

  constructor(records: readonly GroupRecord[] = []) {
    for (const record of records) this.add(record, undefined);
  }

  /** This log with `record` appended; copies only the lists of the entities it touches. */
  with(record: GroupRecord): GroupLog {
    const next = new GroupLog();
    next.records = this.records;
    next.events = this.events;
    next.chunks = new Map(this.chunks);
    next.owners = new Map(this.owners);
    next.add(record, new Set());
    return next;
  }

  // `copied` names the lists already copied from the log this one was made from (undefined:
  // the lists are this log's own).
  private add(record: GroupRecord, copied: Set<string> | undefined): void {
    this.records++;
    for (const chunk of record.chunks) {
      const pid = chunk.persistenceId;
      const list = this.chunks.get(pid);
      if (list === undefined) {
        this.chunks.set(pid, [chunk]);
        copied?.add(pid);
      } else if (copied === undefined || copied.has(pid)) list.push(chunk);
      else {
        this.chunks.set(pid, [...list, chunk]);
        copied.add(pid);
      }
      this.owners.set(pid, record.writer);
      this.events += chunk.last - chunk.first + 1;
    }
  }

  /** The entities with appends in the log. */
  get persistenceIds(): IterableIterator<string> {
    return this.chunks.keys();
  }

  /** The entity's appends in the log, oldest first. */
  chunksOf(pid: string): readonly Chunk[] {
    return this.chunks.get(pid) ?? [];
  }

  /** The highest sequence number the log holds for the entity (0: none). */
  highest(pid: string): number {
    const list = this.chunks.get(pid);
    return list ? (list[list.length - 1] as Chunk).last : 0;
  }

  /** Who wrote the entity's newest append in the log. */
  owner(pid: string): Owner | undefined {
    return this.owners.get(pid);
  }

  get shouldFold(): boolean {
    return (
      this.events >= FOLD_EVENTS_PER_ENTITY * this.chunks.size ||
      this.events >= FOLD_EVENTS ||
      this.records >= FOLD_RECORDS
    );
  }

  /** Each entity's appends in the log as one chunk. */
  *folded(): Generator<{ chunk: Chunk; owner: Owner }> {
    for (const [pid, list] of this.chunks) {
      const chunk = list.length === 1 ? (list[0] as Chunk) : mergeChunks(list);
      yield { chunk, owner: this.owners.get(pid) as Owner };
    }
  }
}
