import { describe, expect, it } from "vitest";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import {
  checkMembershipMovesForward,
  checkSplitBrain,
  failoverTimes,
} from "../simulation/checkers";
import { ClusterSimulation, type ClusterSimulationOptions } from "../simulation/simulation";
import type { TraceRecord } from "../simulation/trace";
import type { ClusterNode } from "./cluster-node";
import type { ClusterEvent } from "./events";
import { type MemberStatus, nodeKey, type UniqueAddress } from "./member";

const keepMajority = () => new SplitBrainResolver({ strategy: { kind: "keep-majority" } });

function formed(options: Partial<ClusterSimulationOptions> & { nodes?: number } = {}) {
  const sim = new ClusterSimulation({ seed: 7, nodes: 5, ...options });
  sim.runFor(15_000);
  return sim;
}

/** `observer`'s view: address → status, for members it knows. */
function view(node: ClusterNode | undefined): Record<string, MemberStatus> {
  return Object.fromEntries(node?.state().members.map((m) => [m.node.address, m.status]) ?? []);
}

function statusIn(node: ClusterNode | undefined, target: UniqueAddress): MemberStatus | "absent" {
  return node?.membershipState().gossip.member(nodeKey(target))?.status ?? "absent";
}

const ofType = <T extends TraceRecord["type"]>(records: readonly TraceRecord[], type: T) =>
  records.filter((r): r is Extract<TraceRecord, { type: T }> => r.type === type);

describe("cluster formation", () => {
  it("brings five nodes up, with node-1 oldest and leader in every view", () => {
    const sim = formed();
    for (const node of sim.nodes()) {
      expect(view(node)).toEqual({
        "node-1": "up",
        "node-2": "up",
        "node-3": "up",
        "node-4": "up",
        "node-5": "up",
      });
      expect(node.state().leader?.address).toBe("node-1");
      expect(node.state().convergence).toBe(true);
    }
    const ages = sim
      .node("node-3")
      ?.state()
      .members.map((m) => [m.node.address, m.upNumber]);
    expect(ages?.find(([a]) => a === "node-1")?.[1]).toBe(1);
    expect(checkMembershipMovesForward(sim.trace.records)).toEqual([]);
  });

  it("replays the initial state to late subscribers", () => {
    const sim = formed({ nodes: 3 });
    const events: ClusterEvent[] = [];
    sim.node("node-2")?.subscribe((e) => events.push(e), { initialStateAsEvents: true });
    expect(events.filter((e) => e.type === "memberUp")).toHaveLength(3);
    expect(events.find((e) => e.type === "leaderChanged")).toMatchObject({
      leader: { address: "node-1" },
    });
  });

  it("rejects unknown addresses with a clear message", () => {
    const sim = formed({ nodes: 2 });
    expect(() => sim.crash("node-9")).toThrow(/unknown node address "node-9"/);
    expect(() => new ClusterSimulation({ seed: 1.5, nodes: 2 })).toThrow(/seed must be an integer/);
    expect(() => new ClusterSimulation({ seed: 1, nodes: ["a", "a"] })).toThrow(
      /duplicate address/,
    );
    expect(
      () => new ClusterSimulation({ seed: 1, nodes: 2, settings: { gossipIntervalMs: 0 } }),
    ).toThrow(/ClusterSettings.gossipIntervalMs/);
  });
});

describe("roles", () => {
  it("a node's roles travel with its Join and stay on its member through up and gossip", () => {
    const sim = formed({ nodes: 3, roles: { "node-1": ["backend"], "node-3": ["backend", "db"] } });
    for (const node of sim.nodes()) {
      const roles = Object.fromEntries(
        node.state().members.map((m) => [m.node.address, m.roles ?? []]),
      );
      expect(roles).toEqual({ "node-1": ["backend"], "node-2": [], "node-3": ["backend", "db"] });
    }
  });

  it("names a roles entry for an address that is not a node", () => {
    expect(() => new ClusterSimulation({ seed: 1, nodes: 2, roles: { "node-9": ["x"] } })).toThrow(
      /roles names "node-9"/,
    );
  });
});

describe("leaving", () => {
  it("moves a leaving member through exiting to removed, and the node shuts down", () => {
    const sim = formed();
    const leaver = sim.node("node-3")?.self as UniqueAddress;
    sim.leave("node-3");
    sim.runFor(15_000);
    expect(sim.node("node-3")).toBeUndefined();
    for (const node of sim.nodes()) expect(statusIn(node, leaver)).toBe("absent");
    const shutdown = ofType(sim.trace.records, "nodeShutdown");
    expect(shutdown).toEqual([expect.objectContaining({ node: leaver, reason: "left" })]);
    const seenByLeader = ofType(sim.trace.records, "memberStatus")
      .filter((r) => r.observer.address === "node-1" && nodeKey(r.member) === nodeKey(leaver))
      .map((r) => r.to);
    expect(seenByLeader.slice(-4)).toEqual(["up", "leaving", "exiting", "removed"]);
    expect(checkMembershipMovesForward(sim.trace.records)).toEqual([]);
  });

  it("hands leadership on when the leader leaves", () => {
    const sim = formed();
    sim.leave("node-1");
    sim.runFor(15_000);
    expect(sim.node("node-1")).toBeUndefined();
    for (const node of sim.nodes()) {
      expect(node.state().leader?.address).toBe("node-2");
      expect(Object.keys(view(node))).toEqual(["node-2", "node-3", "node-4", "node-5"]);
    }
  });
});

describe("failure detection over the network", () => {
  it("flags partitioned members unreachable within phi's detection time, and reachable after healing", () => {
    const sim = formed({ downing: keepMajority() });
    const start = sim.scheduler.now();
    const p = sim.partition(["node-1", "node-2", "node-3"], ["node-4", "node-5"]);
    sim.runFor(10_000);
    const flagged = ofType(sim.trace.records, "reachability").filter(
      (r) => r.observer.address === "node-1" && !r.reachable,
    );
    expect(flagged.map((r) => r.member.address).sort()).toEqual(["node-4", "node-5"]);
    for (const r of flagged) {
      // Last heartbeat up to 1 s before the cut, phi reaches 8 about 4.5 s after it, the reaper
      // runs every second.
      expect(r.at - start).toBeGreaterThan(3_400);
      expect(r.at - start).toBeLessThan(6_600);
    }
    sim.heal(p);
    sim.runFor(5_000);
    expect(sim.node("node-1")?.state().unreachable).toEqual([]);
    expect(ofType(sim.trace.records, "downingDecision")).toEqual([]);
  });

  it("leaves each side of a partition with its own leader", () => {
    const sim = formed();
    sim.partition(["node-1", "node-2", "node-3"], ["node-4", "node-5"]);
    sim.runFor(10_000);
    expect(sim.node("node-2")?.state().leader?.address).toBe("node-1");
    expect(sim.node("node-5")?.state().leader?.address).toBe("node-4");
  });
});

describe("crash and restart", () => {
  it("with no downing, never removes a crashed member: no failover, no convergence", () => {
    const sim = formed();
    sim.crash("node-5");
    sim.runFor(300_000);
    expect(failoverTimes(sim.trace.records)).toEqual([
      expect.objectContaining({
        crashed: expect.objectContaining({ address: "node-5" }),
        failoverMs: undefined,
      }),
    ]);
    for (const node of sim.nodes()) {
      expect(view(node)["node-5"]).toBe("up");
      expect(node.state().unreachable.map((m) => m.node.address)).toEqual(["node-5"]);
      expect(node.state().convergence).toBe(false);
    }
  });

  it("with no downing, a newcomer stays weakly up while a crashed member blocks convergence", () => {
    const sim = new ClusterSimulation({ seed: 7, nodes: 6 });
    sim.crash("node-6"); // it will join later
    sim.runFor(15_000);
    sim.crash("node-5");
    sim.runFor(10_000);
    const newcomer = sim.restart("node-6");
    sim.runFor(60_000);
    expect(newcomer?.state().selfStatus).toBe("weakly-up");
    expect(view(sim.node("node-1"))["node-6"]).toBe("weakly-up");
  });

  it("with no downing, a restarted node cannot even get back in while convergence is blocked", () => {
    const sim = formed();
    sim.crash("node-5");
    sim.runFor(5_000);
    const old = sim.node("node-4")?.self as UniqueAddress;
    sim.crash("node-4");
    const fresh = sim.restart("node-4");
    sim.runFor(120_000);
    // Its old incarnation is downed at once (the new one proves it dead), but removing it needs
    // convergence, which node-5 blocks forever; the new incarnation keeps retrying.
    expect(statusIn(sim.node("node-1"), old)).toBe("down");
    expect(fresh?.state().selfStatus).toBeNull();
    expect(fresh?.isTerminated).toBe(false);
  });

  it("a restarted node gets a new UID; the old incarnation is downed, removed, and never returns", () => {
    const sim = formed();
    const old = sim.node("node-2")?.self as UniqueAddress;
    sim.crash("node-2");
    sim.runFor(2_000);
    const fresh = sim.restart("node-2");
    expect(fresh?.self.uid).not.toBe(old.uid);
    sim.runFor(40_000);
    for (const node of sim.nodes()) {
      expect(statusIn(node, old)).toBe("absent");
      expect(view(node)["node-2"]).toBe("up");
      expect(node.membershipState().gossip.tombstones.has(nodeKey(old))).toBe(true);
    }
    const oldViews = ofType(sim.trace.records, "memberStatus").filter(
      (r) => nodeKey(r.member) === nodeKey(old) && r.observer.address === "node-1",
    );
    expect(oldViews.map((r) => r.to).slice(-2)).toEqual(["down", "removed"]);
    expect(checkMembershipMovesForward(sim.trace.records)).toEqual([]);
  });

  it("ignores a Join from a removed incarnation", () => {
    const sim = formed({ nodes: 3 });
    const old = sim.node("node-3")?.self as UniqueAddress;
    sim.crash("node-3");
    sim.restart("node-3");
    sim.runFor(40_000);
    // Replay the old incarnation's Join, as a delayed duplicate on the wire would.
    sim.network.send("node-3", "node-1", { type: "Join", node: old });
    sim.runFor(10_000);
    for (const node of sim.nodes()) expect(statusIn(node, old)).toBe("absent");
    expect(checkMembershipMovesForward(sim.trace.records)).toEqual([]);
  });

  it("with a resolver, downs and removes a crashed member after detection plus stable-after", () => {
    const sim = formed({ downing: keepMajority() });
    sim.crash("node-4");
    sim.runFor(60_000);
    const [failover] = failoverTimes(sim.trace.records);
    // ~5 s to detect, 20 s stable-after, a few seconds to converge and remove.
    expect(failover?.failoverMs).toBeGreaterThan(24_000);
    expect(failover?.failoverMs).toBeLessThan(35_000);
    for (const node of sim.nodes()) expect(node.state().convergence).toBe(true);
  });
});

describe("application messages", () => {
  it("reach a node by address, or only a given incarnation by unique address", () => {
    const sim = formed({ nodes: 3 });
    const got: string[] = [];
    const listen = (node: ClusterNode) =>
      node.receiveOn("chat", (from, payload) =>
        got.push(`${node.self.uid}:${from.address}:${payload}`),
      );
    sim.onNodeStarted(listen);
    const first = sim.node("node-2")?.self as UniqueAddress;
    sim.node("node-1")?.send("node-2", "chat", "hello");
    sim.runFor(100);
    sim.crash("node-2");
    const second = sim.restart("node-2")?.self as UniqueAddress;
    sim.node("node-1")?.send(first, "chat", "to the dead");
    sim.node("node-1")?.send(second, "chat", "to the living");
    sim.runFor(100);
    expect(got).toEqual([`${first.uid}:node-1:hello`, `${second.uid}:node-1:to the living`]);
  });
});

describe("determinism", () => {
  const scenario = (seed: number) => {
    const sim = new ClusterSimulation({
      seed,
      nodes: 5,
      downing: keepMajority(),
      network: { jitterMs: 20 },
      faults: [
        {
          at: 12_000,
          type: "link",
          from: "node-2",
          to: "node-3",
          faults: { dropRate: 0.3, reorder: true, jitterMs: 300 },
        },
        {
          at: 20_000,
          type: "partition",
          sideA: ["node-1", "node-2"],
          sideB: ["node-3", "node-4", "node-5"],
          direction: "both",
        },
        { at: 30_000, type: "crash", node: "node-5" },
        { at: 50_000, type: "restart", node: "node-5" },
        { at: 70_000, type: "heal" },
      ],
    });
    sim.runFor(120_000);
    return sim.trace.records;
  };

  it("gives the same trace for the same seed, record for record", () => {
    const a = scenario(2024);
    expect(a.length).toBeGreaterThan(100);
    expect(JSON.stringify(scenario(2024))).toBe(JSON.stringify(a));
  });

  it("gives a different trace for another seed", () => {
    expect(JSON.stringify(scenario(2025))).not.toBe(JSON.stringify(scenario(2024)));
  });

  it("resolves that scenario without a split brain", () => {
    const records = scenario(2024);
    expect(checkSplitBrain(records)).toEqual([]);
    expect(checkMembershipMovesForward(records)).toEqual([]);
  });
});

describe("gossip never moves a member backwards", () => {
  it("merges, instead of adopting, a newer-versioned gossip that lacks a status it has seen", () => {
    // Pruning a removed node's vector-clock entry can produce exactly this: a version that
    // compares as newer while missing that node's last change (our membership property found
    // a downed member coming back up).
    const sim = formed({ nodes: 3 });
    const n1 = sim.node("node-1") as ClusterNode;
    const n2 = sim.node("node-2") as ClusterNode;
    const n3 = sim.node("node-3")?.self as UniqueAddress;
    const base = n2.membershipState().gossip;
    const member3 = base.member(nodeKey(n3));
    if (member3 === undefined) throw new Error("node-3 missing");
    const downed = base.markAsDown(member3).tickedBy("someone");
    const stale = base.tickedBy("someone").tickedBy("someone");
    expect(stale.version.compare(downed.version)).toBe("after");
    const deliver = (gossip: typeof base) =>
      sim.network.send("node-2", "node-1", { type: "Gossip", from: n2.self, to: n1.self, gossip });
    deliver(downed);
    sim.runFor(50);
    expect(statusIn(n1, n3)).toBe("down");
    deliver(stale);
    sim.runFor(50);
    expect(statusIn(n1, n3)).toBe("down");
    expect(checkMembershipMovesForward(sim.trace.records)).toEqual([]);
  });
});

describe("the trace", () => {
  it("takes records from layers on top of the cluster, in time order with its own", () => {
    const sim = formed({ nodes: 2 });
    const seen: string[] = [];
    const stop = sim.trace.subscribe((r) => {
      if (r.type === "app") seen.push(`${r.at}:${r.event}:${JSON.stringify(r.detail)}`);
    });
    const node = sim.node("node-1")?.self ?? null;
    sim.trace.emit({
      at: sim.scheduler.now(),
      type: "app",
      node,
      event: "shardAllocated",
      detail: { shard: 3 },
    });
    stop();
    sim.trace.emit({ at: sim.scheduler.now(), type: "app", node, event: "ignored", detail: {} });
    expect(seen).toEqual(['15000:shardAllocated:{"shard":3}']);
    const last = sim.trace.records.at(-1);
    expect(last?.type === "app" && last.event).toBe("ignored");
  });
});
