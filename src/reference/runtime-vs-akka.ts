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
];
