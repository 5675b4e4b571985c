import type { ActorRef } from "@runtime";

/**
 * The chat service's vocabulary, after the talk's sample "thread-weaver": what a client may ask a
 * thread to do (commands), what the thread records when it agrees (events, in the past tense),
 * and what it answers. This file is read-only: the checks speak this language.
 */

export type AccountId = string;
export type ThreadId = string;
export type MessageId = string;

/** The tag every thread event carries, so the query side can find them (task 3). */
export const THREAD_TAG = "thread";

/** One thread, one stream of events in the journal. */
export function persistenceIdOf(threadId: ThreadId): string {
  return `thread-${threadId}`;
}

/** A text message as the thread keeps it. The client picks the id. */
export interface Message {
  readonly id: MessageId;
  readonly senderId: AccountId;
  readonly text: string;
  /** When it was posted: the command's timestamp. */
  readonly at: number;
}

/** The answer to a command: the ids it was about, or why it was refused. Nothing throws. */
export type ThreadReply =
  | { readonly ok: true; readonly ids: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** The answer to `GetMessages`. */
export type MessagesReply =
  | { readonly ok: true; readonly messages: readonly Message[] }
  | { readonly ok: false; readonly error: string };

/** Every command names its sender and carries a timestamp, so the domain never reads a clock. */
interface Sent<R> {
  readonly senderId: AccountId;
  readonly at: number;
  readonly replyTo: ActorRef<R>;
}

export type ThreadCommand =
  /** Starts the thread; the sender becomes its first administrator and member. */
  | (Sent<ThreadReply> & { readonly type: "CreateThread" })
  /** Ends the thread for good. Administrators only. */
  | (Sent<ThreadReply> & { readonly type: "DestroyThread" })
  | (Sent<ThreadReply> & {
      readonly type: "JoinAdministratorIds";
      readonly accountIds: readonly AccountId[];
    })
  | (Sent<ThreadReply> & {
      readonly type: "LeaveAdministratorIds";
      readonly accountIds: readonly AccountId[];
    })
  | (Sent<ThreadReply> & {
      readonly type: "JoinMemberIds";
      readonly accountIds: readonly AccountId[];
    })
  | (Sent<ThreadReply> & {
      readonly type: "LeaveMemberIds";
      readonly accountIds: readonly AccountId[];
    })
  /** Posts messages. Members only. A client that heard nothing back sends the same ids again. */
  | (Sent<ThreadReply> & {
      readonly type: "AddMessages";
      readonly messages: readonly { readonly id: MessageId; readonly text: string }[];
    })
  /** Removes messages. Each one by its author or by an administrator. */
  | (Sent<ThreadReply> & {
      readonly type: "RemoveMessages";
      readonly messageIds: readonly MessageId[];
    })
  /** Reads the messages. Members only. */
  | (Sent<MessagesReply> & { readonly type: "GetMessages" });

/** The commands that may change the thread: all but `GetMessages`. */
export type ThreadChange = Exclude<ThreadCommand, { readonly type: "GetMessages" }>;

/** Facts: things that happened to a thread. Named in the past tense, never refused. */
export type ThreadEvent =
  | {
      readonly type: "ThreadCreated";
      readonly threadId: ThreadId;
      readonly senderId: AccountId;
      readonly at: number;
    }
  | { readonly type: "ThreadDestroyed"; readonly senderId: AccountId; readonly at: number }
  | {
      readonly type: "AdministratorIdsJoined";
      readonly accountIds: readonly AccountId[];
      readonly senderId: AccountId;
      readonly at: number;
    }
  | {
      readonly type: "AdministratorIdsLeft";
      readonly accountIds: readonly AccountId[];
      readonly senderId: AccountId;
      readonly at: number;
    }
  | {
      readonly type: "MemberIdsJoined";
      readonly accountIds: readonly AccountId[];
      readonly senderId: AccountId;
      readonly at: number;
    }
  | {
      readonly type: "MemberIdsLeft";
      readonly accountIds: readonly AccountId[];
      readonly senderId: AccountId;
      readonly at: number;
    }
  | {
      readonly type: "MessagesAdded";
      readonly messages: readonly Message[];
      readonly senderId: AccountId;
      readonly at: number;
    }
  | {
      readonly type: "MessagesRemoved";
      readonly messageIds: readonly MessageId[];
      readonly senderId: AccountId;
      readonly at: number;
    };
