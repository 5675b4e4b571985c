import type { Address, Transport } from "../../sim/network";
import type { Random } from "../../sim/random";
import type { Cancellable, Scheduler } from "../../sim/scheduler";
import type { ClusterTrace, ShutdownReason, TraceRecord } from "../simulation/trace";
import type { DowningAgent, DowningProvider } from "./downing-provider";
import { type ClusterEvent, diffStates } from "./events";
import { Gossip } from "./gossip";
import { HeartbeatState } from "./heartbeat";
import { type Member, type MemberStatus, NOT_UP, nodeKey, type UniqueAddress } from "./member";
import { MembershipState } from "./membership-state";
import type { ClusterMessage } from "./protocol";
import type { ClusterSettings } from "./settings";

/** Where a node is in its life: asking the seeds, waiting for Welcome, a member, or gone. */
export type NodePhase = "joining" | "trying-to-join" | "member" | "terminated";

/** A snapshot of one node's view, for widgets and checks. */
export interface ClusterState {
  /** Members in address order, with their status as this node knows it. */
  readonly members: readonly Member[];
  /** Members flagged unreachable by some observer. */
  readonly unreachable: readonly Member[];
  readonly leader: UniqueAddress | null;
  readonly convergence: boolean;
  /** This node's own status, or null while it has not joined (or after it was removed). */
  readonly selfStatus: MemberStatus | null;
  readonly phase: NodePhase;
}

/** Everything a node needs from its surroundings. */
export interface ClusterNodeOptions {
  readonly self: UniqueAddress;
  /** The simulated network, or live mode's port to the relay. */
  readonly network: Transport<ClusterMessage>;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly trace: ClusterTrace;
  readonly settings: ClusterSettings;
  readonly downing: DowningProvider;
  /**
   * Form a new cluster alone instead of asking the seeds: for the very first node only. A
   * restarted node always joins through the seeds, so it never forms a second cluster.
   */
  readonly joinSelf?: boolean;
  /** This node's roles (Akka's `akka.cluster.roles`); none by default. */
  readonly roles?: readonly string[];
}

const REMOVABLE_STATUS: ReadonlySet<MemberStatus> = new Set(["down", "exiting"]);
const GOSSIPS_BEFORE_SHUTDOWN = 3;

/**
 * One incarnation of a cluster node, after Akka's cluster core: it joins through seed nodes,
 * gossips membership with vector-clock versions and seen sets, heartbeats its ring neighbours
 * with phi-accrual failure detection, writes reachability, and, when it is the leader and the
 * gossip has converged, moves members on (joining → up, leaving → exiting, down/exiting →
 * removed). It runs entirely on the given scheduler and network: no wall clock, no real I/O.
 *
 * A crash (`crash()`) loses all of it; the same address comes back as a new `ClusterNode` with a
 * new UID. Build nodes through `ClusterSimulation`, which wires the network, trace and faults.
 *
 * @example Reading a node's view and following its events
 * ```ts
 * const sim = new ClusterSimulation({ seed: 1, nodes: 3 });
 * sim.runFor(20_000);
 * const node = sim.node("node-1");
 * node?.state().members.map((m) => `${m.node.address}:${m.status}`); // ["node-1:up", …]
 * node?.subscribe((e) => {
 *   if (e.type === "memberRemoved") console.log(e.member.node.address);
 * });
 * node?.send("node-2", "chat", { text: "hi" });
 * ```
 */
export class ClusterNode {
  readonly self: UniqueAddress;
  readonly selfKey: string;
  private readonly network: Transport<ClusterMessage>;
  private readonly scheduler: Scheduler;
  private readonly random: Random;
  private readonly trace: ClusterTrace;
  private readonly settings: ClusterSettings;
  private readonly downingProvider: DowningProvider;
  private readonly roles: readonly string[];
  private _phase: NodePhase = "joining";
  private membership: MembershipState;
  private convergence = false;
  private readonly exitingConfirmed = new Set<string>();
  private readonly heartbeats: HeartbeatState;
  private heartbeatSeq = 0;
  private leaderActionCounter = 0;
  private selfDownCounter = 0;
  private exitStarted = false;
  private readonly timers = new Set<Cancellable>();
  private joinAttempt: Cancellable | undefined;
  private downingAgent: DowningAgent | undefined;
  private readonly listeners = new Set<(event: ClusterEvent) => void>();
  private readonly channels = new Map<string, (from: UniqueAddress, payload: unknown) => void>();
  private readonly terminationListeners = new Set<(reason: ShutdownReason | "crashed") => void>();
  private readonly pendingEvents: ClusterEvent[] = [];
  private publishing = false;

  constructor(options: ClusterNodeOptions) {
    this.self = options.self;
    this.selfKey = nodeKey(options.self);
    this.network = options.network;
    this.scheduler = options.scheduler;
    this.random = options.random;
    this.trace = options.trace;
    this.settings = options.settings;
    this.downingProvider = options.downing;
    this.roles = options.roles ?? [];
    this.membership = new MembershipState(Gossip.empty, this.self);
    this.heartbeats = new HeartbeatState(
      this.selfKey,
      () => this.scheduler.now(),
      this.settings.failureDetector,
      this.settings.monitoredByNrOfMembers,
    );
    this.network.connect(this.self.address, (from, message) => this.receive(from, message));
    this.record({ type: "nodeStarted", node: this.self });
    if (options.joinSelf) this.joinSelf();
    else this.startSeedProcess();
  }

  /** The address this node listens on (its UID is in `self`). */
  get address(): Address {
    return this.self.address;
  }

  /** Where this incarnation is in its life: joining (or retrying), a member, or terminated. */
  get phase(): NodePhase {
    return this._phase;
  }

  /** This node's roles (Akka's `Cluster.selfRoles`). */
  get selfRoles(): readonly string[] {
    return this.roles;
  }

  /** True once this incarnation has shut down; a restart is a new `ClusterNode` with a new UID. */
  get isTerminated(): boolean {
    return this._phase === "terminated";
  }

  /** The node's membership state (gossip, leader, convergence), for downing and checks. */
  membershipState(): MembershipState {
    return this.membership;
  }

  /** A snapshot of this node's view. */
  state(): ClusterState {
    const g = this.membership.gossip;
    const r = g.reachability;
    const leaderKey = this.membership.leader();
    return {
      members: g.sortedMembers(),
      unreachable: g
        .sortedMembers()
        .filter((m) => nodeKey(m.node) !== this.selfKey && !r.isReachable(nodeKey(m.node))),
      leader: leaderKey === undefined ? null : (g.member(leaderKey)?.node ?? null),
      convergence: this.convergence,
      selfStatus: this.membership.selfMember?.status ?? null,
      phase: this._phase,
    };
  }

  /**
   * Listens to this node's cluster events. With `initialStateAsEvents`, the listener first gets
   * the current members as if they had just appeared (Akka's `InitialStateAsEvents`), so a late
   * subscriber such as a shard region starts from the same picture.
   */
  subscribe(
    listener: (event: ClusterEvent) => void,
    options: { initialStateAsEvents?: boolean } = {},
  ): () => void {
    if (options.initialStateAsEvents) {
      const empty = new MembershipState(Gossip.empty, this.self);
      for (const e of diffStates(empty, this.membership, false, this.convergence)) listener(e);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once when this incarnation stops, with why. */
  onTerminated(listener: (reason: ShutdownReason | "crashed") => void): () => void {
    this.terminationListeners.add(listener);
    return () => this.terminationListeners.delete(listener);
  }

  /**
   * Sends an application message on `channel`. Addressed to an `Address`, whichever incarnation
   * is there receives it; addressed to a `UniqueAddress`, only that incarnation does. Delivery is
   * at most once, subject to the network's faults.
   */
  send(to: Address | UniqueAddress, channel: string, payload: unknown): void {
    if (this.isTerminated) return;
    const address = typeof to === "string" ? to : to.address;
    const toUid = typeof to === "string" ? undefined : to.uid;
    this.network.send(this.address, address, {
      type: "App",
      channel,
      from: this.self,
      toUid,
      payload,
    });
  }

  /** Handles application messages on `channel` (one handler per channel). */
  receiveOn(channel: string, handler: (from: UniqueAddress, payload: unknown) => void): () => void {
    this.channels.set(channel, handler);
    return () => {
      if (this.channels.get(channel) === handler) this.channels.delete(channel);
    };
  }

  /** Starts a graceful leave: leaving → exiting (by the leader) → this node shuts down → removed. */
  leave(): void {
    if (this._phase !== "member") return;
    const me = this.membership.selfMember;
    if (me === undefined || !["joining", "weakly-up", "up"].includes(me.status)) return;
    this.record({ type: "leaveRequested", node: this.self });
    this.updateGossip(this.membership.gossip.withMember({ ...me, status: "leaving" }));
  }

  /** Marks a member down in this node's view (Akka's `cluster.down`); gossip spreads it. */
  down(target: Address | UniqueAddress): void {
    if (this._phase !== "member") return;
    const g = this.membership.gossip;
    const member =
      typeof target === "string"
        ? g.sortedMembers().find((m) => m.node.address === target)
        : g.member(nodeKey(target));
    if (member === undefined || member.status === "down") return;
    const key = nodeKey(member.node);
    this.updateGossip(g.markAsDown(member));
    if (key === this.selfKey) this.gossipRandomN(GOSSIPS_BEFORE_SHUTDOWN);
    // Tell the downed node directly when it is reachable: it will shut itself down.
    else this.gossipTo(member.node);
  }

  /** Kills this incarnation at once: no goodbye, all state lost. */
  crash(): void {
    if (this.isTerminated) return;
    this.record({ type: "nodeCrashed", node: this.self });
    this.terminate("crashed");
  }

  /** The phi value this node's detector has for `node` (0 when not monitored). */
  phi(node: UniqueAddress): number {
    return this.heartbeats.phi(nodeKey(node));
  }

  // ---- joining ------------------------------------------------------------------------------

  private joinSelf(): void {
    const me: Member = {
      node: this.self,
      status: "joining",
      upNumber: NOT_UP,
      ...this.rolesField(),
    };
    this.becomeMember(Gossip.empty.withMember(me).tickedBy(this.selfKey));
    // The first node moves itself up at once, so the oldest member is known from the start.
    this.leaderActions();
  }

  private startSeedProcess(): void {
    this._phase = "joining";
    const seeds = this.settings.seedNodes.filter((a) => a !== this.address);
    const ask = () => {
      if (this._phase !== "joining") return;
      for (const seed of seeds)
        this.network.send(this.address, seed, { type: "InitJoin", from: this.self });
      this.joinAttempt = this.after(this.settings.joinRetryIntervalMs, ask);
    };
    ask();
  }

  private onInitJoinAck(from: UniqueAddress): void {
    if (this._phase !== "joining") return;
    this.joinAttempt?.cancel();
    this._phase = "trying-to-join";
    this.network.send(this.address, from.address, {
      type: "Join",
      node: this.self,
      ...this.rolesField(),
    });
    this.joinAttempt = this.after(this.settings.retryUnsuccessfulJoinAfterMs, () => {
      if (this._phase === "trying-to-join") this.startSeedProcess();
    });
  }

  private onWelcome(from: UniqueAddress, gossip: Gossip): void {
    if (this._phase !== "trying-to-join" || !gossip.members.has(this.selfKey)) return;
    this.joinAttempt?.cancel();
    this.becomeMember(gossip.withSeen(this.selfKey));
    this.gossipTo(from);
  }

  private becomeMember(gossip: Gossip): void {
    this._phase = "member";
    this.setGossip(gossip);
    this.every(this.settings.gossipIntervalMs, () => this.gossipTick());
    this.every(this.settings.leaderActionsIntervalMs, () => this.leaderActions());
    this.every(this.settings.unreachableNodesReaperIntervalMs, () => this.reapUnreachable());
    this.every(this.settings.heartbeatIntervalMs, () => this.heartbeatTick());
    this.downingAgent = this.downingProvider.start({
      self: this.self,
      scheduler: this.scheduler,
      state: () => this.membership,
      down: (node) => this.down(node),
      subscribe: (listener) => this.subscribe(listener, { initialStateAsEvents: true }),
      record: (r) => this.record(r),
    });
  }

  /** A Join arrived at this member (Akka's `joining`). */
  /** `{ roles }` when this node has any, so members without roles stay as they were. */
  private rolesField(): { roles?: readonly string[] } {
    return this.roles.length > 0 ? { roles: [...this.roles] } : {};
  }

  private onJoin(joining: UniqueAddress, roles: readonly string[] | undefined): void {
    if (this._phase !== "member" || REMOVABLE_STATUS.has(this.membership.selfStatus)) return;
    const g = this.membership.gossip;
    const key = nodeKey(joining);
    // A removed incarnation never comes back, whatever it asks.
    if (g.tombstones.has(key)) return;
    const sameAddress = g.sortedMembers().find((m) => m.node.address === joining.address);
    if (sameAddress !== undefined && nodeKey(sameAddress.node) === key) {
      // A retry after a lost Welcome; if it was downed meanwhile, the Welcome tells it so.
      this.network.send(this.address, joining.address, {
        type: "Welcome",
        from: this.self,
        gossip: this.membership.gossip,
      });
      return;
    }
    if (sameAddress !== undefined) {
      // A new incarnation of a member proves the old one is dead: mark it terminated and down
      // it, so it gets removed; the new incarnation's retries will then get in.
      if (sameAddress.status !== "down") {
        const r = g.reachability.terminated(this.selfKey, nodeKey(sameAddress.node));
        this.updateGossip(g.withReachability(r));
        this.down(sameAddress.node);
      }
      return;
    }
    const added = g.withMember({
      node: joining,
      status: "joining",
      upNumber: NOT_UP,
      ...(roles !== undefined && roles.length > 0 ? { roles: [...roles] } : {}),
    });
    this.updateGossip(added);
    this.network.send(this.address, joining.address, {
      type: "Welcome",
      from: this.self,
      gossip: this.membership.gossip,
    });
  }

  // ---- gossip -------------------------------------------------------------------------------

  private gossipTick(): void {
    if (this._phase !== "member") return;
    if (this.membership.selfStatus === "down") {
      if (this.shutdownSelfWhenDown()) return;
    }
    const target = this.gossipTarget();
    if (target !== undefined) this.gossipTo(target);
  }

  private gossipTarget(): UniqueAddress | undefined {
    const g = this.membership.gossip;
    const valid = g
      .sortedMembers()
      .filter((m) => this.membership.validNodeForGossip(nodeKey(m.node)));
    if (valid.length === 0) return undefined;
    if (this.random.next() < this.settings.gossipDifferentViewProbability) {
      const unseen = valid.filter((m) => !g.seenBy(nodeKey(m.node)));
      if (unseen.length > 0) return this.random.pick(unseen).node;
    }
    return this.random.pick(valid).node;
  }

  private gossipTo(node: UniqueAddress): void {
    if (!this.membership.validNodeForGossip(nodeKey(node))) return;
    this.network.send(this.address, node.address, {
      type: "Gossip",
      from: this.self,
      to: node,
      gossip: this.membership.gossip,
    });
  }

  private gossipRandomN(n: number): void {
    const g = this.membership.gossip;
    const valid = g
      .sortedMembers()
      .filter((m) => this.membership.validNodeForGossip(nodeKey(m.node)));
    for (let i = 0; i < n && valid.length > 0; i++) {
      const idx = this.random.int(0, valid.length - 1);
      const [m] = valid.splice(idx, 1);
      if (m !== undefined) this.gossipTo(m.node);
    }
  }

  private onGossip(from: UniqueAddress, to: UniqueAddress, remote: Gossip): void {
    if (this._phase !== "member" || to.uid !== this.self.uid) return;
    const local = this.membership.gossip;
    const fromKey = nodeKey(from);
    if (local.tombstones.has(fromKey)) {
      // A removed incarnation still talking: refuse it, like Akka's quarantine.
      this.network.send(this.address, from.address, {
        type: "Quarantined",
        from: this.self,
        to: from,
      });
      return;
    }
    // Akka's guards: only members we know, gossips that know us, from nodes we can reach.
    if (!local.members.has(fromKey) || !remote.members.has(this.selfKey)) return;
    if (!local.reachability.isReachableFrom(this.selfKey, fromKey)) return;
    let winning: Gossip;
    let talkback: boolean;
    let order = remote.version.compare(local.version);
    // Not in Akka: pruning a removed node's vector-clock entry can make a gossip look newer (or
    // the same) while it lacks that node's last changes, and adopting it would move members
    // backwards (our membership property found a downed member coming back up). When the
    // "newer" side does not cover the other's member statuses, merge instead.
    if (
      (order === "after" && !remote.covers(local)) ||
      (order === "before" && !local.covers(remote)) ||
      (order === "same" && !(remote.covers(local) && local.covers(remote)))
    )
      order = "concurrent";
    switch (order) {
      case "same":
        winning = remote.mergeSeen(local);
        talkback = !remote.seenBy(this.selfKey);
        break;
      case "before":
        // We are newer: send ours back (push-pull, in place of Akka's gossip status exchange).
        winning = local;
        talkback = true;
        break;
      case "after":
        winning = remote;
        talkback = true;
        break;
      default: {
        const merged = remote.merge(local);
        // A merge whose version equals one of the inputs would hide the difference: tick it.
        const order2 = merged.version.compare(remote.version);
        winning =
          order2 === "same" || merged.version.compare(local.version) === "same"
            ? merged.tickedBy(this.selfKey)
            : merged;
        talkback = true;
      }
    }
    this.setGossip(winning.withSeen(this.selfKey));
    if (talkback && this._phase === "member") this.gossipTo(from);
  }

  private shutdownSelfWhenDown(): boolean {
    const g = this.membership.gossip;
    const unreachable = g.reachability.allUnreachableOrTerminated();
    let spread = true;
    for (const [key, m] of g.members) {
      if (m.status === "down" && !unreachable.has(key) && !g.seenBy(key)) spread = false;
    }
    if (this.selfDownCounter >= this.settings.maxTicksBeforeShuttingDownWhenDown || spread) {
      this.gossipRandomN(GOSSIPS_BEFORE_SHUTDOWN);
      this.shutdown("downed");
      return true;
    }
    this.selfDownCounter++;
    return false;
  }

  // ---- leader actions -----------------------------------------------------------------------

  private leaderActions(): void {
    if (this._phase !== "member" || !this.membership.isLeader()) return;
    if (this.membership.convergence(this.exitingConfirmed)) {
      this.leaderActionCounter = 0;
      this.leaderActionsOnConvergence();
    } else {
      this.leaderActionCounter++;
      if (
        this.settings.allowWeaklyUpMembers &&
        this.leaderActionCounter * this.settings.leaderActionsIntervalMs >=
          this.settings.weaklyUpAfterMs
      )
        this.moveJoiningToWeaklyUp();
    }
  }

  private leaderActionsOnConvergence(): void {
    const state = this.membership;
    const g = state.gossip;
    const unreachable = g.reachability.allUnreachableOrTerminated();
    const removed: string[] = [];
    const changed = new Map<string, Member>();
    let upNumber = 0;
    for (const m of g.sortedMembers()) {
      const key = nodeKey(m.node);
      if (
        (REMOVABLE_STATUS.has(m.status) && unreachable.has(key)) ||
        (m.status === "exiting" && this.exitingConfirmed.has(key))
      ) {
        removed.push(key);
      } else if (m.status === "joining" || m.status === "weakly-up") {
        upNumber = upNumber === 0 ? state.youngestUpNumber() + 1 : upNumber + 1;
        changed.set(key, { ...m, status: "up", upNumber });
      } else if (m.status === "leaving") {
        changed.set(key, { ...m, status: "exiting" });
      }
    }
    let next = g;
    if (changed.size > 0) {
      const members = new Map(g.members);
      for (const [k, m] of changed) members.set(k, m);
      next = next.withMembers(members);
    }
    const now = this.scheduler.now();
    for (const key of removed) {
      next = next.remove(key, now);
      this.exitingConfirmed.delete(key);
    }
    next = next.pruneTombstones(now - this.settings.pruneGossipTombstonesAfterMs);
    if (next === g) return;
    this.updateGossip(next);
    // As Akka, tell the two oldest (per role) at once, so a singleton there hands over early.
    const exiting = [...changed.values()].filter((m) => m.status === "exiting");
    for (const m of this.membership.gossipTargetsForExitingMembers(exiting)) this.gossipTo(m.node);
  }

  private moveJoiningToWeaklyUp(): void {
    const g = this.membership.gossip;
    const r = this.membership.reachabilityExcludingDownedObservers();
    let members: Map<string, Member> | undefined;
    for (const [key, m] of g.members) {
      if (m.status === "joining" && r.isReachable(key)) {
        members ??= new Map(g.members);
        members.set(key, { ...m, status: "weakly-up" });
      }
    }
    if (members !== undefined) this.updateGossip(g.withMembers(members));
  }

  // ---- failure detection --------------------------------------------------------------------

  private heartbeatTick(): void {
    if (this._phase !== "member") return;
    this.refreshHeartbeatReceivers();
    const seq = ++this.heartbeatSeq;
    for (const key of this.heartbeats.activeReceivers()) {
      const m = this.membership.gossip.member(key);
      if (m === undefined) continue;
      if (this.heartbeats.isNew(key)) {
        this.heartbeats.ensure(key);
        this.after(this.settings.heartbeatExpectedResponseAfterMs, () =>
          this.heartbeats.expectedFirstHeartbeat(key),
        );
      }
      this.network.send(this.address, m.node.address, {
        type: "Heartbeat",
        from: this.self,
        sequenceNr: seq,
      });
    }
  }

  private refreshHeartbeatReceivers(): void {
    const g = this.membership.gossip;
    this.heartbeats.update([...g.members.keys()], g.reachability.allUnreachableOrTerminated());
  }

  private reapUnreachable(): void {
    if (this._phase !== "member") return;
    const g = this.membership.gossip;
    let r = g.reachability;
    for (const key of g.members.keys()) {
      if (key === this.selfKey) continue;
      const status = r.statusFrom(this.selfKey, key);
      const available = this.heartbeats.isAvailable(key);
      if (status === "reachable" && !available) r = r.unreachable(this.selfKey, key);
      else if (status === "unreachable" && available) r = r.reachable(this.selfKey, key);
    }
    if (r !== g.reachability) this.updateGossip(g.withReachability(r));
  }

  // ---- state --------------------------------------------------------------------------------

  /** A local change: a new version that only this node has seen. */
  private updateGossip(gossip: Gossip): void {
    this.setGossip(gossip.tickedBy(this.selfKey));
  }

  private setGossip(gossip: Gossip): void {
    const before = this.membership;
    const after = new MembershipState(gossip, this.self);
    const convergenceBefore = this.convergence;
    for (const k of [...this.exitingConfirmed])
      if (!gossip.members.has(k)) this.exitingConfirmed.delete(k);
    this.membership = after;
    this.convergence = after.convergence(this.exitingConfirmed);
    if (
      before.gossip.members !== gossip.members ||
      before.gossip.reachability !== gossip.reachability
    )
      this.refreshHeartbeatReceivers();
    const events = diffStates(before, after, convergenceBefore, this.convergence);
    if (events.length > 0) this.publish(events, before);
    if (this._phase !== "member") return;
    const selfStatus = after.selfStatus;
    if (selfStatus === "exiting" && !this.exitStarted) this.exitingCompleted();
    else if (selfStatus === "removed" && before.selfMember !== undefined) this.shutdown("removed");
  }

  private publish(events: ClusterEvent[], before: MembershipState): void {
    const at = this.scheduler.now();
    for (const e of events) this.traceEvent(at, e, before);
    // Listeners may change state (a downing agent downs a node); queue, so every listener sees
    // events in the order they happened and never a half-applied update.
    this.pendingEvents.push(...events);
    if (this.publishing) return;
    this.publishing = true;
    try {
      for (let i = 0; i < this.pendingEvents.length; i++) {
        const e = this.pendingEvents[i] as ClusterEvent;
        for (const listener of [...this.listeners]) listener(e);
      }
    } finally {
      this.pendingEvents.length = 0;
      this.publishing = false;
    }
  }

  private traceEvent(at: number, e: ClusterEvent, before: MembershipState): void {
    const observer = this.self;
    switch (e.type) {
      case "memberRemoved":
        this.trace.emit({
          at,
          type: "memberStatus",
          observer,
          member: e.member.node,
          from: e.previousStatus,
          to: "removed",
        });
        return;
      case "unreachableMember":
      case "reachableMember":
        this.trace.emit({
          at,
          type: "reachability",
          observer,
          member: e.member.node,
          reachable: e.type === "reachableMember",
        });
        return;
      case "leaderChanged":
        this.trace.emit({ at, type: "leaderChanged", observer, leader: e.leader });
        return;
      case "convergenceChanged":
      case "quarantinedByRemote":
        return;
      default:
        this.trace.emit({
          at,
          type: "memberStatus",
          observer,
          member: e.member.node,
          from: before.gossip.member(nodeKey(e.member.node))?.status ?? null,
          to: e.member.status,
        });
    }
  }

  /** The exiting node is done: tell likely leaders, spread the word, and stop. */
  private exitingCompleted(): void {
    this.exitStarted = true;
    const others = this.membership.gossip
      .sortedMembers()
      .filter(
        (m) => nodeKey(m.node) !== this.selfKey && (m.status === "up" || m.status === "leaving"),
      );
    for (const m of others.slice(0, 2))
      this.network.send(this.address, m.node.address, {
        type: "ExitingConfirmed",
        node: this.self,
      });
    this.gossipRandomN(GOSSIPS_BEFORE_SHUTDOWN);
    this.shutdown("left");
  }

  /** Stops this incarnation on its own terms (downed, left, removed). */
  private shutdown(reason: ShutdownReason): void {
    if (this.isTerminated) return;
    this.record({ type: "nodeShutdown", node: this.self, reason });
    this.terminate(reason);
  }

  private terminate(reason: ShutdownReason | "crashed"): void {
    this._phase = "terminated";
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.joinAttempt?.cancel();
    this.downingAgent?.stop();
    this.network.disconnect(this.address);
    this.listeners.clear();
    for (const listener of this.terminationListeners) listener(reason);
    this.terminationListeners.clear();
  }

  // ---- wiring -------------------------------------------------------------------------------

  private receive(fromAddress: Address, message: ClusterMessage): void {
    if (this.isTerminated) return;
    switch (message.type) {
      case "InitJoin": {
        if (this._phase !== "member") return;
        const type = REMOVABLE_STATUS.has(this.membership.selfStatus)
          ? "InitJoinNack"
          : "InitJoinAck";
        this.network.send(this.address, fromAddress, { type, from: this.self });
        return;
      }
      case "InitJoinAck":
        this.onInitJoinAck(message.from);
        return;
      case "InitJoinNack":
        return;
      case "Join":
        this.onJoin(message.node, message.roles);
        return;
      case "Welcome":
        this.onWelcome(message.from, message.gossip);
        return;
      case "Gossip":
        this.onGossip(message.from, message.to, message.gossip);
        return;
      case "Heartbeat":
        this.network.send(this.address, fromAddress, {
          type: "HeartbeatRsp",
          from: this.self,
          sequenceNr: message.sequenceNr,
        });
        return;
      case "HeartbeatRsp":
        if (this._phase === "member") this.heartbeats.heartbeatResponse(nodeKey(message.from));
        return;
      case "ExitingConfirmed":
        if (this._phase === "member" && this.membership.gossip.members.has(nodeKey(message.node)))
          this.exitingConfirmed.add(nodeKey(message.node));
        return;
      case "Quarantined":
        if (this._phase === "member" && message.to.uid === this.self.uid) {
          this.record({ type: "quarantined", node: this.self, by: message.from });
          this.publish([{ type: "quarantinedByRemote", by: message.from }], this.membership);
        }
        return;
      case "App": {
        if (message.toUid !== undefined && message.toUid !== this.self.uid) return;
        this.channels.get(message.channel)?.(message.from, message.payload);
        return;
      }
    }
  }

  private record(record: DistributiveOmit<TraceRecord, "at">): void {
    this.trace.emit({ at: this.scheduler.now(), ...record } as TraceRecord);
  }

  private after(delayMs: number, task: () => void): Cancellable {
    const handle = this.scheduler.schedule(delayMs, () => {
      this.timers.delete(handle);
      if (!this.isTerminated) task();
    });
    this.timers.add(handle);
    return handle;
  }

  /** A periodic task whose first run falls at a seeded offset, so nodes are not in lockstep. */
  private every(intervalMs: number, task: () => void): void {
    const run = () => {
      task();
      if (!this.isTerminated) this.after(intervalMs, run);
    };
    this.after(this.random.next() * intervalMs, run);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
