import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Journal } from "../../persistence/journal";
import { SeededRandom } from "../../sim/random";
import type { VirtualScheduler } from "../../sim/virtual-scheduler";
import { AutoDowning, NoDowning } from "../downing/auto-down";
import { SimulatedLease } from "../downing/lease";
import { LATE_DETECTION_MARGIN, SplitBrainResolver } from "../downing/split-brain-resolver";
import type { StrategyConfig } from "../downing/strategy";
import type { DowningProvider } from "../membership/downing-provider";
import { nodeKey } from "../membership/member";
import { ClusterSimulation } from "../simulation/simulation";
import { downRemovalMargin } from "../singleton/removal-margin";
import { checkBalanced, checkSingleIncarnation, shardCounts } from "./checkers";
import { ClusterSharding } from "./cluster-sharding";
import {
  type CounterCommand,
  type CounterEvent,
  type CounterReply,
  counterEntity,
} from "./counter-entity";
import { measureFailover } from "./failover";
import { checkRecoveredState, type FinalAnswer, runShardingSeed } from "./seeded-run";

/**
 * The property run asks for no entity ever running twice, under any fault schedule. Akka's
 * defaults do not promise that when one side detects a partition late or a cut comes mid-way
 * through a decision (seeds 245273520 and 1809421721 below show both), so this run uses the
 * named settings that close those gaps (each found by this run): the longer
 * {@link LATE_DETECTION_MARGIN}, `ignoreObservationsOfDownedMembers`,
 * `countDownedUnreachableMembers`, keep-oldest's `downIfAloneAfterIndirectlyConnected`,
 * static-quorum's `downAllBelowQuorumAfterIndirectlyConnected` and lease-majority's
 * `leavingSideDownsItself` and `holdLeaseUntilLaterDownsRemoved`. All are listed on the
 * "Runtime vs Akka" page.
 */
const GUARDS = {
  ignoreObservationsOfDownedMembers: true,
  countDownedUnreachableMembers: true,
} as const;
const STRATEGIES: StrategyConfig[] = [
  { kind: "keep-majority", ...GUARDS },
  { kind: "keep-oldest", downIfAloneAfterIndirectlyConnected: true, ...GUARDS },
  {
    kind: "static-quorum",
    quorumSize: 2,
    downAllBelowQuorumAfterIndirectlyConnected: true,
    ...GUARDS,
  },
  { kind: "down-all" },
  {
    kind: "lease-majority",
    leavingSideDownsItself: true,
    holdLeaseUntilLaterDownsRemoved: true,
    ...GUARDS,
  },
];

/** A resolver for `seed`: every strategy gets its share of the seeds. */
function resolverFor(seed: number, akkaDefaults = false) {
  const strategy = STRATEGIES[seed % STRATEGIES.length] as StrategyConfig;
  // The same strategy with none of the named settings that are not in Akka.
  const akka: StrategyConfig =
    strategy.kind === "static-quorum"
      ? { kind: strategy.kind, quorumSize: strategy.quorumSize }
      : { kind: strategy.kind as "keep-majority" };
  return (scheduler: VirtualScheduler): DowningProvider =>
    new SplitBrainResolver({
      strategy: akkaDefaults ? akka : strategy,
      stableAfterMs: 5_000,
      ...(akkaDefaults ? {} : { downRemovalMargin: LATE_DETECTION_MARGIN }),
      ...(strategy.kind === "lease-majority" ? { lease: new SimulatedLease(scheduler) } : {}),
    });
}

/** One seed of the split-brain property run, with the options that test uses. */
function resolverRun(
  seed: number,
  sharding: { removalMarginMs?: number } = {},
  akkaDefaults = false,
) {
  return runShardingSeed(seed, {
    sharding,
    nodes: 3,
    entities: 6,
    durationMs: 60_000,
    settleMs: 15_000,
    commandIntervalMs: 2_000,
    downing: resolverFor(seed, akkaDefaults),
    faults: { leaves: true },
  });
}

const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe("sharding properties over random fault schedules", () => {
  it("with a split-brain resolver: one incarnation per entity, singleton and coordinator; no lost acknowledged write; recovered state equals the journal (500 seeds)", async () => {
    let acknowledged = 0;
    await fc.assert(
      fc.asyncProperty(seeds, async (seed) => {
        // Crashes, restarts, partitions, lossy links and graceful leaves during all of them.
        const run = await resolverRun(seed);
        acknowledged += run.acks.length;
        expect(run.violations).toEqual([]);
        expect(run.lostWrites).toEqual([]);
        expect(run.recoveryMismatches).toEqual([]);
      }),
      { numRuns: 500 },
    );
    // The workload really ran: most commands were acknowledged across the seeds.
    expect(acknowledged).toBeGreaterThan(500 * 10);
  }, 120_000);

  it("keep-majority seed 805382295: a node that downed a peer and then lost the rest counts the downed peer against itself, so it does not win a tie it cannot know about", async () => {
    // A lossy link makes node-1 and node-2 flag each other; then node-1 is cut off. node-1 downs
    // node-2 (keep {1,3}); node-2, seeing the cycle, downs itself and node-1 as indirectly
    // connected, which node-3 applies and removes. node-1 never hears of it: when it loses
    // node-3 it saw a 1-1 tie and kept itself by lowest address, running the coordinator next
    // to node-3's. Counting node-2 (downed, still unreachable) on the far side makes it 1 against
    // 2, and node-1 downs itself before node-3's removal margin runs out.
    const run = await resolverRun(805382295);
    const node1Decisions = run.sim.trace.records.filter(
      (r) => r.type === "downingDecision" && r.node.address === "node-1",
    );
    expect(node1Decisions.map((r) => r.type === "downingDecision" && r.decision)).toEqual([
      "down-unreachable",
      "down-reachable",
    ]);
    expect(run.violations).toEqual([]);
    expect(run.lostWrites).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("keep-oldest seed 319995001: a cut-off oldest that downed a node does not take a stale observation for an indirect connection and keep itself", async () => {
    // node-1 downs node-3 after a healed partition it never saw heal, then is cut off alone. Its
    // view still held node-2's old "node-3 is unreachable", so node-2 looked indirectly connected:
    // node-1 downed node-2 and kept the coordinator while node-2 and node-3 downed node-1 and
    // started theirs. Ignoring observations about downed members, node-1 is the oldest alone
    // against two and downs itself.
    const run = await resolverRun(319995001);
    const node1 = run.sim.trace.records.filter(
      (r) => r.type === "downingDecision" && r.node.address === "node-1",
    );
    expect(node1.map((r) => r.type === "downingDecision" && r.decision)).toEqual([
      "down-unreachable",
      "down-reachable",
    ]);
    expect(run.violations).toEqual([]);
    expect(run.lostWrites).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("static-quorum seed 79688312: a node cut off right after it judged the others indirectly connected does not keep running below the quorum", async () => {
    // node-1 and node-3 flag each other over a lossy link; node-2 is partitioned away just before
    // its stable-after ends, downs both as indirectly connected and, alone, started a second
    // coordinator while node-1 and node-3 (a quorum) downed node-2 and kept theirs.
    const run = await resolverRun(79688312);
    const node2 = run.sim.trace.records.find(
      (r) => r.type === "downingDecision" && r.node.address === "node-2",
    );
    expect(node2?.type === "downingDecision" && node2.downed.map((n) => n.address)).toEqual([
      "node-1",
      "node-2",
      "node-3",
    ]);
    expect(run.violations).toEqual([]);
    expect(run.lostWrites).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("keep-oldest seed 1809421721: with downIfAloneAfterIndirectlyConnected (not Akka's default), the oldest, cut off as it downs two indirectly connected nodes, does not run on alone", async () => {
    // Akka's rule keeps the oldest after downing the two it judged indirectly connected; here a
    // partition had just cut it off from both, which downed it on their side: two coordinators.
    const akka = await resolverRun(1809421721, {}, true);
    expect(akka.violations.map((v) => v.kind)).toContain("coordinator");
    const run = await resolverRun(1809421721);
    const node1 = run.sim.trace.records.find(
      (r) => r.type === "downingDecision" && r.node.address === "node-1",
    );
    expect(node1?.type === "downingDecision" && node1.downed.map((n) => n.address)).toEqual([
      "node-1",
      "node-2",
      "node-3",
    ]);
    expect(run.violations).toEqual([]);
    expect(run.lostWrites).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("lease-majority seed 345655669: a leaver cut off by a one-way partition keeps its entities until it downs itself, so its shards wait the removal margin", async () => {
    // node-2 leaves while it cannot hear node-1 and node-3: the leader moves it to exiting and
    // removes it as unreachable, but node-2 never learns it is exiting and runs counter/c0 for
    // five more seconds, until its own resolver downs it. Freeing its shards at once started a
    // second c0 on node-3.
    const run = await resolverRun(345655669);
    const removedWhileExiting = run.sim.trace.records.some(
      (r) => r.type === "memberStatus" && r.from === "exiting" && r.to === "removed",
    );
    expect(removedWhileExiting).toBe(true);
    expect(run.violations).toEqual([]);
    expect(run.lostWrites).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("lease-majority seed 358612899: a node that leaves while it still waits the margin for a downed oldest does not hand the coordinator over early", async () => {
    // node-2 downs the isolated oldest node-1 and waits the removal margin before starting the
    // coordinator; it leaves meanwhile and answers node-3's HandOverToMe. node-1 still runs its
    // coordinator until its own resolver downs it, so node-3 must wait out the margin too.
    const run = await resolverRun(358612899);
    const handOver = run.sharding.trace.records.some((r) => r.type === "singletonHandOver");
    expect(handOver).toBe(true);
    expect(run.violations).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("lease-majority seed 1964852079: a hand-off whose BeginHandOff a partition dropped is retried, so its shard is back within seconds", async () => {
    // A rebalance starts while node-1 is cut off; without retries shard 3 stayed unreachable
    // until the one-minute hand-off timeout, and its buffered commands landed during the final
    // recovery check.
    const run = await resolverRun(1964852079);
    const records = run.sharding.trace.records;
    const started = records.find((r) => r.type === "shardHandOffStarted" && r.shard === "3");
    const done = records.find(
      (r) => r.type === "shardDeallocated" && r.shard === "3" && r.at > (started?.at ?? 0),
    );
    expect(started).toBeDefined();
    expect(done).toBeDefined();
    expect((done?.at ?? 0) - (started?.at ?? 0)).toBeLessThan(10_000);
    expect(run.violations).toEqual([]);
    expect(run.recoveryMismatches).toEqual([]);
  });

  it("lease-majority seeds 703741234 and 2012369779: commands buffered through a failover and stored after the final get are not recovery mismatches", async () => {
    // The final get starts the entity on its new node together with adds buffered since the
    // failover; the adds are stored after the get was sent. The journal then holds more than
    // the answer, and comparing with the journal at the end reported a mismatch.
    for (const seed of [703741234, 2012369779]) {
      const run = await resolverRun(seed);
      const late = [];
      for (const a of run.finalAnswers) {
        const highest = await run.sharding.journal.highestSequenceNr(`counter-${a.entityId}`);
        if (a.reply.sequenceNr < highest) late.push(a.entityId);
      }
      expect(late.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(run.recoveryMismatches, `seed ${seed}`).toEqual([]);
      expect(run.violations).toEqual([]);
      expect(run.lostWrites).toEqual([]);
    }
  });

  it("the recovery check still catches a lost or an extra event", async () => {
    const run = await resolverRun(2012369779);
    const journal = run.sharding.journal;
    expect(await checkRecoveredState(journal, run.finalAnswers)).toEqual([]);
    const answer = run.finalAnswers.find((a) => a.reply.sequenceNr >= 2) as FinalAnswer;
    expect(answer).toBeDefined();
    const { reply } = answer;
    const tampered = (changes: Partial<FinalAnswer>, replyChanges: Partial<CounterReply> = {}) =>
      checkRecoveredState(journal, [
        { ...answer, ...changes, reply: { ...reply, ...replyChanges } },
      ]);
    // Recovery skipped a stored event: the total is short by its amount.
    const [first] = await journal.read(`counter-${answer.entityId}`, 1, 1);
    const n = (first?.event as CounterEvent | undefined)?.n ?? 0;
    expect(n).toBeGreaterThan(0);
    expect(await tampered({}, { total: reply.total - n })).toHaveLength(1);
    // Recovery applied an event twice, or one the journal does not hold.
    expect(await tampered({}, { total: reply.total + n })).toHaveLength(1);
    expect(await tampered({}, { sequenceNr: reply.sequenceNr + 10 })).toHaveLength(1);
    // The entity answered from a state older than the journal when it was asked (a lost event).
    expect(await tampered({ highestWhenAsked: reply.sequenceNr + 1 })).toHaveLength(1);
    // A journal that lost an event the entity still counts.
    const lossy: Journal = {
      append: (events) => journal.append(events),
      deleteTo: (id, to) => journal.deleteTo(id, to),
      highestSequenceNr: (id) => journal.highestSequenceNr(id),
      read: async (id, from, to, max) =>
        (await journal.read(id, from, to, max)).filter(
          (r) => id !== `counter-${answer.entityId}` || r.sequenceNr !== 1,
        ),
    };
    expect(await checkRecoveredState(lossy, [answer])).toHaveLength(1);
  });

  it("keep-majority seed 245273520: Akka's margin (stable-after alone) is too short when the minority detects the partition late", async () => {
    // A 3 s link delay makes node-3 (cut off from node-1 and node-2) flag them 4 s apart; each
    // change resets its stable-after, so it only stops at down-all-when-unstable, 9 s after its
    // first change, plus the gossip ticks before it shuts down. The majority removed node-3 at
    // about 30 s: with a 5 s margin node-1 started c0 at 36 s while node-3 still ran it.
    const akka = await resolverRun(245273520, {}, true);
    expect(akka.violations.map((v) => `${v.kind} ${v.id}`)).toEqual(["entity counter/c0"]);
    const ours = await resolverRun(245273520);
    expect(ours.violations).toEqual([]);
    expect(ours.recoveryMismatches).toEqual([]);
  });

  it("lease-majority seed 447916574: Akka's release-after (40 s) keeps the lease from a side that decides late; a release-after shorter than that side's decision runs two coordinators", async () => {
    // A one-way partition cuts node-2 off just after node-1 took the lease and downed it; node-2
    // never hears of its down, detects late, and asks for the lease at about 35 s. node-1 released
    // it 10 s after node-2's removal when release-after followed stable-after × 2 (this runtime's
    // old rule): node-2 got it and downed node-1 and node-3. With Akka's 40 s it is denied and
    // node-2 downs itself. The lease only protects while it is held: that is lease timing's
    // known limit, in Akka as here.
    const run = (releaseAfterMs?: number) =>
      runShardingSeed(447916574, {
        sharding: {},
        nodes: 3,
        entities: 6,
        durationMs: 60_000,
        settleMs: 15_000,
        commandIntervalMs: 2_000,
        downing: (scheduler) =>
          new SplitBrainResolver({
            strategy: {
              kind: "lease-majority",
              ...(releaseAfterMs === undefined ? {} : { releaseAfterMs }),
            },
            stableAfterMs: 5_000,
            lease: new SimulatedLease(scheduler),
          }),
        faults: { leaves: true },
      });
    const akka = await run();
    expect(akka.violations).toEqual([]);
    const denied = akka.sim.trace.records.filter(
      (r) => r.type === "lease" && r.node.address === "node-2" && r.outcome === "denied",
    );
    expect(denied).toHaveLength(1);
    const short = await run(10_000);
    expect(short.violations.map((v) => v.kind)).toContain("coordinator");
  });

  it("auto-down (the unsafe mode) runs a second copy: seed 2 violates single incarnation", async () => {
    const run = await runShardingSeed(2, {
      nodes: 3,
      entities: 6,
      durationMs: 60_000,
      settleMs: 15_000,
      commandIntervalMs: 2_000,
      downing: () => new AutoDowning(5_000),
    });
    const kinds = new Set(run.violations.map((v) => v.kind));
    expect(kinds.has("coordinator") || kinds.has("entity")).toBe(true);
    // The same seed replays the same violation.
    const again = await runShardingSeed(2, {
      nodes: 3,
      entities: 6,
      durationMs: 60_000,
      settleMs: 15_000,
      commandIntervalMs: 2_000,
      downing: () => new AutoDowning(5_000),
    });
    expect(again.violations).toEqual(run.violations);
  });

  it("with no downing, nothing fails over after a crash: the crashed node's shards keep their home (50 seeds)", async () => {
    await fc.assert(
      fc.asyncProperty(seeds, async (seed) => {
        const run = await runShardingSeed(seed, {
          nodes: 3,
          entities: 6,
          durationMs: 60_000,
          settleMs: 15_000,
          commandIntervalMs: 2_000,
          verifyRecovery: false,
          downing: () => new NoDowning(),
          faults: {
            partitions: false,
            oneWayPartitions: false,
            linkFaults: false,
            restarts: false,
          },
        });
        const records = run.sharding.trace.records;
        const crashes = run.sim.trace.records.filter((r) => r.type === "nodeCrashed");
        for (const crash of crashes) {
          if (crash.type !== "nodeCrashed") continue;
          const key = nodeKey(crash.node);
          const later = records.filter((r) => r.at > crash.at);
          // No shard of the crashed region is freed, no coordinator starts elsewhere.
          expect(later.filter((r) => r.type === "shardDeallocated")).toEqual([]);
          const coordinatorWasThere = records.some(
            (r) => r.type === "coordinatorStarted" && nodeKey(r.node) === key && r.at <= crash.at,
          );
          if (coordinatorWasThere)
            expect(later.filter((r) => r.type === "coordinatorStarted")).toEqual([]);
        }
        expect(run.violations).toEqual([]);
      }),
      { numRuns: 50 },
    );
  }, 60_000);

  it("shards are balanced (at most one apart) once rebalancing settles after a crash and restart (100 seeds)", async () => {
    await fc.assert(
      fc.asyncProperty(seeds, fc.integer({ min: 4, max: 16 }), async (seed, shards) => {
        const random = new SeededRandom(seed);
        const crashAt = random.int(15_000, 40_000);
        const restartAt = crashAt + random.int(5_000, 40_000);
        const victim = `node-${random.int(1, 4)}`;
        const sim = new ClusterSimulation({
          seed,
          nodes: 4,
          downing: new SplitBrainResolver({
            strategy: { kind: "keep-majority" },
            stableAfterMs: 5_000,
          }),
          faults: [
            { at: crashAt, type: "crash", node: victim },
            { at: restartAt, type: "restart", node: victim },
          ],
        });
        const sharding = new ClusterSharding(sim);
        const counters = sharding.init<CounterCommand>({
          typeName: "counter",
          createBehavior: counterEntity,
          settings: { numberOfShards: shards, passivateIdleAfterMs: null },
        });
        await sharding.advance(12_000);
        const ids = Array.from({ length: shards * 3 }, (_, i) => `c${i}`);
        for (const id of ids) counters.entityRefFor(id, "node-2").tell({ type: "add", n: 1 });
        await sharding.advance(restartAt - 12_000 + 200_000);
        const records = sharding.trace.records;
        expect(checkBalanced(records, "counter")).toBeUndefined();
        const counts = shardCounts(records, "counter");
        expect(counts.size).toBe(4);
        const used = new Set(ids.map((id) => counters.shardId(id)));
        expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(used.size);
        expect(checkSingleIncarnation(records)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it("liveness: after a minority crash every entity answers again within detection + stable-after + removal margin (20 seeds)", async () => {
    // Detection: the acceptable heartbeat pause (3 s) plus phi rising and gossip spreading the
    // unreachable flag. Recovery: the coordinator (maybe on the crashed node) and the entities
    // restarting, and the next once-a-second ask.
    const DETECTION_MS = 10_000;
    const RECOVERY_MS = 10_000;
    await fc.assert(
      fc.asyncProperty(
        seeds,
        fc.integer({ min: 3, max: 5 }),
        fc.nat(),
        async (seed, size, pick) => {
          const nodes = Array.from({ length: size }, (_, i) => `node-${i + 1}`);
          const victim = nodes[1 + (pick % (size - 1))] as string;
          const resolver = new SplitBrainResolver({ strategy: { kind: "keep-majority" } });
          const bound =
            DETECTION_MS + resolver.stableAfterMs + downRemovalMargin(resolver) + RECOVERY_MS;
          const seconds = await measureFailover({
            seed,
            nodes,
            victim,
            downing: () => resolver,
            entities: 30,
            numberOfShards: 12,
            limitMs: bound + 30_000,
          });
          const replay = `measureFailover({ seed: ${seed}, nodes: ${size}, victim: "${victim}" })`;
          expect(seconds, `never answered again; replay ${replay}`).toBeDefined();
          expect((seconds as number) * 1000, `too slow; replay ${replay}`).toBeLessThanOrEqual(
            bound,
          );
        },
      ),
      { numRuns: 20 },
    );
  });
});
