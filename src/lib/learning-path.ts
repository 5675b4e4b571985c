/**
 * The one recommended order through the workshop: basics → mastering → persistence and replay →
 * chat → in practice. Talks carry their place as `order` in their front matter; a lab follows the
 * talk it names first in its `talks` (lab.json), so talks index, labs index and lab pages agree.
 */

/** What each step of the path is about, by talk slug, shown beside the talk. */
export const STAGES: Readonly<Record<string, string>> = {
  "akka-persistence-basics": "Basics",
  "mastering-event-sourcing": "Mastering",
  "persistence-in-event-driven-actors": "Persistence and replay",
  "event-sourced-chat": "A whole service: chat",
  "akka-in-practice": "In practice: clusters",
};

interface Talk {
  id: string;
  data: { order: number; title: string };
}
interface Lab {
  id: string;
  data: { talks: string[]; title: string };
}

/** Talks in the recommended order. */
export function orderedTalks<T extends Talk>(talks: readonly T[]): T[] {
  return [...talks].sort((a, b) => a.data.order - b.data.order);
}

/** The talk to watch before a lab: the first one its lab.json names. */
export function talkBefore<T extends Talk>(lab: Lab, talks: readonly T[]): T | undefined {
  const first = lab.data.talks[0];
  return talks.find((t) => t.id === first);
}

/** The labs that follow a talk on the path (those naming it first). */
export function labsAfter<L extends Lab>(talk: Talk, labs: readonly L[]): L[] {
  return labs.filter((lab) => lab.data.talks[0] === talk.id);
}
