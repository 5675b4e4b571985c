import type { Cancellable, Scheduler } from "../../sim/scheduler";
import type { ClusterNode } from "../membership/cluster-node";
import { type Member, nodeKey, type UniqueAddress } from "../membership/member";
import { oldestMember, Removals } from "./oldest";
import type { SingletonRecord } from "./records";

/**
 * A running singleton instance. `stop()` must leave it inert when it returns.
 *
 * @example Starting and stopping the singleton's work
 * ```ts
 * declare const scheduler: Scheduler;
 * declare function publishScores(): void;
 * const start = (): SingletonInstance => {
 *   const tick = scheduler.schedule(1_000, () => publishScores());
 *   return { stop: () => tick.cancel() };
 * };
 * ```
 */
export interface SingletonInstance {
  /** Stops the instance (hand-over, or this node leaving); release what it holds here. */
  stop(): void;
}

type SingletonRecordInput = SingletonRecord extends infer R
  ? R extends { at: number }
    ? Omit<R, "at">
    : never
  : never;

/**
 * How to run one singleton on a node.
 *
 * @example Options for a scoreboard singleton
 * ```ts
 * declare const sim: ClusterSimulation;
 * declare const start: () => SingletonInstance;
 * const options: ClusterSingletonManagerOptions = {
 *   name: "scoreboard",
 *   scheduler: sim.scheduler,
 *   start,
 *   removalMarginMs: downRemovalMargin(sim.downing),
 * };
 * ```
 */
export interface ClusterSingletonManagerOptions {
  /** Names the singleton; managers of the same name on different nodes cooperate. */
  readonly name: string;
  readonly scheduler: Scheduler;
  /** Starts the instance on this node when it becomes the oldest. */
  readonly start: () => SingletonInstance;
  /**
   * After a member that was downed is removed, wait this long before taking over (Akka's
   * `down-removal-margin`; the split-brain resolver's stable-after). Gives the other side of
   * a partition time to stop its copy. Default 0.
   */
  readonly removalMarginMs?: number;
  /** How often to repeat `HandOverToMe` to the previous oldest (1 s). */
  readonly handOverRetryIntervalMs?: number;
  /**
   * Run the singleton on the oldest member with this role only (Akka's
   * `ClusterSingletonManagerSettings.role`); start managers only on nodes that have it.
   */
  readonly role?: string;
  readonly record?: (record: SingletonRecordInput) => void;
}

type Phase =
  | { readonly kind: "younger" }
  | { readonly kind: "becoming-oldest"; readonly previous: Member }
  | { readonly kind: "oldest"; readonly instance: SingletonInstance }
  /** This incarnation handed over (or is going away): it never runs the singleton again. */
  | { readonly kind: "done" };

type SingletonMessage = { readonly type: "HandOverToMe" } | { readonly type: "HandOverDone" };

/**
 * Runs a singleton on the oldest up member of the cluster, after Akka's
 * `ClusterSingletonManager`. One manager runs on every node incarnation; they agree through
 * membership and a hand-over protocol, so the old instance always stops before the new starts:
 *
 * - **Graceful leave.** A leaving oldest stops its instance at once. The next oldest asks it
 *   with `HandOverToMe` until it answers `HandOverDone` (or is removed after exiting), then
 *   starts its own.
 * - **Crash or partition.** The unreachable oldest keeps its place until the downing provider
 *   downs it and it is removed; then the next oldest waits the removal margin and takes over.
 *   Without downing that never happens: the singleton stays unavailable, as in Akka. A
 *   hand-over never cuts that margin short: every start waits it out after the last removal of
 *   a downed member, since the node handing over may itself have been waiting for it.
 *
 * @example One scoreboard for the whole cluster
 * ```ts
 * const sim = new ClusterSimulation({
 *   seed: 3,
 *   nodes: 3,
 *   downing: new SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
 * });
 * sim.onNodeStarted((node) => {
 *   // A manager on every node incarnation; only the oldest member's starts the instance.
 *   new ClusterSingletonManager(node, {
 *     name: "scoreboard",
 *     scheduler: sim.scheduler,
 *     removalMarginMs: downRemovalMargin(sim.downing),
 *     start: () => {
 *       const timer = sim.scheduler.schedule(1_000, () => console.log(`tick on ${node.address}`));
 *       return { stop: () => timer.cancel() }; // called before any other node starts one
 *     },
 *   });
 * });
 * sim.runFor(30_000);
 * ```
 */
export class ClusterSingletonManager {
  readonly name: string;
  private readonly self: UniqueAddress;
  private readonly selfKey: string;
  private readonly removals = new Removals();
  private phase: Phase = { kind: "younger" };
  private readonly removalMarginMs: number;
  private readonly retryMs: number;
  private retry: Cancellable | undefined;
  private readonly channel: string;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly node: ClusterNode,
    private readonly options: ClusterSingletonManagerOptions,
  ) {
    this.name = options.name;
    this.self = node.self;
    this.selfKey = nodeKey(node.self);
    this.removalMarginMs = options.removalMarginMs ?? 0;
    this.retryMs = options.handOverRetryIntervalMs ?? 1000;
    if (!(this.removalMarginMs >= 0))
      throw new RangeError(
        `ClusterSingletonManager "${this.name}": removalMarginMs must be >= 0, got ${this.removalMarginMs}`,
      );
    if (!(this.retryMs > 0))
      throw new RangeError(
        `ClusterSingletonManager "${this.name}": handOverRetryIntervalMs must be > 0, got ${this.retryMs}`,
      );
    this.channel = `singleton:${this.name}`;
    if (node.isTerminated) {
      this.stopped = true;
      return;
    }
    this.unsubscribe.push(
      node.receiveOn(this.channel, (from, payload) =>
        this.receive(from, payload as SingletonMessage),
      ),
      node.onTerminated(() => this.nodeStopped()),
      node.subscribe(
        (event) => {
          this.removals.apply(event, this.now());
          if ("member" in event && nodeKey(event.member.node) === this.selfKey) {
            if (event.type === "memberLeft" || event.type === "memberExited")
              this.handOver("hand-over");
            else if (event.type === "memberDowned") this.handOver("node-stopped");
          }
          this.evaluate();
        },
        { initialStateAsEvents: true },
      ),
    );
  }

  /** True while this node runs the singleton. */
  get isRunning(): boolean {
    return this.phase.kind === "oldest";
  }

  /** The oldest member as this node sees it (where the singleton should run). */
  oldest(): UniqueAddress | undefined {
    return this.currentOldest()?.node;
  }

  private currentOldest(): Member | undefined {
    return oldestMember(this.node.membershipState().gossip.members.values(), this.options.role);
  }

  private now(): number {
    return this.options.scheduler.now();
  }

  private evaluate(): void {
    if (this.stopped || this.phase.kind === "done" || this.phase.kind === "oldest") return;
    const oldest = this.currentOldest();
    const selfKey = this.selfKey;
    if (oldest === undefined || nodeKey(oldest.node) !== selfKey) {
      this.lastOldest = oldest;
      if (this.phase.kind === "becoming-oldest") this.becomeYounger();
      return;
    }
    if (this.phase.kind === "younger") {
      const previous = this.lastOldest;
      this.lastOldest = oldest;
      if (previous === undefined || nodeKey(previous.node) === selfKey) this.startInstance();
      else {
        this.phase = { kind: "becoming-oldest", previous };
        this.tryTakeOver();
      }
      return;
    }
    this.tryTakeOver();
  }

  private lastOldest: Member | undefined;

  /** In becoming-oldest: start when the previous oldest is provably gone or handed over. */
  private tryTakeOver(): void {
    if (this.phase.kind !== "becoming-oldest") return;
    const previous = this.phase.previous;
    const key = nodeKey(previous.node);
    const current = this.node.membershipState().gossip.member(key);
    this.retry?.cancel();
    this.retry = undefined;
    if (current === undefined) {
      // The state can be ahead of the events: inside one gossip update the removal event may
      // still be queued. Without its record, assume the worst (a downed member) for now.
      const removal = this.removals.of(key);
      const wait =
        removal === undefined
          ? this.removalMarginMs
          : removal.previousStatus === "exiting"
            ? 0
            : removal.at + this.removalMarginMs - this.now();
      if (wait <= 0) this.startAfterDownedMargin();
      else this.retry = this.options.scheduler.schedule(wait, () => this.tryTakeOver());
      return;
    }
    if (current.status === "leaving" || current.status === "exiting") {
      this.node.send(previous.node, this.channel, { type: "HandOverToMe" });
      this.retry = this.options.scheduler.schedule(this.retryMs, () => this.tryTakeOver());
    }
    // Down but not removed yet: wait for the removal event.
  }

  /**
   * Starts the instance once no downed member can still run it. A hand-over or an exited
   * predecessor only proves that the predecessor stopped its copy; if the predecessor had not
   * started yet because it was itself waiting the margin for a downed oldest, that one may
   * still run behind a partition (the lease-majority property run found it: seed 358612899,
   * a node leaving right after it downed the old oldest handed over at once). So every
   * take-over waits the margin after the last removal of a downed member.
   */
  private startAfterDownedMargin(): void {
    if (this.phase.kind !== "becoming-oldest") return;
    const wait = this.removals.lastDownedRemovalAt + this.removalMarginMs - this.now();
    if (wait <= 0) {
      this.startInstance();
      return;
    }
    this.retry = this.options.scheduler.schedule(wait, () => {
      this.retry = undefined;
      this.startAfterDownedMargin();
    });
  }

  private becomeYounger(): void {
    this.retry?.cancel();
    this.retry = undefined;
    this.phase = { kind: "younger" };
  }

  private startInstance(): void {
    this.retry?.cancel();
    this.retry = undefined;
    if (this.stopped) return;
    this.options.record?.({ type: "singletonStarted", name: this.name, node: this.self });
    this.phase = { kind: "oldest", instance: { stop: () => {} } };
    const instance = this.options.start();
    if (this.phase.kind === "oldest") this.phase = { kind: "oldest", instance };
    else instance.stop();
  }

  /** This node is leaving or downed: stop the instance now and never start it again. */
  private handOver(reason: "hand-over" | "node-stopped"): void {
    this.stopInstance(reason);
    this.retry?.cancel();
    this.phase = { kind: "done" };
  }

  private stopInstance(reason: "hand-over" | "node-stopped"): void {
    if (this.phase.kind !== "oldest") return;
    const { instance } = this.phase;
    this.phase = { kind: "done" };
    instance.stop();
    this.options.record?.({ type: "singletonStopped", name: this.name, node: this.self, reason });
  }

  private receive(from: UniqueAddress, message: SingletonMessage): void {
    if (this.stopped) return;
    if (message.type === "HandOverToMe") {
      this.handOver("hand-over");
      this.node.send(from, this.channel, { type: "HandOverDone" });
      return;
    }
    if (
      message.type === "HandOverDone" &&
      this.phase.kind === "becoming-oldest" &&
      nodeKey(this.phase.previous.node) === nodeKey(from)
    ) {
      this.options.record?.({ type: "singletonHandOver", name: this.name, from, to: this.self });
      this.retry?.cancel();
      this.startAfterDownedMargin();
    }
  }

  private nodeStopped(): void {
    this.stopInstance("node-stopped");
    this.stopped = true;
    this.retry?.cancel();
    for (const u of this.unsubscribe) u();
  }

  /** Stops this manager (and its instance) without waiting for the node to go. */
  stop(): void {
    if (!this.stopped) this.nodeStopped();
  }
}
