/**
 * Every place where the workshop runtime differs from Akka, on purpose. The "Runtime vs Akka" page
 * renders this list, and decks link to entries by `id`. A difference that is not listed here is a
 * bug: the runtime follows Akka by default.
 */
import { clusterDifferences } from "./runtime-vs-akka-cluster";

export interface Difference {
  /** Stable anchor, used in links from decks and labs (`runtime-vs-akka/#<id>`). */
  id: string;
  area: "actors" | "persistence" | "cluster" | "sharding" | "simulation" | "testkit" | "api";
  /** A short title. */
  title: string;
  /** What Akka does (Typed, unless it says Classic). */
  akka: string;
  /** What the runtime does instead. */
  runtime: string;
  /** Why the difference exists. */
  why: string;
  /** The option that selects the non-Akka behaviour, when it is an option rather than the API shape. */
  option?: string;
  /** True when the feature exists only in the runtime: slides that use it show a badge. */
  runtimeOnly?: boolean;
}

export const differences: readonly Difference[] = [
  {
    id: "typescript-api",
    area: "api",
    title: "A TypeScript API shaped like Akka Typed",
    akka: "Scala and Java DSLs: `Behaviors.receive`, `EventSourcedBehavior.apply`, `Effect.persist(...).thenReply(...)`.",
    runtime:
      "The same concepts as TypeScript functions and plain objects; names follow Akka Typed where TypeScript allows.",
    why: "Learners work in the browser, in TypeScript; the concepts carry over one to one, the syntax does not.",
  },
  ...clusterDifferences,
  {
    id: "journal-writer-fencing",
    area: "persistence",
    title: "The IndexedDB journal fences a second live writer",
    akka: "A journal rejects a duplicate sequence number and the persistent actor stops (or backs off and restarts, per `onPersistFailure`); keeping one writer per persistence id is Cluster Sharding's job, and replay can filter a stale writer's events by `writerUuid` (`ReplayFilter`).",
    runtime:
      "`IndexedDBJournal` remembers which tab or worker wrote each persistence id. A writer that loses a sequence conflict to one that is still running (known through the browser's Web Locks) gets `WriterFenced`, naming the owner, and that connection refuses the id's writes and recoveries until the owner is gone, so the actor stops instead of restarting in turns with the other tab.",
    why: "Tabs of one site share IndexedDB with no sharding in front of them: without a fence, two tabs with backoff restarts took turns writing one entity forever (52 restarts in 4 s).",
    runtimeOnly: true,
  },
  {
    id: "journal-data-loss-report",
    area: "persistence",
    title: "The IndexedDB journal reports a browser-deleted database",
    akka: "A journal's store is a database server; losing it is an operations matter outside Akka.",
    runtime:
      "When the browser deletes the database (Chromium does when it finds its files corrupt, for example after being killed), `IndexedDBJournal.opened` reports `dataLoss` with the browser's words, to every connection, until acknowledged; `describeDataLoss` says it in plain words.",
    why: "In a browser the store can vanish under the site; a learner must be told, not shown empty entities as if nothing happened.",
    runtimeOnly: true,
  },
];
