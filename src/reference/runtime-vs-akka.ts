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
  {
    id: "sharding-lease",
    area: "sharding",
    title: "No lease per shard",
    akka: "A shard can acquire a lease before starting its entities (`akka.cluster.sharding.use-lease`), so a node that was frozen through a resolver decision cannot run a second copy; Cluster Singleton can do the same.",
    runtime:
      "Sharding and singletons rely on the downing decision and its removal margin alone; a lease exists only in the `lease-majority` resolver strategy.",
    why: "The simulated cluster has no outside store to hold a lease, and the labs teach the resolver's timing first.",
  },
  {
    id: "effect-stash",
    area: "persistence",
    title: "No Effect.stash, no enforced replies",
    akka: "`Effect.stash()`, `Effect.unstashAll()` and `.thenUnstashAll()` let a command handler park commands; `withEnforcedReplies` makes forgetting a reply a compile error (`ReplyEffect`).",
    runtime:
      "The stash is internal only: commands that arrive during a persist or during recovery wait and are handled in order, as in Akka. A handler cannot stash by itself, and replies are not enforced by the types.",
    why: "The labs do not need them; the implicit stash covers the persist and recovery cases they teach.",
  },
  {
    id: "entity-type-key",
    area: "sharding",
    title: "Entity types are named by a string",
    akka: '`EntityTypeKey[Command]("Thread")`, `sharding.init(Entity(key)(ctx => ...))`, `sharding.entityRefFor(key, id)`.',
    runtime:
      '`sharding.init({ typeName: "thread", createBehavior })` returns the sharded entity; `entityRefFor(id, fromNode)` also names the simulated node the message enters through.',
    why: "Every node of the simulation lives in one process, so the caller says which node it sends from.",
  },
  {
    id: "ask-function",
    area: "api",
    title: "ask is a function over a reference",
    akka: "`ref.ask(replyTo => Command(replyTo))` (Scala `?`, `AskPattern.ask` in Java), with an implicit or explicit timeout; an `ActorSystem` is itself an `ActorRef` to its guardian.",
    runtime:
      "`ask(ref, (replyTo) => command, { timeout })`; for a system's guardian pass `system.ref` — the `ActorSystem` object is not a reference.",
    why: "A plain function keeps the reference small and the timeout explicit.",
  },
  {
    id: "send-guard",
    area: "persistence",
    title: "A send from an event handler is refused",
    akka: "Nothing stops an event handler from sending a message; the documentation says event handlers must not have side effects, and a send there repeats on every recovery.",
    runtime:
      "`ActorRef.tell` called while an event handler runs throws `ReplaySideEffectError`, so the mistake fails a test instead of resending old messages. A direct call to something else is not caught.",
    why: "Learners meet talk 2's double-delivery bug as an error at once rather than as a duplicate much later.",
    runtimeOnly: true,
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

/** Akka Typed names beside the runtime's, for the reference table. */
export const apiNames: readonly { readonly akka: string; readonly runtime: string }[] = [
  {
    akka: "Behaviors.receive / receiveMessage / setup / same / stopped",
    runtime: "the same names",
  },
  { akka: "Behaviors.supervise(b).onFailure(SupervisorStrategy.restart)", runtime: "the same" },
  { akka: 'ActorSystem(guardian, "name")', runtime: 'ActorSystem.create(guardian, "name")' },
  { akka: "ref ! msg / ref.tell(msg)", runtime: "ref.tell(msg)" },
  { akka: "ref.ask(replyTo => ...)", runtime: "ask(ref, (replyTo) => ..., { timeout })" },
  {
    akka: "EventSourcedBehavior(persistenceId, emptyState, commandHandler, eventHandler)",
    runtime:
      "EventSourcedBehavior.create({ persistenceId, emptyState, commandHandler, eventHandler })",
  },
  { akka: "Effect.persist / none / unhandled / stop / reply", runtime: "the same" },
  { akka: "Effect.stash / unstashAll, withEnforcedReplies", runtime: "none (see above)" },
  {
    akka: ".thenReply(replyTo)(state => ...) / .thenRun / .thenStop",
    runtime: ".thenReply(replyTo, (state) => ...) / .thenRun / .thenStop",
  },
  {
    akka: "RetentionCriteria.snapshotEvery(n, keep)",
    runtime: ".withRetention({ snapshotEvery, keep })",
  },
  { akka: "EventSourcedBehaviorTestKit", runtime: "EventSourcedBehaviorTestKit" },
  {
    akka: "EntityTypeKey + Entity(key)(createBehavior)",
    runtime: "sharding.init({ typeName, createBehavior })",
  },
  { akka: "Replicator, GCounter, PNCounter, ORSet, LWWMap", runtime: "the same names" },
];
