import {
  type Address,
  ClusterSharding,
  ClusterSimulation,
  type CounterCommand,
  type CounterReply,
  checkSingleIncarnation,
  checkSplitBrain,
  counterEntity,
  type Decision,
  type Member,
  type MemberStatus,
  type ResolverView,
  SeededRandom,
  SplitBrainResolver,
  type TraceRecord,
} from "@runtime";
import { keepMajority } from "./downing";

/**
 * The lab's test bench: the runs the checks make, ready for you to call too. Every run is a
 * deterministic function of its seed, so a seed named in a failure replays exactly.
 */

/**
 * A member for hand-made views: `node-<n>`, with UID `n` so its key reads `node-<n>#<n>`.
 *
 * @example
 * member(3); // { node: { address: "node-3", uid: 3 }, status: "up", upNumber: 3 }
 */
export function member(n: number, status: MemberStatus = "up"): Member {
  const upNumber = status === "joining" || status === "weakly-up" ? Number.MAX_SAFE_INTEGER : n;
  return { node: { address: `node-${n}`, uid: n }, status, upNumber };
}

/** The key of {@link member}(n): `node-<n>#<n>`. */
export const key = (n: number) => `node-${n}#${n}`;

/**
 * The view from node `self`: these members, of which `unreachable` (numbers) cannot be reached.
 *
 * @example
 * viewFrom(1, [1, 2, 3, 4, 5].map((n) => member(n)), [4, 5]); // node-1 sees 4 and 5 gone
 */
export function viewFrom(
  self: number,
  members: readonly Member[],
  unreachable: readonly number[],
): ResolverView {
  return {
    self: key(self),
    members,
    unreachable: new Set(unreachable.map(key)),
    records: [],
    seenBy: new Set([key(self)]),
  };
}

/** What you write: a decision for one side's view, or `undefined` to decide nothing. */
export type DowningDecision = (view: ResolverView) => Decision | undefined;

/** How long the resolver waits for a quiet view before deciding (Akka's default is 20 s). */
export const STABLE_AFTER_MS = 7_000;

/** One random network partition: which nodes exist and which side each one ends up on. */
export interface Partition {
  readonly seed: number;
  readonly nodes: readonly Address[];
  readonly sideA: readonly Address[];
  readonly sideB: readonly Address[];
}

/**
 * The partition that `seed` stands for: a cluster of 3 to 6 nodes cut into two non-empty
 * sides at random. Sides are equal only when the cluster size is even and the cut falls in the
 * middle.
 *
 * @example
 * partitionFor(7); // { seed: 7, nodes: [node-1 … node-6], sideA: [...], sideB: [...] }
 */
export function partitionFor(seed: number): Partition {
  const random = new SeededRandom(seed).fork("split-brain-lab");
  const size = 3 + (seed % 4);
  const nodes = Array.from({ length: size }, (_, i) => `node-${i + 1}`);
  const shuffled = [...nodes];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j] as Address, shuffled[i] as Address];
  }
  const cut = random.int(1, size - 1);
  const byAddress = (a: Address, b: Address) => Number(a.slice(5)) - Number(b.slice(5));
  return {
    seed,
    nodes,
    sideA: shuffled.slice(0, cut).sort(byAddress),
    sideB: shuffled.slice(cut).sort(byAddress),
  };
}

/** `{node-1, node-3}`: how failure messages name a side. */
export const sideName = (side: readonly Address[]) => `{${side.join(", ")}}`;

/** The marker the lab page turns into a link to the trace of this seed. */
export const traceMarker = (seed: number) => `[trace seed=${seed} lab=split-brain]`;

/** A resolver running your decision function, with the same timing in every run. */
export function resolverFor(name: string, decide: DowningDecision): SplitBrainResolver {
  return new SplitBrainResolver({
    strategy: { kind: "custom", name, decide },
    stableAfterMs: STABLE_AFTER_MS,
    // Off, so that a strategy that decides nothing is seen doing exactly nothing.
    downAllWhenUnstable: "off",
  });
}

/** Where each side stands at the end of a run. */
export interface SideOutcome {
  readonly nodes: readonly Address[];
  /** Nodes still running that consider themselves in the cluster. */
  readonly up: readonly Address[];
  /** Of those, the ones that still list a node of the other side as a member. */
  readonly waiting: readonly Address[];
}

/** The outcome of {@link runPartition}. */
export interface PartitionRun {
  readonly partition: Partition;
  readonly a: SideOutcome;
  readonly b: SideOutcome;
  /** Pairs of nodes that each downed the other while both kept running. */
  readonly splitBrains: number;
}

const IN_CLUSTER = new Set(["weakly-up", "up", "leaving"]);

function outcome(
  sim: ClusterSimulation,
  side: readonly Address[],
  other: readonly Address[],
): SideOutcome {
  const up: Address[] = [];
  const waiting: Address[] = [];
  for (const address of side) {
    const state = sim.node(address)?.state();
    if (state === undefined || !IN_CLUSTER.has(state.selfStatus ?? "")) continue;
    up.push(address);
    if (state.members.some((m) => other.includes(m.node.address) && m.status !== "down"))
      waiting.push(address);
  }
  return { nodes: side, up, waiting };
}

function partitioned(seed: number, decide: DowningDecision, name: string) {
  const partition = partitionFor(seed);
  const sim = new ClusterSimulation({
    seed,
    nodes: partition.nodes,
    downing: resolverFor(name, decide),
  });
  sim.runFor(15_000);
  sim.partition(partition.sideA, partition.sideB);
  sim.runFor(45_000);
  return { partition, sim };
}

/**
 * What the lab page's trace view draws for a failing seed: the partition run of that seed with
 * your `keepMajority` (the view replays it with the code in the editor).
 */
export async function traceSeed(
  seed: number,
): Promise<{ cluster: readonly TraceRecord[]; sharding: readonly [] }> {
  return { cluster: partitioned(seed, keepMajority, "yours").sim.trace.records, sharding: [] };
}

/**
 * Forms the cluster of `partitionFor(seed)` with your decision function on every node, cuts the
 * network 15 s in, and lets it run 45 s more.
 *
 * @example
 * const run = runPartition(7, keepMajority);
 * run.a.up; run.b.up; run.splitBrains;
 */
export function runPartition(seed: number, decide: DowningDecision, name = "yours"): PartitionRun {
  const { partition, sim } = partitioned(seed, decide, name);
  return {
    partition,
    a: outcome(sim, partition.sideA, partition.sideB),
    b: outcome(sim, partition.sideB, partition.sideA),
    splitBrains: checkSplitBrain(sim.trace.records).length,
  };
}

/**
 * What went wrong in `run`, in plain words, given which side should have survived (`null`:
 * neither). Undefined when the run went as it should.
 */
export function partitionProblem(
  run: PartitionRun,
  keep: "a" | "b" | null,
  why: string,
): string | undefined {
  const { partition } = run;
  const at = `after partitioning ${sideName(partition.sideA)} | ${sideName(partition.sideB)} at seed ${partition.seed}`;
  const marker = traceMarker(partition.seed);
  if (run.splitBrains > 0)
    return `both sides stayed up ${at}: each side downed the other, so there are now two clusters, each running its own copy of every entity (this is what auto-down does) ${marker}`;
  if (keep === null) {
    const survivors = [...run.a.up, ...run.b.up];
    return survivors.length === 0
      ? undefined
      : `${sideName(survivors)} stayed up ${at}: ${why}, so no side may stay ${marker}`;
  }
  const kept = keep === "a" ? run.a : run.b;
  const other = keep === "a" ? run.b : run.a;
  if (kept.up.length < kept.nodes.length)
    return `${sideName(kept.nodes)} should have stayed up ${at} (${why}), but ${sideName(kept.nodes.filter((n) => !kept.up.includes(n)))} went down ${marker}`;
  if (kept.waiting.length > 0)
    return `nothing was downed ${at}: ${sideName(kept.nodes)} should stay (${why}), but it still waits for ${sideName(other.nodes)}, so nothing that lived there can move and the cluster stays unavailable (this is what a strategy that decides nothing does) ${marker}`;
  if (other.up.length > 0)
    return `${sideName(other.up)} stayed up ${at}: ${sideName(kept.nodes)} had taken over (${why}), so the other side should have downed itself ${marker}`;
  return undefined;
}

/** The outcome of {@link runSharded}. */
export interface ShardedRun {
  readonly partition: Partition;
  /** What ran on two nodes at once, as `entity counter/c3 ran on node-1 and node-4 at 31.2 s`. */
  readonly doubles: readonly string[];
  /** Entities that did not answer the surviving side at the end. */
  readonly unanswered: readonly string[];
  /** The side that was still up and asked at the end, if any. */
  readonly askedFrom: Address | undefined;
}

/**
 * Counters sharded over the cluster of `partitionFor(seed)` under a steady stream of commands,
 * partitioned 15 s in; at 60 s a surviving node asks every counter for its total.
 *
 * @example
 * const run = await runSharded(7, keepMajority);
 * run.doubles;    // [] unless two copies of an entity ran at once
 * run.unanswered; // [] unless shards were stuck on a side nobody downed
 */
export async function runSharded(
  seed: number,
  decide: DowningDecision,
  keep: "a" | "b",
  name = "yours",
): Promise<ShardedRun> {
  const partition = partitionFor(seed);
  const sim = new ClusterSimulation({
    seed,
    nodes: partition.nodes,
    downing: resolverFor(name, decide),
  });
  const sharding = new ClusterSharding(sim);
  const counters = sharding.init<CounterCommand>({
    typeName: "counter",
    createBehavior: counterEntity,
    settings: { numberOfShards: 6, passivateIdleAfterMs: null },
  });
  const entityIds = Array.from({ length: 8 }, (_, i) => `c${i}`);
  const workload = new SeededRandom(seed).fork("workload");
  const send = () => {
    if (sim.scheduler.now() >= 55_000) return;
    const live = partition.nodes.filter((a) => counters.region(a) !== undefined);
    if (live.length > 0)
      counters
        .entityRefFor(workload.pick(entityIds), workload.pick(live))
        .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 5_000)
        .catch(() => {});
    sim.scheduler.schedule(250, send);
  };
  sim.scheduler.schedule(8_000, send);
  await sharding.advance(15_000);
  sim.partition(partition.sideA, partition.sideB);
  await sharding.advance(45_000);
  const side = keep === "a" ? partition.sideA : partition.sideB;
  const askedFrom = side.find((a) => counters.region(a) !== undefined);
  const answered = new Set<string>();
  if (askedFrom !== undefined)
    for (const id of entityIds)
      counters
        .entityRefFor(id, askedFrom)
        .ask<CounterReply>((replyTo) => ({ type: "get", replyTo }), 15_000)
        .then(
          () => answered.add(id),
          () => {},
        );
  await sharding.advance(20_000);
  // Entities first: they are what the learner reasons about; coordinators follow from them.
  const doubles = checkSingleIncarnation(sharding.trace.records)
    .sort((x, y) => Number(y.kind === "entity") - Number(x.kind === "entity"))
    .map(
      (v) =>
        `${v.kind} ${v.id} ran on ${v.nodes.map((n) => n.address).join(" and ")} at ${(v.at / 1000).toFixed(1)} s`,
    );
  return {
    partition,
    doubles,
    unanswered: entityIds.filter((id) => !answered.has(id)),
    askedFrom,
  };
}

/** What went wrong in a sharded run, in plain words; undefined when nothing did. */
export function shardedProblem(run: ShardedRun, keep: "a" | "b"): string | undefined {
  const { partition } = run;
  const at = `after partitioning ${sideName(partition.sideA)} | ${sideName(partition.sideB)} at seed ${partition.seed}`;
  const marker = traceMarker(partition.seed);
  const kept = keep === "a" ? partition.sideA : partition.sideB;
  if (run.doubles.length > 0)
    return `more than one incarnation of an entity ${at}: ${run.doubles[0]}; two copies append to one event stream and corrupt it ${marker}`;
  if (run.askedFrom === undefined)
    return `no node of ${sideName(kept)} was left to serve requests ${at} ${marker}`;
  if (run.unanswered.length > 0)
    return `${sideName(kept)} could not reach ${run.unanswered.join(", ")} ${at}: their shards were stuck on the other side, because nobody downed it ${marker}`;
  return undefined;
}
