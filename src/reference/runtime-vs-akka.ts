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
    title: "No enforced replies",
    akka: "`withEnforcedReplies` makes forgetting a reply a compile error (`ReplyEffect`).",
    runtime:
      "`Effect.stash()`, `Effect.unstashAll()` and `.thenUnstashAll()` work as in Akka, but replies are not enforced by the types; the test kit's `runCommand` reports a missing reply instead.",
    why: "TypeScript learners get the reply check from the test kit; a second effect type would double the API they read.",
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
  {
    id: "handler-contexts",
    area: "persistence",
    title: "Handlers get a small context as a third argument",
    akka: "A command handler is `(state, command) => Effect` and an event handler `(state, event) => State`; anything else comes from the `ActorContext` captured in `Behaviors.setup`.",
    runtime:
      "A command handler also gets `ctx` with `persistenceId`, `sequenceNr`, `now()` and `random()`; an event handler gets `ctx` with `persistenceId`, `sequenceNr` and `recovering` only. As in Akka, an event handler has no clock and no random: decide in the command handler and store the value in the event.",
    why: "Labs read the time and draw ids without setting up an `ActorContext`; the event context deliberately has nothing that could make a replay differ.",
    runtimeOnly: true,
  },
  {
    id: "seeded-randomness",
    area: "simulation",
    title: "A seed for reproducible runs",
    akka: "No seeded randomness: Akka uses the JVM's random sources, different in every run.",
    runtime:
      "`ActorSystem.create(..., { seed })` makes every random choice (backoff jitter, `ctx.random()`) reproducible, for simulations and tests. Without a seed the system seeds itself from `crypto`. Each incarnation of an actor draws its own stream, so `ctx.random()` never repeats after a restart.",
    why: "The simulator and the checks must give the same trace for the same seed; production code must never hand out the same id twice.",
    option: "ActorSystemOptions.seed",
    runtimeOnly: true,
  },
  {
    id: "immediate-writes",
    area: "persistence",
    title: "A journal may acknowledge a write at once",
    akka: "Every journal acknowledges asynchronously; commands that arrive meanwhile wait in the internal stash.",
    runtime:
      "The in-memory journal can store a write in the command's own turn (`appendNow`), so nothing waits in the stash. What an actor and its senders observe is the same (the conformance suite runs every event-sourced case both ways), with one limit: the internal stash cannot overflow during such a write.",
    why: "Labs and benchmarks run a million events in memory; the later-acknowledged mode is the one IndexedDB takes.",
    option: "new InMemoryJournal({ immediateWrites: false })",
  },
  {
    id: "stash-overflow",
    area: "persistence",
    title: "Stash overflow strategy per behaviour",
    akka: "`akka.persistence.typed.stash-overflow-strategy` (`drop`, the default, or `fail`) and `stash-capacity` are configuration.",
    runtime:
      'The same two strategies and the same default, set per behaviour: `withStashOverflowStrategy("fail")` and `withStashCapacity(n)` (4,096 by default, for the internal and the user stash each).',
    why: "The runtime has no configuration files; a learner sees the choice in the code.",
    option: "EventSourcedBehavior.withStashOverflowStrategy",
  },
  {
    id: "snapshot-in-background",
    area: "persistence",
    title: "Side effects do not wait for a snapshot",
    akka: "After a write that triggers a snapshot, the actor waits for the snapshot to be stored before it runs the side effects and the next command.",
    runtime:
      "The snapshot is saved in the background; replies and side effects run as soon as the events are stored. `SnapshotCompleted` or `SnapshotFailed` follows.",
    why: "Snapshots are an optimisation of recovery; the events alone are the record, so nothing a sender observes depends on the snapshot.",
  },
  {
    id: "persistence-not-ported",
    area: "persistence",
    title: "Parts of Akka Persistence that are not ported",
    akka: "Recovery strategies (`Recovery.disabled`, snapshot selection criteria), recovery timeouts, event deletion on snapshot, replicated event sourcing, durable state, and `Terminated` handled in an event-sourced signal handler.",
    runtime:
      "None of these. An event-sourced behaviour's signal handler hears recovery, snapshot, rejection, `PreRestart` and `PostStop`; the `Terminated` of a watched actor is unhandled there, so it fails the actor with a `DeathPactError`.",
    why: "The workshop teaches the core of event sourcing; each of these is a separate topic.",
  },
  {
    id: "persist-rejected-signal",
    area: "persistence",
    title: "A rejected write is also a signal",
    akka: "The journal's rejection fails the actor with `EventRejectedException`, which ordinary supervision handles.",
    runtime:
      "The same failure (the journal's `PersistRejected` error goes to ordinary supervision), after a `PersistRejected` signal to the behaviour's signal handler.",
    why: "Demos show the rejection in their event log before the actor stops.",
    runtimeOnly: true,
  },
  {
    id: "backoff-mailbox",
    area: "actors",
    title: "Messages wait in the mailbox during a backoff",
    akka: "`restartWithBackoff` stashes incoming messages while it waits, up to `withStashCapacity`, and drops the rest to dead letters.",
    runtime: "Messages simply stay in the (unbounded) mailbox until the restart.",
    why: "The runtime's mailboxes are unbounded; a second bounded buffer would only add a way to lose messages that the labs do not teach.",
  },
  {
    id: "supervision-replacement",
    area: "actors",
    title: "Which nested supervisor a returned behaviour replaces",
    akka: "A returned behaviour wrapped in a supervisor for the same exception class replaces the enclosing one instead of nesting.",
    runtime:
      "The same, judged by the whole rule list (error classes and strategy kinds), so a behaviour that returns itself wrapped in the same `supervise` never nests a layer per message.",
    why: "Strategies are plain objects here, not classes with identity; the rule list is what a learner writes.",
  },
  {
    id: "watch-message-equality",
    area: "actors",
    title: "`watchWith` compares messages by value",
    akka: "`watchWith` after `watch` (or with a different message) throws `IllegalStateException`; messages are compared with `equals`.",
    runtime:
      "It throws `IllegalWatchError`; two messages are the same when they are identical or serialise to the same JSON.",
    why: "TypeScript has no structural `equals`; messages are plain data.",
  },
  {
    id: "testkit-shape",
    area: "testkit",
    title: "The event-sourced test kit's shape",
    akka: "`EventSourcedBehaviorTestKit` runs on the real scheduler with the persistence test kit; `runCommand` throws an `AssertionError` when the actor fails, checks serialization, and has `initialize` and `persistenceTestKit` for injecting failures.",
    runtime:
      '`EventSourcedBehaviorTestKit.create(behavior, { seed, immediateWrites })` runs on a virtual clock with an in-memory journal. `runCommand` returns `{ events, state, reply, stopped }` instead of throwing when the actor stops; it throws "Missing expected reply" as Akka\'s does. It has `getState`, `restart`, `clear` and `persistedEvents`; failures are injected on `kit.journal` (`failNextAppend`, `rejectNextAppend`, `failNextRead`). No serialization checks and no `initialize`.',
    why: "Lab checks assert on what happened to a command, a stop included, without catching exceptions; everything runs in memory in the browser.",
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
