import { describe, expect, it } from "vitest";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import { VersionVector } from "../ddata/version-vector";
import { SimulatedLease } from "../downing/lease";
import {
  SplitBrainResolver,
  type SplitBrainResolverSettings,
} from "../downing/split-brain-resolver";
import type { StrategyConfig } from "../downing/strategy";
import type { DowningAgent } from "../membership/downing-provider";
import type { ClusterEvent } from "../membership/events";
import { Gossip } from "../membership/gossip";
import { type Member, NOT_UP, nodeKey } from "../membership/member";
import { MembershipState } from "../membership/membership-state";
import { Reachability } from "../membership/reachability";
import { downRemovalMargin } from "../singleton/removal-margin";
import { A, B, C, D, downed, E, hosts } from "./akka-members";

// Ported from the "Split Brain Resolver must" part of Akka's SplitBrainResolverSpec: the
// resolver itself (leadership, stable-after, down-all-when-unstable, the lease), fed cluster
// events by hand on a virtual clock. Akka's spec uses stable-after zero and sends Tick; here
// stable-after is 1 ms and the resolver's own one-second tick runs as time moves on.

const spec = (name: string) => `SplitBrainResolverSpec: Split Brain Resolver must ${name}`;

const weaklyUp = (m: Member): Member => ({ ...m, status: "weakly-up", upNumber: NOT_UP });

class Resolver {
  readonly scheduler = new VirtualScheduler();
  readonly downCalled = new Set<string>();
  private reachability = Reachability.empty;
  private listener: ((e: ClusterEvent) => void) | undefined;
  private readonly agent: DowningAgent;
  readonly lease = new SimulatedLease(this.scheduler, { latencyMs: 0 });

  constructor(
    self: Member,
    strategy: StrategyConfig,
    settings: Partial<SplitBrainResolverSettings> = {},
  ) {
    const resolver = new SplitBrainResolver({
      strategy,
      stableAfterMs: 1,
      downAllWhenUnstable: "off",
      ...(strategy.kind === "lease-majority" ? { lease: this.lease } : {}),
      ...settings,
    });
    this.agent = resolver.start({
      self: self.node,
      scheduler: this.scheduler,
      state: () =>
        new MembershipState(
          new Gossip(new Map(), new Set(), this.reachability, VersionVector.empty, new Map()),
          self.node,
        ),
      down: (node) => this.downCalled.add(node.address),
      subscribe: (listener) => {
        this.listener = listener;
        return () => {
          this.listener = undefined;
        };
      },
      record: () => {},
    });
  }

  private send(e: ClusterEvent) {
    this.listener?.(e);
  }

  memberUp(...ms: Member[]) {
    for (const member of ms) this.send({ type: "memberUp", member });
  }
  memberWeaklyUp(...ms: Member[]) {
    for (const member of ms) this.send({ type: "memberWeaklyUp", member });
  }
  leader(m: Member) {
    this.send({ type: "leaderChanged", leader: m.node });
  }
  unreachable(...ms: Member[]) {
    for (const member of ms) this.send({ type: "unreachableMember", member });
  }
  reachable(...ms: Member[]) {
    for (const member of ms) this.send({ type: "reachableMember", member });
  }
  remove(m: Member) {
    this.send({
      type: "memberRemoved",
      member: { ...m, status: "removed" },
      previousStatus: "exiting",
    });
  }
  /** Akka's `reachabilityChanged`: the subjects become unreachable, with these observations. */
  reachabilityChanged(...pairs: [Member, Member][]) {
    this.unreachable(...pairs.map(([, s]) => s));
    this.reachability = pairs.reduce(
      (r, [o, s]) => r.unreachable(nodeKey(o.node), nodeKey(s.node)),
      Reachability.empty,
    );
  }
  advance(ms: number) {
    this.scheduler.advanceBySync(ms);
  }
  /** Lets the resolver's next tick run. */
  tick() {
    this.advance(1_000);
  }
  downed(): string[] {
    return [...this.downCalled].sort();
  }
  stop() {
    this.agent.stop();
  }
}

const majority: StrategyConfig = { kind: "keep-majority" };

describe("SplitBrainResolverSpec: Split Brain Resolver", () => {
  it(spec("have downRemovalMargin equal to stable-after"), () => {
    for (const stableAfterMs of [20_000, 7_000])
      expect(downRemovalMargin(new SplitBrainResolver({ strategy: majority, stableAfterMs }))).toBe(
        stableAfterMs,
      );
  });

  it(spec("down unreachable when leader"), () => {
    const r = new Resolver(A, majority);
    r.memberUp(A, B, C);
    r.leader(A);
    r.unreachable(B);
    r.tick();
    expect(r.downed()).toEqual(hosts(B));
    r.stop();
  });

  it(spec("not down unreachable when not leader"), () => {
    const r = new Resolver(B, majority);
    r.memberUp(A, B, C);
    r.leader(A);
    r.unreachable(C);
    r.advance(5_000);
    expect(r.downed()).toEqual([]);
    r.stop();
  });

  it(spec("down unreachable when becoming leader"), () => {
    const r = new Resolver(A, majority);
    r.memberUp(A, B, C);
    r.leader(B);
    r.unreachable(C);
    r.leader(A);
    r.tick();
    expect(r.downed()).toEqual(hosts(C));
    r.stop();
  });

  it(spec("down unreachable after specified duration"), () => {
    const r = new Resolver(A, majority, { stableAfterMs: 2_000 });
    r.memberUp(A, B, C);
    r.leader(A);
    r.unreachable(B);
    r.advance(1_000);
    expect(r.downed()).toEqual([]);
    r.advance(2_000);
    expect(r.downed()).toEqual(hosts(B));
    r.stop();
  });

  it(
    spec("down unreachable when becoming leader inbetween detection and specified duration"),
    () => {
      const r = new Resolver(A, majority, { stableAfterMs: 2_000 });
      r.memberUp(A, B, C);
      r.leader(B);
      r.unreachable(C);
      r.leader(A);
      r.advance(1_000);
      expect(r.downed()).toEqual([]);
      r.advance(2_000);
      expect(r.downed()).toEqual(hosts(C));
      r.stop();
    },
  );

  it(
    spec("not down unreachable when loosing leadership inbetween detection and specified duration"),
    () => {
      const r = new Resolver(A, majority, { stableAfterMs: 1_000 });
      r.memberUp(A, B, C);
      r.leader(A);
      r.unreachable(C);
      r.leader(B);
      r.advance(2_500);
      expect(r.downed()).toEqual([]);
      r.stop();
    },
  );

  it(spec("down when becoming Weakly-Up leader"), () => {
    const a = weaklyUp(A);
    const b = weaklyUp(B);
    const r = new Resolver(a, majority);
    r.memberUp(C);
    r.memberWeaklyUp(a, b);
    r.unreachable(C);
    r.leader(a);
    r.tick();
    // Only C counts, and it is unreachable: this side, weakly up, downs itself.
    expect(r.downed()).toEqual(hosts(A, B));
    r.stop();
  });

  it(
    spec("not down when unreachable become reachable inbetween detection and specified duration"),
    () => {
      const r = new Resolver(A, majority, { stableAfterMs: 1_000 });
      r.memberUp(A, B, C);
      r.leader(A);
      r.unreachable(B);
      r.reachable(B);
      r.advance(2_500);
      expect(r.downed()).toEqual([]);
      r.stop();
    },
  );

  it(
    spec("not down when unreachable is removed inbetween detection and specified duration"),
    () => {
      const r = new Resolver(A, majority, { stableAfterMs: 1_000 });
      r.memberUp(A, B, C);
      r.leader(A);
      r.unreachable(B);
      r.remove(B);
      r.advance(2_500);
      expect(r.downed()).toEqual([]);
      r.stop();
    },
  );

  it(spec("not down when unreachable is already Down"), () => {
    const r = new Resolver(A, majority);
    r.memberUp(A, B, C);
    r.leader(A);
    r.unreachable(downed(B));
    r.advance(2_000);
    expect(r.downed()).toEqual([]);
    r.stop();
  });

  it(spec("down minority partition"), () => {
    const r = new Resolver(A, majority);
    r.memberUp(A, B, C, D, E);
    r.leader(A);
    r.reachabilityChanged([A, B], [C, D]);
    r.tick();
    expect(r.downed()).toEqual(hosts(B, D));
    r.stop();
  });

  it(spec("keep partition with oldest"), () => {
    const r = new Resolver(A, { kind: "keep-oldest", downIfAlone: true });
    r.memberUp(A, B, C, D, E);
    r.leader(A);
    r.reachabilityChanged([A, B], [A, C], [E, D]);
    r.tick();
    expect(r.downed()).toEqual(hosts(B, C, D));
    r.stop();
  });

  it(spec("log warning if N > static-quorum.size * 2 - 1 (and down all)"), () => {
    const r = new Resolver(A, { kind: "static-quorum", quorumSize: 2 });
    r.memberUp(A, B, C, D);
    r.leader(A);
    r.unreachable(C, D);
    r.tick();
    expect(r.downed()).toEqual(hosts(A, B, C, D));
    r.stop();
  });

  it(spec("down indirectly connected: {(A, B), C} => {C}"), () => {
    const r = new Resolver(A, majority);
    r.memberUp(A, B, C);
    r.leader(A);
    r.reachabilityChanged([A, B], [B, A]);
    r.tick();
    expect(r.downed()).toEqual(hosts(A, B));
    r.stop();
  });

  it(
    spec("down indirectly connected when combined with crashed: {(A, B), D, E} | {C} => {D, E}"),
    () => {
      const r = new Resolver(A, majority);
      r.memberUp(A, B, C, D, E);
      r.leader(A);
      r.reachabilityChanged([A, B], [B, A], [B, C]);
      r.tick();
      expect(r.downed()).toEqual(hosts(A, B, C));
      r.stop();
    },
  );

  it(spec("down all when unstable, scenario 1"), () => {
    const r = new Resolver(A, majority, { stableAfterMs: 2_000, downAllWhenUnstable: 1_000 });
    r.memberUp(A, B, C, D, E);
    r.leader(A);
    r.advance(500); // changes fall between the resolver's ticks
    r.reachabilityChanged([B, D], [B, E]);
    r.advance(1_000);
    expect(r.downed()).toEqual([]);
    r.reachabilityChanged([B, D]);
    r.reachable(E);
    r.advance(1_000);
    expect(r.downed()).toEqual([]);
    r.reachabilityChanged([B, D], [B, E]);
    r.advance(1_000);
    expect(r.downed()).toEqual([]);
    r.reachabilityChanged([B, D]);
    r.reachable(E);
    r.advance(1_000);
    // Never stable for stable-after, and unstable for longer than stable-after + 1 s: down all.
    expect(r.downed()).toEqual(hosts(A, B, C, D, E));
  });

  it(spec("not down all when becoming stable again"), () => {
    const r = new Resolver(A, majority, { stableAfterMs: 2_000, downAllWhenUnstable: 1_000 });
    r.memberUp(A, B, C, D, E);
    r.leader(A);
    r.advance(500);
    r.reachabilityChanged([B, D], [B, E]);
    r.advance(1_000);
    r.reachabilityChanged([B, D]);
    r.reachable(E);
    r.advance(500);
    r.reachabilityChanged();
    r.reachable(D);
    r.advance(5_000);
    expect(r.downed()).toEqual([]);
  });

  it(spec("down other side when lease can be acquired"), () => {
    const r = new Resolver(A, { kind: "lease-majority" });
    r.memberUp(A, B, C);
    r.leader(A);
    r.unreachable(B);
    r.tick();
    r.advance(100);
    expect(r.downed()).toEqual(hosts(B));
    r.stop();
  });

  it(spec("down own side when lease cannot be acquired"), () => {
    const r = new Resolver(A, { kind: "lease-majority" });
    r.lease.acquire("someone-else", () => {});
    r.memberUp(A, B, C);
    r.leader(A);
    r.unreachable(B);
    r.tick();
    r.advance(100);
    expect(r.downed()).toEqual(hosts(A, C));
    r.stop();
  });

  it(spec("down indirectly connected when lease can be acquired: {(A, B), C} => {C}"), () => {
    const r = new Resolver(A, { kind: "lease-majority" });
    r.memberUp(A, B, C);
    r.leader(A);
    r.reachabilityChanged([A, B], [B, A]);
    r.tick();
    r.advance(100);
    expect(r.downed()).toEqual(hosts(A, B));
    r.stop();
  });

  it(spec("down indirectly connected when lease cannot be acquired: {(A, B), C} => {C}"), () => {
    const r = new Resolver(A, { kind: "lease-majority" });
    r.lease.acquire("someone-else", () => {});
    r.memberUp(A, B, C);
    r.leader(A);
    r.reachabilityChanged([A, B], [B, A]);
    r.tick();
    r.advance(100);
    // All reachable plus all indirectly connected.
    expect(r.downed()).toEqual(hosts(A, B, C));
    r.stop();
  });
});
