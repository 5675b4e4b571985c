import type { Cancellable } from "../../sim/scheduler";
import type { DowningAgent, DowningContext, DowningProvider } from "../membership/downing-provider";
import type { ClusterEvent } from "../membership/events";
import { type Member, nodeKey } from "../membership/member";
import type { Lease } from "./lease";
import {
  type Decision,
  decide,
  type LeaseDecision,
  nodesToDown,
  type ResolverView,
  reverseDecision,
  type StrategyConfig,
} from "./strategy";

/** Settings of the split-brain resolver, after Akka's `akka.cluster.split-brain-resolver`. */
export interface SplitBrainResolverSettings {
  readonly strategy: StrategyConfig;
  /** Quiet period with no membership or reachability change before deciding (20 s). */
  readonly stableAfterMs?: number;
  /**
   * Down every node when reachability keeps changing for longer than stable-after plus this.
   * "on" (the default) means 3/4 of stable-after, at least 4 s; "off" disables it.
   */
  readonly downAllWhenUnstable?: "on" | "off" | number;
  /** Required by lease-majority. */
  readonly lease?: Lease;
  /**
   * Akka's `akka.cluster.down-removal-margin`: how long shards and singletons of a removed node
   * wait before they start elsewhere, so that the other side of a partition has stopped its
   * copies. As in Akka, it defaults to stable-after. A number sets it in milliseconds.
   * {@link LATE_DETECTION_MARGIN} ("late-detection") is not in Akka: see its TSDoc.
   */
  readonly downRemovalMargin?: "stable-after" | typeof LATE_DETECTION_MARGIN | number;
}

/**
 * A longer removal margin than Akka's, for labs and demos that want no double entity even when
 * one side detects a partition late: stable-after, plus the down-all-when-unstable window, plus
 * the gossip ticks a downed node takes to shut down (39 s with Akka's other defaults, against
 * Akka's 20 s). Why: Akka's margin assumes both sides see the partition at about the same time.
 * A side that flags its peers one by one keeps resetting its stable-after, stops only at
 * down-all-when-unstable (counted from its first change) and then needs the shutdown ticks; the
 * sharding property test's keep-majority seed 245273520 runs an entity twice with Akka's margin.
 */
export const LATE_DETECTION_MARGIN = "late-detection";

/** Why a lab or demo chose {@link LATE_DETECTION_MARGIN}, in one sentence to show beside it. */
export const LATE_DETECTION_MARGIN_REASON =
  "Not Akka's default: the removal margin here also covers a side that detects the partition late " +
  "(stable-after + down-all-when-unstable + shutdown ticks), so no entity ever runs twice; " +
  "Akka waits stable-after alone.";

type ReleaseCondition =
  | { readonly kind: "none" }
  | { readonly kind: "when-members-removed"; readonly nodes: ReadonlySet<string> }
  | { readonly kind: "when-time-elapsed"; readonly deadline: number };

const TICK_MS = 1000;

/**
 * The split-brain resolver as a downing provider. On every node it tracks members and
 * unreachability from cluster events; only the leader of each side decides, and only after
 * `stable-after` without changes, so both sides of a clean partition decide on the same picture
 * and come to complementary answers.
 *
 * @example Choosing a strategy
 * ```ts
 * const keepMajority = new SplitBrainResolver({ strategy: { kind: "keep-majority" } });
 * const quorum = new SplitBrainResolver({
 *   strategy: { kind: "static-quorum", quorumSize: 3 }, // a side with fewer than 3 downs itself
 *   stableAfterMs: 20_000,
 * });
 * const oldest = new SplitBrainResolver({ strategy: { kind: "keep-oldest", downIfAlone: true } });
 * const sim = new ClusterSimulation({ seed: 1, nodes: 5, downing: keepMajority });
 * ```
 */
export class SplitBrainResolver implements DowningProvider {
  readonly name: string;
  readonly stableAfterMs: number;
  readonly downAllWhenUnstableMs: number;
  /** lease-majority's `release-after` (Akka: 40 s); unused by the other strategies. */
  readonly releaseAfterMs: number;

  constructor(readonly settings: SplitBrainResolverSettings) {
    const s = settings.strategy;
    this.name = `split-brain-resolver:${s.kind === "custom" ? s.name : s.kind}`;
    this.stableAfterMs = settings.stableAfterMs ?? 20_000;
    if (!(this.stableAfterMs > 0))
      throw new RangeError(
        `SplitBrainResolverSettings.stableAfterMs must be > 0, got ${this.stableAfterMs}`,
      );
    const unstable = settings.downAllWhenUnstable ?? "on";
    this.downAllWhenUnstableMs =
      unstable === "on"
        ? Math.max(4000, (this.stableAfterMs * 3) / 4)
        : unstable === "off"
          ? 0
          : unstable;
    if (!(this.downAllWhenUnstableMs >= 0))
      throw new RangeError(
        `SplitBrainResolverSettings.downAllWhenUnstable must be >= 0, got ${unstable}`,
      );
    if (s.kind === "static-quorum" && !(Number.isInteger(s.quorumSize) && s.quorumSize > 0))
      throw new RangeError(
        `static-quorum.quorumSize must be a positive integer, got ${s.quorumSize}`,
      );
    this.releaseAfterMs = (s.kind === "lease-majority" ? s.releaseAfterMs : undefined) ?? 40_000;
    if (!(this.releaseAfterMs >= 0))
      throw new RangeError(
        `lease-majority.releaseAfterMs must be >= 0, got ${String(this.releaseAfterMs)}`,
      );
    const margin = settings.downRemovalMargin;
    if (
      margin !== undefined &&
      margin !== "stable-after" &&
      margin !== LATE_DETECTION_MARGIN &&
      !(typeof margin === "number" && margin >= 0)
    )
      throw new RangeError(
        `SplitBrainResolverSettings.downRemovalMargin must be "stable-after", "${LATE_DETECTION_MARGIN}" or a number of ms >= 0, got ${String(margin)}`,
      );
    if ("role" in s && s.role !== undefined && (typeof s.role !== "string" || s.role === ""))
      throw new TypeError(`${s.kind}.role must be a non-empty string, got ${String(s.role)}`);
    if (s.kind === "lease-majority" && settings.lease === undefined)
      throw new Error("lease-majority needs SplitBrainResolverSettings.lease");
    if (s.kind === "custom" && (typeof s.decide !== "function" || !s.name))
      throw new TypeError("a custom strategy needs a name and a decide(view) function");
  }

  start(context: DowningContext): DowningAgent {
    return new ResolverAgent(this, context);
  }
}

class ResolverAgent implements DowningAgent {
  private readonly allMembers = new Map<string, Member>();
  private readonly unreachable = new Set<string>();
  private leader = false;
  private selfMemberAdded = false;
  private stableDeadline: number;
  private stats = { first: 0, latest: 0, count: 0 };
  private releaseCondition: ReleaseCondition = { kind: "none" };
  private waitingForLease: LeaseDecision | undefined;
  private readonly stashed: ClusterEvent[] = [];
  private readonly timers = new Set<Cancellable>();
  private readonly unsubscribe: () => void;
  private stopped = false;
  private readonly selfKey: string;
  private readonly owner: string;

  constructor(
    private readonly resolver: SplitBrainResolver,
    private readonly ctx: DowningContext,
  ) {
    this.selfKey = nodeKey(ctx.self);
    this.owner = this.selfKey;
    this.stableDeadline = this.now() + resolver.stableAfterMs;
    this.unsubscribe = ctx.subscribe((e) => this.onEvent(e));
    this.scheduleTick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  private now(): number {
    return this.ctx.scheduler.now();
  }

  private get isResponsible(): boolean {
    return this.leader && this.selfMemberAdded;
  }

  private schedule(delayMs: number, task: () => void): void {
    const handle = this.ctx.scheduler.schedule(delayMs, () => {
      this.timers.delete(handle);
      if (!this.stopped) task();
    });
    this.timers.add(handle);
  }

  private scheduleTick(): void {
    this.schedule(TICK_MS, () => {
      this.tick();
      this.scheduleTick();
    });
  }

  private onEvent(e: ClusterEvent): void {
    // While a lease request is out, Akka stashes everything so the decision and its view match.
    if (this.waitingForLease !== undefined) {
      this.stashed.push(e);
      return;
    }
    switch (e.type) {
      case "memberJoined":
      case "memberLeft":
        this.add(e.member);
        return;
      case "memberWeaklyUp":
        if (nodeKey(e.member.node) === this.selfKey) this.selfMemberAdded = true;
        this.add(e.member);
        return;
      case "memberUp":
        this.add(e.member);
        if (nodeKey(e.member.node) === this.selfKey) this.selfMemberAdded = true;
        this.resetStableDeadline();
        return;
      case "unreachableMember":
      case "memberDowned":
      case "memberExited":
        this.add(e.member);
        this.reachabilityChanged(e.member, false);
        return;
      case "reachableMember":
        this.add(e.member);
        this.reachabilityChanged(e.member, true);
        return;
      case "memberRemoved":
        this.removed(e.member);
        return;
      case "leaderChanged":
        this.leader = e.leader !== null && nodeKey(e.leader) === this.selfKey;
        return;
      case "convergenceChanged":
        return;
      case "quarantinedByRemote":
        this.actOnDecision({ kind: "down-self-quarantined-by-remote" });
        return;
    }
  }

  private add(m: Member): void {
    this.allMembers.set(nodeKey(m.node), m);
  }

  private reachabilityChanged(m: Member, reachable: boolean): void {
    const key = nodeKey(m.node);
    if (key === this.selfKey) return;
    if (reachable) this.unreachable.delete(key);
    else this.unreachable.add(key);
    const now = this.now();
    this.stats =
      this.stats.count === 0
        ? { first: now, latest: now, count: 1 }
        : { ...this.stats, latest: now, count: this.stats.count + 1 };
    this.resetStatsIfAllUnreachableDowned();
    this.resetStableDeadline();
  }

  private removed(m: Member): void {
    const key = nodeKey(m.node);
    if (key === this.selfKey) return;
    this.allMembers.delete(key);
    this.unreachable.delete(key);
    this.resetStatsIfAllUnreachableDowned();
    if (this.releaseCondition.kind === "when-members-removed") {
      const remaining = new Set(this.releaseCondition.nodes);
      remaining.delete(key);
      this.releaseCondition =
        remaining.size === 0
          ? { kind: "when-time-elapsed", deadline: this.now() + this.resolver.releaseAfterMs }
          : { kind: "when-members-removed", nodes: remaining };
    }
  }

  private resetStableDeadline(): void {
    this.stableDeadline = this.now() + this.resolver.stableAfterMs;
  }

  private resetStats(): void {
    const now = this.now();
    this.stats = { first: now, latest: now, count: 0 };
  }

  /** Akka resets instability tracking once every counted unreachable member is down or gone. */
  private resetStatsIfAllUnreachableDowned(): void {
    if (this.stats.count === 0) return;
    for (const key of this.unreachable) {
      const status = this.allMembers.get(key)?.status;
      // Joining and weakly-up members are not counted, as in Akka's `unreachableMembers`.
      if (status === "up" || status === "leaving") return;
    }
    this.resetStats();
  }

  private view(): ResolverView {
    const state = this.ctx.state();
    const members = [...this.allMembers.values()];
    const known = new Set(this.allMembers.keys());
    const records = state.gossip.reachability
      .records()
      .filter((r) => r.status !== "reachable" && known.has(r.observer) && known.has(r.subject));
    return {
      self: this.selfKey,
      members,
      unreachable: this.unreachable,
      records,
      seenBy: state.gossip.seen,
    };
  }

  private tick(): void {
    if (this.waitingForLease !== undefined) return;
    const now = this.now();
    const { stableAfterMs, downAllWhenUnstableMs } = this.resolver;
    if (this.stats.count > 0) {
      // Runs on every node, leader or not: instability is a reason to stop everywhere, fast.
      if (
        downAllWhenUnstableMs > 0 &&
        now - this.stats.first > stableAfterMs + downAllWhenUnstableMs
      ) {
        this.actOnDecision({ kind: "down-all" }, "down-all-when-unstable");
      } else if (downAllWhenUnstableMs === 0 && now - this.stats.latest > stableAfterMs * 2) {
        this.resetStats();
      }
    }
    if (this.isResponsible && this.unreachable.size > 0 && now >= this.stableDeadline) {
      const decision = decide(this.resolver.settings.strategy, this.view());
      // undefined: a custom strategy chose not to act; it is asked again on the next tick.
      if (decision !== undefined) {
        if ("acquireDelayMs" in decision) this.leaseDecision(decision);
        else this.actOnDecision(decision);
      }
    }
    if (
      this.releaseCondition.kind === "when-time-elapsed" &&
      now >= this.releaseCondition.deadline
    ) {
      this.resolver.settings.lease?.release(this.owner, (released) => {
        if (released && this.releaseCondition.kind === "when-time-elapsed") {
          this.releaseCondition = { kind: "none" };
          this.ctx.record({ type: "lease", node: this.ctx.self, outcome: "released" });
        }
      });
    } else if (this.releaseCondition.kind !== "none") {
      // Holding the lease: renew it, as a real lease implementation heartbeats it.
      this.resolver.settings.lease?.acquire(this.owner, () => {});
    }
  }

  private leaseDecision(decision: LeaseDecision): void {
    const lease = this.resolver.settings.lease;
    if (lease === undefined)
      throw new Error(
        `${this.resolver.name} decided ${decision.kind}, which needs SplitBrainResolverSettings.lease`,
      );
    if (lease.checkLease(this.owner)) {
      // Akka acts here without touching the release condition; the named
      // holdLeaseUntilLaterDownsRemoved (not in Akka) holds on until these downs are removed too.
      const strategy = this.resolver.settings.strategy;
      const downed = this.actOnDecision(decision);
      if (strategy.kind === "lease-majority" && strategy.holdLeaseUntilLaterDownsRemoved === true)
        this.holdLeaseUntilRemoved(downed);
      return;
    }
    this.waitingForLease = decision;
    const acquire = () =>
      lease.acquire(this.owner, (granted) => {
        if (this.stopped) return;
        this.onLeaseResult(decision, granted);
      });
    if (decision.acquireDelayMs === 0) acquire();
    else this.schedule(decision.acquireDelayMs, acquire);
  }

  private onLeaseResult(decision: LeaseDecision, granted: boolean): void {
    this.ctx.record({
      type: "lease",
      node: this.ctx.self,
      outcome: granted ? "acquired" : "denied",
    });
    if (granted) {
      this.holdLeaseUntilRemoved(this.actOnDecision(decision));
    } else {
      this.actOnDecision(reverseDecision(decision));
      this.releaseCondition = { kind: "none" };
    }
    this.waitingForLease = undefined;
    const stashed = this.stashed.splice(0);
    for (const e of stashed) this.onEvent(e);
  }

  /** Keep the lease until every node downed under it is removed, then `release-after` more. */
  private holdLeaseUntilRemoved(downed: ReadonlySet<string>): void {
    const previous = this.releaseCondition;
    if (previous.kind === "when-members-removed")
      this.releaseCondition = {
        kind: "when-members-removed",
        nodes: new Set([...previous.nodes, ...downed]),
      };
    else if (downed.size > 0)
      this.releaseCondition = { kind: "when-members-removed", nodes: downed };
    else if (previous.kind === "none")
      this.releaseCondition = {
        kind: "when-time-elapsed",
        deadline: this.now() + this.resolver.releaseAfterMs,
      };
  }

  private actOnDecision(decision: Decision, reason?: string): Set<string> {
    const strategy = this.resolver.settings.strategy;
    const toDown = nodesToDown(strategy, decision, this.view());
    if (toDown.size === 0) return toDown;
    const nodes = [...toDown]
      .map((k) => this.allMembers.get(k)?.node)
      .filter((n): n is NonNullable<typeof n> => n !== undefined);
    this.ctx.record({
      type: "downingDecision",
      node: this.ctx.self,
      provider: this.resolver.name,
      decision: reason ?? decision.kind,
      downed: nodes,
    });
    // Down ourselves last: downing ourselves may shut this node down.
    for (const n of nodes) if (nodeKey(n) !== this.selfKey) this.ctx.down(n);
    if (toDown.has(this.selfKey)) this.ctx.down(this.ctx.self);
    this.resetStats();
    this.resetStableDeadline();
    return toDown;
  }
}
