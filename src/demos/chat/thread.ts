/**
 * Talk 3's thread aggregate, reduced to what the demo shows: members join and leave, members
 * post messages. Operations return results, never throw; events are past-tense facts.
 */

export const MEMBERS = ["alice", "bob", "carol"] as const;
export const THREADS = ["general", "random"] as const;
export type Member = (typeof MEMBERS)[number];
export type ThreadId = (typeof THREADS)[number];

export const MAX_TEXT = 140;

export type ThreadEvent =
  | { readonly type: "ThreadCreated"; readonly threadId: ThreadId; readonly creator: Member }
  | { readonly type: "MemberIdsJoined"; readonly memberIds: readonly Member[] }
  | { readonly type: "MemberIdsLeft"; readonly memberIds: readonly Member[] }
  | {
      readonly type: "MessagesAdded";
      readonly sender: Member;
      readonly ids: readonly string[];
      readonly texts: readonly string[];
    };

export interface Message {
  readonly id: string;
  readonly sender: Member;
  readonly text: string;
}

export interface Thread {
  readonly id: ThreadId;
  readonly created: boolean;
  readonly members: readonly Member[];
  readonly messages: readonly Message[];
}

export type ThreadCommand =
  | { readonly type: "join"; readonly sender: Member }
  | { readonly type: "leave"; readonly sender: Member }
  | { readonly type: "post"; readonly sender: Member; readonly text: string };

export type Result =
  | { readonly ok: true; readonly events: readonly ThreadEvent[] }
  | { readonly ok: false; readonly error: string };

export const emptyThread = (id: ThreadId): Thread => ({
  id,
  created: false,
  members: [],
  messages: [],
});

/** Decides a command against the thread: the events it causes, or why not. */
export function decide(thread: Thread, cmd: ThreadCommand): Result {
  const name = `#${thread.id}`;
  const member = thread.members.includes(cmd.sender);
  switch (cmd.type) {
    case "join": {
      if (member) return { ok: false, error: `${cmd.sender} is already a member of ${name}` };
      const joined: ThreadEvent = { type: "MemberIdsJoined", memberIds: [cmd.sender] };
      return thread.created
        ? { ok: true, events: [joined] }
        : {
            ok: true,
            events: [{ type: "ThreadCreated", threadId: thread.id, creator: cmd.sender }, joined],
          };
    }
    case "leave":
      if (!member) return { ok: false, error: `${cmd.sender} is not a member of ${name}` };
      return { ok: true, events: [{ type: "MemberIdsLeft", memberIds: [cmd.sender] }] };
    case "post": {
      if (!thread.created) return { ok: false, error: `${name} does not exist yet: join it first` };
      if (!member) return { ok: false, error: `${cmd.sender} is not a member of ${name}` };
      const text = cmd.text.trim();
      if (text === "") return { ok: false, error: "the message is empty" };
      if (text.length > MAX_TEXT)
        return { ok: false, error: `the message is longer than ${MAX_TEXT} characters` };
      const id = `${thread.id}-${thread.messages.length + 1}`;
      return {
        ok: true,
        events: [{ type: "MessagesAdded", sender: cmd.sender, ids: [id], texts: [text] }],
      };
    }
  }
}

/** Applies one event: no checks, no side effects. */
export function applyEvent(thread: Thread, event: ThreadEvent): Thread {
  switch (event.type) {
    case "ThreadCreated":
      return { ...thread, created: true };
    case "MemberIdsJoined":
      return { ...thread, members: [...thread.members, ...event.memberIds] };
    case "MemberIdsLeft":
      return { ...thread, members: thread.members.filter((m) => !event.memberIds.includes(m)) };
    case "MessagesAdded":
      return {
        ...thread,
        messages: [
          ...thread.messages,
          ...event.ids.map((id, i) => ({ id, sender: event.sender, text: event.texts[i] ?? "" })),
        ],
      };
  }
}

/** One line per event, for the event list. */
export function describeEvent(event: ThreadEvent): string {
  switch (event.type) {
    case "ThreadCreated":
      return `ThreadCreated #${event.threadId} by ${event.creator}`;
    case "MemberIdsJoined":
      return `MemberIdsJoined [${event.memberIds.join(", ")}]`;
    case "MemberIdsLeft":
      return `MemberIdsLeft [${event.memberIds.join(", ")}]`;
    case "MessagesAdded":
      return `MessagesAdded ${event.sender}: ${event.texts.map((t) => JSON.stringify(t)).join(", ")}`;
  }
}
