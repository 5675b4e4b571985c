import type { Journal, PersistentRepr } from "../../persistence/journal";
import {
  type FaultSchedule,
  type RandomFaultOptions,
  randomFaultSchedule,
} from "../../sim/fault-schedule";
import { SeededRandom } from "../../sim/random";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import type { DowningProvider } from "../membership/downing-provider";
import type { ClusterSettings } from "../membership/settings";
import { ClusterSimulation } from "../simulation/simulation";
import {
  type Acknowledged,
  checkAcknowledgedWrites,
  checkSingleIncarnation,
  type IncarnationViolation,
  type LostWrite,
} from "./checkers";
import { ClusterSharding, type ShardedEntity } from "./cluster-sharding";
import {
  type CounterCommand,
  type CounterEvent,
  type CounterReply,
  counterEntity,
  counterPersistenceId,
} from "./counter-entity";
import type { ShardingSettings } from "./settings";

/**
 * A seeded sharding run: a cluster of counters under random faults and a steady workload.
 *
 * @example
 * await runShardingSeed(7, { nodes: 5, entities: 20, faults: { leaves: true }, downing: () => new AutoDowning(5_000) });
 */
export interface ShardingRunOptions {
  /** Cluster size (default 3). */
  readonly nodes?: number;
  /** Counter entities `c0`… (default 8). */
  readonly entities?: number;
  /** Virtual time with commands (default 90 s); faults fall in its first 60 %. */
  readonly durationMs?: number;
  /** Quiet time afterwards, before the recovery check (default 30 s). */
  readonly settleMs?: number;
  /** One command every this many ms, from a random live node to a random entity (default 300). */
  readonly commandIntervalMs?: number;
  /** Builds the downing provider on the run's scheduler. Default: none. */
  readonly downing?: (scheduler: VirtualScheduler) => DowningProvider;
  readonly faults?: Partial<RandomFaultOptions>;
  readonly cluster?: Partial<ClusterSettings>;
  /** Sharding settings; default 6 shards and no passivation. */
  readonly sharding?: Partial<ShardingSettings>;
  /** Ask every entity for its state at the end and compare with the journal (default true). */
  readonly verifyRecovery?: boolean;
}

/**
 * An entity whose state after the run disagrees with its events in the journal: its answer to
 * the final `get` is not the fold of the journal's first `reply.sequenceNr` events, or it missed
 * events already stored when the `get` was sent, or it claims events the journal never stored.
 *
 * @example
 * for (const m of run.recoveryMismatches) console.log(m.entityId, m.reply.total, "!=", m.journal.total);
 */
export interface RecoveryMismatch {
  readonly entityId: string;
  readonly reply: CounterReply;
  readonly journal: {
    /** The fold of the journal's events 1..`reply.sequenceNr` (all of them if there are fewer). */
    readonly total: number;
    /** The highest stored sequence number when the check ran. */
    readonly highest: number;
    /** The highest stored sequence number when the final `get` was sent. */
    readonly highestWhenAsked: number;
  };
}

/**
 * One entity's answer to the final `get`, with the journal's highest sequence number for it
 * at the moment the `get` was sent.
 *
 * @example
 * const answer: FinalAnswer = { entityId: "c1", highestWhenAsked: 4, reply: { entityId: "c1", total: 17, sequenceNr: 4 } };
 */
export interface FinalAnswer {
  readonly entityId: string;
  readonly highestWhenAsked: number;
  readonly reply: CounterReply;
}

/**
 * The recovery check of {@link runShardingSeed}: each answer must be exactly the journal as of
 * some instant between sending the `get` and checking. Commands buffered through a failover may
 * be stored after the `get` was sent (before or after the entity answers it), so the answer is
 * compared with the journal's prefix up to the sequence number it names, and that number must
 * be at least what the journal held when the `get` was sent (else a stored event was lost on
 * recovery) and at most what it holds now (else the entity counts an event never stored).
 *
 * @example
 * expect(await checkRecoveredState(sharding.journal, run.finalAnswers)).toEqual([]);
 */
export async function checkRecoveredState(
  journal: Journal,
  answers: readonly FinalAnswer[],
): Promise<RecoveryMismatch[]> {
  const mismatches: RecoveryMismatch[] = [];
  for (const { entityId, highestWhenAsked, reply } of answers) {
    const id = counterPersistenceId(entityId);
    const highest = await journal.highestSequenceNr(id);
    const events =
      reply.sequenceNr > 0 ? await journal.read(id, 1, Math.min(reply.sequenceNr, highest)) : [];
    const total = events.reduce((sum, r: PersistentRepr) => sum + (r.event as CounterEvent).n, 0);
    const consistent =
      reply.sequenceNr >= highestWhenAsked &&
      reply.sequenceNr <= highest &&
      events.length === reply.sequenceNr &&
      reply.total === total;
    if (!consistent)
      mismatches.push({ entityId, reply, journal: { total, highest, highestWhenAsked } });
  }
  return mismatches;
}

/**
 * The outcome of {@link runShardingSeed}.
 *
 * @example Did the run keep its promises?
 * ```ts
 * const run = await runShardingSeed(3);
 * run.violations.length === 0 && run.lostWrites.length === 0;
 * ```
 */
export interface ShardingRun {
  readonly seed: number;
  readonly faults: FaultSchedule;
  readonly sim: ClusterSimulation;
  readonly sharding: ClusterSharding;
  readonly counters: ShardedEntity<CounterCommand>;
  readonly acks: readonly Acknowledged[];
  readonly commandsSent: number;
  readonly violations: readonly IncarnationViolation[];
  readonly lostWrites: readonly LostWrite[];
  readonly recoveryMismatches: readonly RecoveryMismatch[];
  /** The answers to the final `get`, as {@link checkRecoveredState} checked them. */
  readonly finalAnswers: readonly FinalAnswer[];
  /** Entities that did not answer the final `get` (no failover, or no node left). */
  readonly unanswered: readonly string[];
}

/**
 * Runs counters sharded over a simulated cluster under the fault schedule drawn from `seed`,
 * then checks the traces: single incarnation, no lost acknowledged write, and (for every entity
 * that still answers) state equal to the fold of its journal. The same seed and options replay
 * the run exactly: this is how a failing seed from a property test is investigated.
 *
 * @example Replaying one failing seed
 * ```ts
 * const run = await runShardingSeed(12, {
 *   downing: () => new SplitBrainResolver({ strategy: { kind: "keep-majority" }, stableAfterMs: 7_000 }),
 *   faults: { partitions: true, crashes: true },
 * });
 * run.violations; // []
 * ```
 */
export async function runShardingSeed(
  seed: number,
  options: ShardingRunOptions = {},
): Promise<ShardingRun> {
  const addresses = Array.from({ length: options.nodes ?? 3 }, (_, i) => `node-${i + 1}`);
  const durationMs = options.durationMs ?? 90_000;
  const settleMs = options.settleMs ?? 30_000;
  const random = new SeededRandom(seed);
  const faults = randomFaultSchedule(random.fork("faults"), {
    endMs: Math.floor(durationMs * 0.6),
    ...options.faults,
    nodes: addresses,
  });
  const scheduler = new VirtualScheduler();
  const sim = new ClusterSimulation({
    seed,
    nodes: addresses,
    scheduler,
    faults,
    ...(options.downing ? { downing: options.downing(scheduler) } : {}),
    ...(options.cluster ? { settings: options.cluster } : {}),
  });
  const sharding = new ClusterSharding(sim);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 6, passivateIdleAfterMs: null, ...options.sharding },
  });
  const entityIds = Array.from({ length: options.entities ?? 8 }, (_, i) => `c${i}`);
  const acks: Acknowledged[] = [];
  let commandsSent = 0;
  const workload = random.fork("workload");
  const interval = options.commandIntervalMs ?? 300;
  const send = () => {
    if (scheduler.now() >= durationMs) return;
    const live = addresses.filter((a) => counters.region(a) !== undefined);
    if (live.length > 0) {
      const from = workload.pick(live);
      const entityId = workload.pick(entityIds);
      const n = workload.int(1, 9);
      commandsSent++;
      counters
        .entityRefFor(entityId, from)
        .ask<CounterReply>((replyTo) => ({ type: "add", n, replyTo }), 10_000)
        .then(
          (reply) => {
            const event: CounterEvent = { type: "added", n };
            acks.push({
              persistenceId: counterPersistenceId(entityId),
              sequenceNr: reply.sequenceNr,
              event,
            });
          },
          () => {},
        );
    }
    scheduler.schedule(interval, send);
  };
  scheduler.schedule(10_000, send);
  await sharding.advance(durationMs + settleMs);

  const finalAnswers: FinalAnswer[] = [];
  const unanswered: string[] = [];
  if (options.verifyRecovery ?? true) {
    const from = addresses.find((a) => counters.region(a) !== undefined);
    // No virtual time passes between reading these and sending the gets.
    const highestWhenAsked = new Map<string, number>();
    for (const entityId of entityIds)
      highestWhenAsked.set(
        entityId,
        await sharding.journal.highestSequenceNr(counterPersistenceId(entityId)),
      );
    const answers = new Map<string, CounterReply>();
    if (from !== undefined)
      for (const entityId of entityIds)
        counters
          .entityRefFor(entityId, from)
          .ask<CounterReply>((replyTo) => ({ type: "get", replyTo }), 20_000)
          .then(
            (reply) => answers.set(entityId, reply),
            () => {},
          );
    await sharding.advance(20_000);
    for (const entityId of entityIds) {
      const reply = answers.get(entityId);
      if (reply === undefined) unanswered.push(entityId);
      else
        finalAnswers.push({
          entityId,
          reply,
          highestWhenAsked: highestWhenAsked.get(entityId) as number,
        });
    }
  }
  return {
    seed,
    faults,
    sim,
    sharding,
    counters,
    acks,
    commandsSent,
    violations: checkSingleIncarnation(sharding.trace.records),
    lostWrites: await checkAcknowledgedWrites(sharding.journal, acks),
    recoveryMismatches: await checkRecoveredState(sharding.journal, finalAnswers),
    finalAnswers,
    unanswered,
  };
}
