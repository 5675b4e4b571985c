/**
 * The workshop runtime's public API: actors after Akka Typed, event-sourced persistence, and a
 * simulated cluster. The same code runs in Node (tests, grading, benchmarks) and in Web Workers
 * (demos, labs). Import it as `@runtime`.
 *
 * @packageDocumentation
 */

export { ask } from "./actor/ask";
export { Behavior, Behaviors } from "./actor/behavior";
export { IllegalWatchError } from "./actor/cell";
export type { ActorContext, Logger, Outcome } from "./actor/context";
export type { DeadLetter, DeadLetters } from "./actor/dead-letters";
export { ActorRef, ReplaySideEffectError } from "./actor/ref";
export {
  type ChildFailed,
  DeathPactError,
  PostStop,
  PreRestart,
  type Signal,
  type Terminated,
} from "./actor/signals";
export { type StashBuffer, StashOverflowError } from "./actor/stash";
export { type BackoffOptions, backoffDelay, SupervisorStrategy } from "./actor/supervision";
export {
  ActorSystem,
  type ActorSystemOptions,
  AskTimeoutError,
  type LogLevel,
  type SystemEvent,
} from "./actor/system";
export type { TimerScheduler } from "./actor/timers";
export {
  type ChangeCause,
  type Consistency,
  type DataKind,
  DataKindMismatchError,
  GCounter,
  GCounterKey,
  type GetResponse,
  type JsonValue,
  type Key,
  type LWWEntry,
  LWWMap,
  LWWMapKey,
  ORSet,
  type ORSetElement,
  ORSetKey,
  PNCounter,
  PNCounterKey,
  type ReadConsistency,
  type ReplicaId,
  type ReplicatedData,
  type ReplicatedDataWire,
  Replicator,
  type ReplicatorEvent,
  type ReplicatorMessage,
  type ReplicatorOptions,
  type ReplicatorTransport,
  readAll,
  readLocal,
  readMajority,
  type UpdateContext,
  type UpdateResponse,
  VersionVector,
  type WriteConsistency,
  writeAll,
  writeLocal,
  writeMajority,
} from "./cluster/ddata/index";
export * from "./cluster/index";
export * from "./persistence/index";
export {
  type Fault,
  type FaultSchedule,
  type RandomFaultOptions,
  randomFaultSchedule,
} from "./sim/fault-schedule";
export {
  type Address,
  type LinkFaults,
  Network,
  type NetworkEvent,
  type NetworkOptions,
  type NetworkStats,
} from "./sim/network";
export { type Random, SeededRandom } from "./sim/random";
export { RealScheduler } from "./sim/real-scheduler";
export type { Cancellable, Scheduler } from "./sim/scheduler";
export { VirtualScheduler } from "./sim/virtual-scheduler";
export { type CommandResult, EventSourcedBehaviorTestKit } from "./testkit/event-sourced-testkit";
export { TestProbe } from "./testkit/probe";
