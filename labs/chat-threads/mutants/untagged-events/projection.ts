import {
  type EventEnvelope,
  eventsByTag,
  type OffsetStore,
  type ProjectionHandle,
  runProjection,
  type TaggedJournal,
} from "@runtime";
import { THREAD_TAG, type ThreadEvent, type ThreadId } from "./protocol";

/** One line of the thread list a client would show. */
export interface ThreadSummary {
  readonly threadId: ThreadId;
  readonly memberCount: number;
  readonly messageCount: number;
}

interface Row extends ThreadSummary {
  /** Sequence number of this thread's last event folded into the row. */
  readonly seen: number;
  readonly destroyed: boolean;
}

/**
 * The read model: threads with their member and message counts, kept up to date from the
 * journal. It is fed at least once per event — after a crash, an event may come again — so
 * `handle` must be idempotent.
 */
export class ThreadList {
  private readonly rows = new Map<string, Row>();

  handle(envelope: EventEnvelope<ThreadEvent>): void {
    const row = this.rows.get(envelope.persistenceId);
    // A thread's events arrive in sequence order, so anything at or below what the row has
    // seen is a repeat delivery.
    if (row && envelope.sequenceNr <= row.seen) return;
    const event = envelope.event;
    if (event.type === "ThreadCreated") {
      this.rows.set(envelope.persistenceId, {
        threadId: event.threadId,
        memberCount: 1,
        messageCount: 0,
        seen: envelope.sequenceNr,
        destroyed: false,
      });
      return;
    }
    if (!row) return; // no ThreadCreated seen: not a thread this list knows
    this.rows.set(envelope.persistenceId, { ...next(row, event), seen: envelope.sequenceNr });
  }

  /** Threads that exist and are not destroyed, by thread id. */
  summaries(): ThreadSummary[] {
    return [...this.rows.values()]
      .filter((row) => !row.destroyed)
      .map(({ threadId, memberCount, messageCount }) => ({ threadId, memberCount, messageCount }))
      .sort((a, b) => a.threadId.localeCompare(b.threadId));
  }
}

function next(row: Row, event: ThreadEvent): Row {
  switch (event.type) {
    case "MemberIdsJoined":
      return { ...row, memberCount: row.memberCount + event.accountIds.length };
    case "MemberIdsLeft":
      return { ...row, memberCount: row.memberCount - event.accountIds.length };
    case "MessagesAdded":
      return { ...row, messageCount: row.messageCount + event.messages.length };
    case "MessagesRemoved":
      return { ...row, messageCount: row.messageCount - event.messageIds.length };
    case "ThreadDestroyed":
      return { ...row, destroyed: true };
    default:
      return row;
  }
}

/** The projection's name in its offset store. */
export const THREAD_LIST = "thread-list";

/**
 * Runs the projection: every event tagged `THREAD_TAG`, live, into `list`, saving the offset
 * after each one (at-least-once). Call it again after a crash: it resumes after the saved offset.
 */
export function startThreadList(
  journal: TaggedJournal,
  offsets: OffsetStore,
  list: ThreadList,
): ProjectionHandle {
  return runProjection({
    projectionId: THREAD_LIST,
    mode: "at-least-once",
    source: (after) => eventsByTag(journal, THREAD_TAG, after),
    offsetStore: offsets,
    handler: (envelope) => list.handle(envelope as EventEnvelope<ThreadEvent>),
  });
}
