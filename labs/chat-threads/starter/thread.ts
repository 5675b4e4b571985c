import type {
  AccountId,
  Message,
  MessageId,
  MessagesReply,
  ThreadChange,
  ThreadEvent,
  ThreadId,
} from "./protocol";

/**
 * The Thread aggregate: pure domain code, no actors. `decide` says which events a command
 * causes, or why it is refused; `apply` folds one event into the state. Neither reads a clock,
 * draws random numbers or changes the thread it is given.
 */

export interface Thread {
  readonly threadId: ThreadId;
  readonly status: "unborn" | "open" | "destroyed";
  readonly administratorIds: readonly AccountId[];
  readonly memberIds: readonly AccountId[];
  /** Current messages, oldest first. */
  readonly messages: Message[];
  /** Ids of messages that were posted and later removed: a retry must not bring them back. */
  readonly removedMessageIds: readonly MessageId[];
}

export function emptyThread(threadId: ThreadId): Thread {
  return {
    threadId,
    status: "unborn",
    administratorIds: [],
    memberIds: [],
    messages: [],
    removedMessageIds: [],
  };
}

export type Decision =
  | { readonly ok: true; readonly events: readonly ThreadEvent[] }
  | { readonly ok: false; readonly error: string };

const accept = (...events: ThreadEvent[]): Decision => ({ ok: true, events });
const refuse = (error: string): Decision => ({ ok: false, error });

const isMember = (thread: Thread, id: AccountId) => thread.memberIds.includes(id);

/** Decide what a command means for this thread. Never throws, never changes `thread`. */
export function decide(thread: Thread, command: ThreadChange): Decision {
  const { senderId, at } = command;
  if (command.type === "CreateThread") {
    if (thread.status !== "unborn") return refuse(`thread ${thread.threadId} already exists`);
    return accept({ type: "ThreadCreated", threadId: thread.threadId, senderId, at });
  }
  if (thread.status === "unborn") return refuse(`thread ${thread.threadId} does not exist`);
  if (thread.status === "destroyed") return refuse(`thread ${thread.threadId} was destroyed`);

  switch (command.type) {
    case "JoinMemberIds": {
      // Task 1: only administrators add members.
      const accountIds = unique(command.accountIds).filter((id) => !thread.memberIds.includes(id));
      if (accountIds.length === 0) return accept(); // already there: nothing new to record
      return accept({ type: "MemberIdsJoined", accountIds, senderId, at });
    }

    case "AddMessages": {
      const added: Message[] = command.messages.map(({ id, text }) => ({ id, senderId, text, at }));
      // Task 1: only members post. Task 4: a client that heard nothing sends the same ids again.
      // First draft: keep the messages right away, so GetMessages sees them (task 2: does it?).
      thread.messages.push(...added);
      return accept({ type: "MessagesAdded", messages: added, senderId, at });
    }

    default:
      // Task 1: destroy, administrators, leaving, removing messages.
      return refuse(`${command.type} is not written yet`);
  }
}

/** Fold one event into the thread. Returns a new thread; the old one stays as it was. */
export function apply(thread: Thread, event: ThreadEvent): Thread {
  switch (event.type) {
    case "ThreadCreated":
      return {
        ...thread,
        status: "open",
        administratorIds: [event.senderId],
        memberIds: [event.senderId],
      };
    case "ThreadDestroyed":
      return { ...thread, status: "destroyed" };
    case "AdministratorIdsJoined":
      return { ...thread, administratorIds: [...thread.administratorIds, ...event.accountIds] };
    case "AdministratorIdsLeft":
      return {
        ...thread,
        administratorIds: thread.administratorIds.filter((id) => !event.accountIds.includes(id)),
      };
    case "MemberIdsJoined":
      return { ...thread, memberIds: [...thread.memberIds, ...event.accountIds] };
    case "MemberIdsLeft":
      return {
        ...thread,
        memberIds: thread.memberIds.filter((id) => !event.accountIds.includes(id)),
      };
    case "MessagesAdded":
      return thread; // decide has already added them
    case "MessagesRemoved":
      return {
        ...thread,
        messages: thread.messages.filter((m) => !event.messageIds.includes(m.id)),
        removedMessageIds: [...thread.removedMessageIds, ...event.messageIds],
      };
  }
}

/** The messages, for a member; anyone else is refused. */
export function messagesFor(thread: Thread, senderId: AccountId): MessagesReply {
  if (thread.status === "unborn")
    return { ok: false, error: `thread ${thread.threadId} does not exist` };
  if (thread.status === "destroyed")
    return { ok: false, error: `thread ${thread.threadId} was destroyed` };
  if (!isMember(thread, senderId))
    return { ok: false, error: `${senderId} is not a member of the thread` };
  return { ok: true, messages: thread.messages };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
