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
  readonly messages: readonly Message[];
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

/** Exported as well: a file may export more than the checks use. */
export const isAdministrator = (thread: Thread, id: AccountId) =>
  new Set(thread.administratorIds).has(id);
export const isMember = (thread: Thread, id: AccountId) => new Set(thread.memberIds).has(id);

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
    case "DestroyThread":
      if (!isAdministrator(thread, senderId))
        return refuse(`${senderId} is not an administrator, so cannot destroy the thread`);
      return accept({ type: "ThreadDestroyed", senderId, at });

    case "JoinAdministratorIds":
    case "JoinMemberIds": {
      if (!isAdministrator(thread, senderId))
        return refuse(`${senderId} is not an administrator, so cannot add accounts`);
      const administrators = command.type === "JoinAdministratorIds";
      const current = administrators ? thread.administratorIds : thread.memberIds;
      const there = new Set(current);
      // One event per account that joins.
      return accept(
        ...unique(command.accountIds)
          .filter((id) => !there.has(id))
          .map(
            (id): ThreadEvent => ({
              type: administrators ? "AdministratorIdsJoined" : "MemberIdsJoined",
              accountIds: [id],
              senderId,
              at,
            }),
          ),
      );
    }

    case "LeaveAdministratorIds":
    case "LeaveMemberIds": {
      const administrators = command.type === "LeaveAdministratorIds";
      const onlySelf = command.accountIds.every((id) => id === senderId);
      if (!isAdministrator(thread, senderId) && !(onlySelf && !administrators))
        return refuse(`${senderId} may only take themselves out of the members`);
      const current = administrators ? thread.administratorIds : thread.memberIds;
      const accountIds = unique(command.accountIds).filter((id) => current.includes(id));
      if (administrators && accountIds.length === current.length)
        return refuse("a thread must keep at least one administrator");
      if (accountIds.length === 0) return accept();
      return accept({
        type: administrators ? "AdministratorIdsLeft" : "MemberIdsLeft",
        accountIds,
        senderId,
        at,
      });
    }

    case "AddMessages": {
      if (!isMember(thread, senderId)) return refuse(`${senderId} is not a member of the thread`);
      const fresh: Message[] = [];
      for (const { id, text } of command.messages) {
        if (typeof text !== "string" || text.trim() === "")
          return refuse(`message ${id} has no text`);
        const known = thread.messages.find((m) => m.id === id);
        // The same message sent again (a retry after a lost reply) is already done.
        if (known && known.senderId === senderId && known.text === text) continue;
        if (known || fresh.some((m) => m.id === id))
          return refuse(`message id ${id} is already taken`);
        if (thread.removedMessageIds.includes(id)) continue;
        fresh.push({ id, senderId, text, at });
      }
      if (fresh.length === 0) return accept();
      return accept({ type: "MessagesAdded", messages: fresh, senderId, at });
    }

    case "RemoveMessages": {
      for (const id of command.messageIds) {
        const message = thread.messages.find((m) => m.id === id);
        if (!message) return refuse(`there is no message ${id}`);
        if (message.senderId !== senderId && !isAdministrator(thread, senderId))
          return refuse(
            `${senderId} may not remove message ${id}: only its author or an administrator`,
          );
      }
      return accept({
        type: "MessagesRemoved",
        messageIds: unique(command.messageIds),
        senderId,
        at,
      });
    }
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
      return { ...thread, messages: [...thread.messages, ...event.messages] };
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
