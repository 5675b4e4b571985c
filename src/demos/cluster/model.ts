import {
  AutoDowning,
  ClusterSharding,
  ClusterSimulation,
  type CounterCommand,
  checkSingleIncarnation,
  checkSplitBrain,
  counterEntity,
  type DowningProvider,
  type MemberStatus,
  NoDowning,
  nodeKey,
  type ShardedEntity,
  SplitBrainResolver,
  type UniqueAddress,
} from "@runtime";
import { BadCommand, commandType, type DemoModel, integerField } from "../model";
import type { DemoConfig } from "../serve";
import { DOWNING_MODES, type Downing, NODES } from "./names";
import { type Line, Narrator } from "./narrate";
import { type Outage, type Outcome, Traffic } from "./traffic";

/**
 * Talks 1 and 3: three nodes running cluster sharding on the real runtime's deterministic
 * simulator. Counter entities (event-sourced, one shared journal) live in shards spread over
 * the nodes; clients send each entity one `add` per simulated second. Crash a node, cut the
 * network, pick the downing provider, and move time on: the view shows who suspects whom, who
 * is downed, where shards go, which entities stop answering and for how long, and whether two
 * incarnations of an entity ever ran at once.
 */

const ENTITY_COUNT = 6;
const SHARDS = 9;
const SEED = 2019;
/** The cluster forms and the coordinator starts before the demo's clock reads zero. */
export const WARM_UP_MS = 20_000;
/** The resolver waits this long for a stable picture before it downs anyone. */
export const STABLE_AFTER_MS = 7_000;
/** Auto-down downs whatever stays unreachable this long: fast, and unsafe. */
export const AUTO_DOWN_AFTER_MS = 5_000;
const MAX_ADVANCE_MS = 60_000;
const MAX_LINES = 60;
/** Requests per entity in the strip of outcomes. */
const RECENT = 30;

export type ClusterCommand =
  | { readonly type: "advance"; readonly ms: number }
  | { readonly type: "traffic"; readonly on: boolean }
  | { readonly type: "crash" | "restart" | "partition"; readonly node: string }
  | { readonly type: "heal" }
  | { readonly type: "downing"; readonly mode: Downing }
  | { readonly type: "reset" };

/** What one node thinks of one other member. */
export interface PeerView {
  readonly address: string;
  /** Its status in this node's view (null: not a member here). */
  readonly status: MemberStatus | null;
  readonly reachable: boolean;
  /** This node's phi-accrual suspicion of it (0 when not monitored). */
  readonly phi: number;
}

export interface NodeView {
  readonly address: string;
  readonly running: boolean;
  /** 1 for the first start, +1 per restart. */
  readonly incarnation: number;
  readonly status: MemberStatus | null;
  readonly leader: string | null;
  readonly peers: readonly PeerView[];
  /** Shards whose region is here, in number order. */
  readonly shards: readonly string[];
  readonly coordinator: boolean;
  /** Entities with a live incarnation here. */
  readonly entities: readonly string[];
  /** Which side of the partition it is on, when there is one. */
  readonly side: "A" | "B" | null;
}

export interface EntityView {
  readonly id: string;
  readonly shard: string;
  /** Nodes where an incarnation of it is alive now: two means split brain. */
  readonly homes: readonly string[];
  readonly incarnations: number;
  /** The node its client sends through now. */
  readonly client: string | null;
  /** The last total it answered with, and when. */
  readonly total: number | null;
  readonly answeredAt: number | null;
  /** The node whose incarnation gave that answer. */
  readonly answeredBy: string | null;
  /** Recent requests, oldest first. */
  readonly recent: readonly { readonly outcome: Outcome; readonly sentAt: number }[];
  readonly outages: readonly Outage[];
}

export interface ClusterView {
  /** Virtual ms since the cluster formed. */
  readonly now: number;
  readonly downing: Downing;
  readonly traffic: boolean;
  readonly partition: {
    readonly sideA: readonly string[];
    readonly sideB: readonly string[];
  } | null;
  readonly nodes: readonly NodeView[];
  readonly entities: readonly EntityView[];
  /** Newest last, the last {@link MAX_LINES}. */
  readonly lines: readonly Line[];
  /** Pairs of live nodes that each saw the other downed, as found by `checkSplitBrain`. */
  readonly splitBrain: readonly string[];
  /** Entities or coordinators that ran twice at once, or journal conflicts (`checkSingleIncarnation`). */
  readonly doubleRuns: readonly string[];
  readonly said: string;
}

const DEMO = "cluster";

function downingProvider(mode: Downing): DowningProvider {
  switch (mode) {
    case "keep-majority":
      return new SplitBrainResolver({
        strategy: { kind: "keep-majority" },
        stableAfterMs: STABLE_AFTER_MS,
      });
    case "none":
      return new NoDowning();
    case "auto-down":
      return new AutoDowning(AUTO_DOWN_AFTER_MS);
  }
}

function nodeField(command: Record<string, unknown>): string {
  const node = command.node;
  if (typeof node !== "string" || !(NODES as readonly string[]).includes(node))
    throw new BadCommand(DEMO, command, `node must be one of ${NODES.join(", ")}`);
  return node;
}

/** Entity ids from the markup's prefix: `pool` gives pool-1 … pool-6. */
function entityIds(config: DemoConfig): string[] {
  const prefix = /^[a-z][\w-]{0,15}$/.test(config.entity ?? "") ? config.entity : "entity";
  return Array.from({ length: ENTITY_COUNT }, (_, i) => `${prefix}-${i + 1}`);
}

function isDowning(value: unknown): value is Downing {
  return typeof value === "string" && (DOWNING_MODES as readonly string[]).includes(value);
}

/** One run of the cluster under one downing provider, from the formed cluster onwards. */
class Run {
  readonly sim: ClusterSimulation;
  readonly sharding: ClusterSharding;
  readonly counters: ShardedEntity<CounterCommand>;
  readonly traffic: Traffic;
  readonly lines: Line[] = [];
  readonly ready: Promise<void>;
  partition: { sideA: string[]; sideB: string[] } | null = null;
  private readonly homes = new Map<string, Map<string, UniqueAddress>>();
  private readonly incarnations = new Map<string, number>();
  /** The simulation starts every node in its constructor, before anyone can subscribe. */
  private readonly starts = new Map<string, number>(NODES.map((a) => [a, 1]));
  private readonly coordinators = new Map<string, UniqueAddress>();
  private readonly narrator = new Narrator();

  constructor(
    readonly downing: Downing,
    readonly entities: readonly string[],
  ) {
    this.sim = new ClusterSimulation({
      seed: SEED,
      nodes: [...NODES],
      downing: downingProvider(downing),
    });
    this.sharding = new ClusterSharding(this.sim);
    this.sim.trace.subscribe((r) => {
      if (r.type === "nodeStarted")
        this.starts.set(r.node.address, (this.starts.get(r.node.address) ?? 0) + 1);
      if (r.at >= WARM_UP_MS) this.say(this.narrator.cluster(r));
    });
    this.sharding.trace.subscribe((r) => {
      if (r.type === "entityStarted") {
        this.liveSet(r.entityId).set(nodeKey(r.node), r.node);
        this.incarnations.set(r.entityId, (this.incarnations.get(r.entityId) ?? 0) + 1);
      } else if (r.type === "entityStopped") this.liveSet(r.entityId).delete(nodeKey(r.node));
      else if (r.type === "coordinatorStarted") this.coordinators.set(nodeKey(r.node), r.node);
      else if (r.type === "coordinatorStopped") this.coordinators.delete(nodeKey(r.node));
      if (r.at >= WARM_UP_MS) this.say(this.narrator.sharding(r));
    });
    // After subscribing: the coordinator singleton starts on the oldest node during init.
    this.counters = this.sharding.init<CounterCommand>({
      typeName: "counter",
      createBehavior: counterEntity,
      settings: { numberOfShards: SHARDS, passivateIdleAfterMs: null },
    });
    this.traffic = new Traffic(
      this.counters,
      () => this.now(),
      (id, from) => this.homeFor(id, from),
    );
    this.ready = this.sharding.advance(WARM_UP_MS);
  }

  now(): number {
    return this.sim.scheduler.now() - WARM_UP_MS;
  }

  /** Moves time on one second at a time; with traffic on, each second starts with a request per entity. */
  async advance(ms: number, traffic: boolean): Promise<void> {
    for (let left = ms; left > 0; left -= 1_000) {
      if (traffic) this.sendRound();
      await this.sharding.advance(Math.min(1_000, left));
    }
  }

  /**
   * One `add` per entity. Each entity's client sits on one node (entity i on node i mod 3), so a
   * partition cuts some clients off from some entities; a client whose node is gone moves to the
   * next running node, as a load balancer would send it.
   */
  private sendRound(): void {
    this.entities.forEach((id, i) => {
      const from = this.clientNode(i);
      if (from !== undefined) this.traffic.send(id, from);
    });
  }

  clientNode(index: number): string | undefined {
    for (let k = 0; k < NODES.length; k++) {
      const address = NODES[(index + k) % NODES.length];
      if (address !== undefined && this.counters.region(address) !== undefined) return address;
    }
    return undefined;
  }

  homesOf(entityId: string): string[] {
    return [...this.liveSet(entityId).values()].map((n) => n.address).sort();
  }

  incarnationsOf(entityId: string): number {
    return this.incarnations.get(entityId) ?? 0;
  }

  startsOf(address: string): number {
    return this.starts.get(address) ?? 0;
  }

  hasCoordinator(address: string): boolean {
    return [...this.coordinators.values()].some((n) => n.address === address);
  }

  sideOf(address: string): "A" | "B" | null {
    if (this.partition === null) return null;
    return this.partition.sideA.includes(address) ? "A" : "B";
  }

  /** The incarnation a reply from `from`'s side came from: split brain can run one per side. */
  private homeFor(entityId: string, from: string): string | undefined {
    const homes = this.homesOf(entityId);
    return homes.find((h) => this.sideOf(h) === this.sideOf(from)) ?? homes[0];
  }

  private liveSet(entityId: string): Map<string, UniqueAddress> {
    let set = this.homes.get(entityId);
    if (set === undefined) {
      set = new Map();
      this.homes.set(entityId, set);
    }
    return set;
  }

  private say(line: Line | undefined): void {
    if (line === undefined) return;
    this.lines.push({ ...line, at: line.at - WARM_UP_MS });
    if (this.lines.length > MAX_LINES) this.lines.shift();
  }
}

export class ClusterModel implements DemoModel<ClusterView> {
  private run: Run;
  private traffic = true;
  private said = "";
  private readonly entities: readonly string[];
  private readonly initialDowning: Downing;

  constructor(config: DemoConfig = {}) {
    this.entities = entityIds(config);
    this.initialDowning = isDowning(config.downing) ? config.downing : "keep-majority";
    this.run = new Run(this.initialDowning, this.entities);
  }

  async view(): Promise<ClusterView> {
    await this.run.ready;
    return this.snapshot();
  }

  async apply(command: unknown): Promise<ClusterView> {
    await this.run.ready;
    const cmd = commandType(DEMO, command, [
      "advance",
      "traffic",
      "crash",
      "restart",
      "partition",
      "heal",
      "downing",
      "reset",
    ]);
    const run = this.run;
    switch (cmd.type) {
      case "advance": {
        const ms = integerField(DEMO, cmd, "ms", 1_000, MAX_ADVANCE_MS);
        await run.advance(ms, this.traffic);
        this.said = `+${ms / 1000} s: ${this.summary()}`;
        break;
      }
      case "traffic":
        if (typeof cmd.on !== "boolean")
          throw new BadCommand(DEMO, cmd, "on must be true or false");
        this.traffic = cmd.on;
        this.said = cmd.on
          ? "Clients send one request per entity each second."
          : "Clients stopped sending.";
        break;
      case "crash": {
        const node = nodeField(cmd);
        if (run.sim.node(node) === undefined) this.said = `${node} is not running.`;
        else {
          run.sim.crash(node);
          this.said = `${node} crashed. Its entities are gone; the others wait for the failure detector.`;
        }
        break;
      }
      case "restart": {
        const node = nodeField(cmd);
        this.said = run.sim.restart(node)
          ? `${node} restarts with a new uid and joins again.`
          : `${node} is still running (a downed node shuts itself down first).`;
        break;
      }
      case "partition": {
        const node = nodeField(cmd);
        if (run.partition !== null) run.sim.heal();
        const others = NODES.filter((a) => a !== node);
        run.sim.partition([node], others);
        run.partition = { sideA: [node], sideB: others };
        this.said = `Network cut: {${node}} | {${others.join(", ")}}. Each side will suspect the other.`;
        break;
      }
      case "heal":
        if (run.partition === null) this.said = "The network is whole already.";
        else {
          run.sim.heal();
          run.partition = null;
          this.said = "Network healed.";
        }
        break;
      case "downing": {
        if (!isDowning(cmd.mode))
          throw new BadCommand(DEMO, cmd, `mode must be one of ${DOWNING_MODES.join(", ")}`);
        this.run = new Run(cmd.mode, this.entities);
        await this.run.ready;
        this.said = `Started over with downing: ${cmd.mode}.`;
        break;
      }
      case "reset":
        this.run = new Run(run.downing, this.entities);
        this.traffic = true;
        await this.run.ready;
        this.said = "Started over.";
        break;
    }
    return this.snapshot();
  }

  private summary(): string {
    const view = this.entityViews();
    const down = view.filter((e) => e.outages.some((o) => o.to === null)).map((e) => e.id);
    const twice = view.filter((e) => e.homes.length > 1).map((e) => e.id);
    const parts = [
      down.length === 0 ? "every entity answers" : `no answer from ${down.join(", ")}`,
    ];
    if (twice.length > 0) parts.push(`running twice: ${twice.join(", ")}`);
    return `${parts.join("; ")}.`;
  }

  private entityViews(): EntityView[] {
    const run = this.run;
    return this.entities.map((id, i) => {
      const requests = run.traffic.requests(id);
      const last = [...requests].reverse().find((r) => r.outcome === "answered");
      return {
        id,
        shard: run.counters.shardId(id),
        homes: run.homesOf(id),
        incarnations: run.incarnationsOf(id),
        client: run.clientNode(i) ?? null,
        total: last?.total ?? null,
        answeredAt: last?.answeredAt ?? null,
        answeredBy: last?.answeredBy ?? null,
        recent: requests.slice(-RECENT).map((r) => ({ outcome: r.outcome, sentAt: r.sentAt })),
        outages: run.traffic.outagesOf(id),
      };
    });
  }

  private snapshot(): ClusterView {
    const run = this.run;
    const nodes = NODES.map((address): NodeView => {
      const node = run.sim.node(address);
      const region = run.counters.region(address);
      const entities = this.entities.filter((id) => run.homesOf(id).includes(address));
      if (node === undefined)
        return {
          address,
          running: false,
          incarnation: run.startsOf(address),
          status: null,
          leader: null,
          peers: [],
          shards: [],
          coordinator: false,
          entities,
          side: run.sideOf(address),
        };
      const state = node.state();
      const unreachable = new Set(state.unreachable.map((m) => nodeKey(m.node)));
      const peers = NODES.filter((a) => a !== address).map((peer): PeerView => {
        const members = state.members.filter((m) => m.node.address === peer);
        const current = run.sim.node(peer);
        const member =
          members.find((m) => current !== undefined && m.node.uid === current.self.uid) ??
          members.at(-1);
        return {
          address: peer,
          status: member?.status ?? null,
          reachable: member === undefined || !unreachable.has(nodeKey(member.node)),
          phi: member === undefined ? 0 : Math.round(Math.min(node.phi(member.node), 99) * 10) / 10,
        };
      });
      return {
        address,
        running: true,
        incarnation: run.startsOf(address),
        status: state.selfStatus,
        leader: state.leader?.address ?? null,
        peers,
        shards: (region?.hostedShards() ?? []).slice().sort((a, b) => Number(a) - Number(b)),
        coordinator: run.hasCoordinator(address),
        entities,
        side: run.sideOf(address),
      };
    });
    const splitBrain = checkSplitBrain(run.sim.trace.records).map(
      (s) =>
        `${s.a.address} and ${s.b.address} each downed the other (at ${clockS(s.at - WARM_UP_MS)})`,
    );
    const doubleRuns = checkSingleIncarnation(run.sharding.trace.records).map((v) =>
      v.kind === "journal-conflict"
        ? `journal conflict on ${v.id} (at ${clockS(v.at - WARM_UP_MS)})`
        : `${v.kind} ${v.id.replace(/^counter\//, "")} on ${v.nodes.map((n) => n.address).join(" and ")} (at ${clockS(v.at - WARM_UP_MS)})`,
    );
    return {
      now: run.now(),
      downing: run.downing,
      traffic: this.traffic,
      partition: run.partition,
      nodes,
      entities: this.entityViews(),
      lines: [...run.lines],
      splitBrain,
      doubleRuns,
      said: this.said,
    };
  }
}

function clockS(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
