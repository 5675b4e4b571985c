import { Effect, type EffectBuilder, EventSourcedBehavior } from "@runtime";
import {
  persistenceIdOf,
  THREAD_TAG,
  type ThreadChange,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadId,
  type ThreadReply,
} from "./protocol";
import { apply, decide, emptyThread, messagesFor, type Thread } from "./thread";

/** What an accepted command acknowledges: the ids it was about. */
function acknowledged(threadId: ThreadId, command: ThreadChange): ThreadReply {
  switch (command.type) {
    case "CreateThread":
    case "DestroyThread":
      return { ok: true, ids: [threadId] };
    case "AddMessages":
      return { ok: true, ids: command.messages.map((m) => m.id) };
    case "RemoveMessages":
      return { ok: true, ids: command.messageIds };
    default:
      return { ok: true, ids: command.accountIds };
  }
}

/**
 * A thread as an event-sourced actor (the talk's "same, on our runtime" slide): the domain
 * decides, the runtime stores the events, then the sender hears back. Recovery replays the
 * events through `apply`.
 */
export function threadEntity(
  threadId: ThreadId,
): EventSourcedBehavior<ThreadCommand, ThreadEvent, Thread> {
  return EventSourcedBehavior.create<ThreadCommand, ThreadEvent, Thread>({
    persistenceId: persistenceIdOf(threadId),
    emptyState: emptyThread(threadId),
    commandHandler: (thread, command): EffectBuilder<ThreadEvent, Thread> => {
      if (command.type === "GetMessages")
        return Effect.reply(command.replyTo, messagesFor(thread, command.senderId));
      const decision = decide(thread, command);
      if (!decision.ok) return Effect.reply(command.replyTo, { ok: false, error: decision.error });
      return Effect.persist<ThreadEvent, Thread>(decision.events).thenReply(command.replyTo, () =>
        acknowledged(threadId, command),
      );
    },
    eventHandler: apply,
  }).withTagger(() => [THREAD_TAG]);
}
