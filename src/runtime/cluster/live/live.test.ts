import { IDBFactory } from "fake-indexeddb";
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import type { Behavior } from "../../actor/behavior";
import { ActorRef, recipientOf } from "../../actor/ref";
import { IndexedDBJournal } from "../../persistence/indexeddb-journal";
import { IndexedDBSnapshotStore } from "../../persistence/indexeddb-snapshot-store";
import { SeededRandom } from "../../sim/random";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import { Gossip } from "../membership/gossip";
import { DEFAULT_PHI_ACCRUAL } from "../membership/phi-accrual";
import { checkSingleIncarnation } from "../sharding/checkers";
import { counterEntity } from "../sharding/counter-entity";
import { advanceSimulation } from "../sharding/drive";
import { ReplyAddress } from "../sharding/reply";
import { ClusterSimulation } from "../simulation/simulation";
import { ClusterTrace, type TraceRecord } from "../simulation/trace";
import { LiveCluster, type NodeWorker } from "./live-cluster";
import { type NodeRunnerOptions, nodeRunner } from "./node-runner";
import type { FromNode, ToNode } from "./protocol";
import { Relay } from "./relay";
import { decodeGossip, decodeMessage, encodeGossip, encodeMessage } from "./wire";

describe("live wire", () => {
  it("a gossip survives structured cloning and means the same on the other side", () => {
    const sim = new ClusterSimulation({ seed: 5, nodes: 4 });
    sim.runFor(20_000);
    sim.crash("node-4");
    sim.runFor(15_000);
    const g = sim.node("node-1")?.membershipState().gossip;
    if (g === undefined) throw new Error("node-1 is not running");
    expect(g.reachability.records().length).toBeGreaterThan(0);
    const back = decodeGossip(structuredClone(encodeGossip(g)));
    expect(back.version.compare(g.version)).toBe("same");
    expect(back.sortedMembers()).toEqual(g.sortedMembers());
    expect([...back.seen].sort()).toEqual([...g.seen].sort());
    expect(back.reachability.records()).toEqual(g.reachability.records());
    expect([...back.reachability.versions]).toEqual([...g.reachability.versions]);
    expect(back.covers(g) && g.covers(back)).toBe(true);
    const msg = decodeMessage(
      structuredClone(
        encodeMessage({
          type: "Gossip",
          from: { address: "a", uid: 1 },
          to: { address: "b", uid: 2 },
          gossip: g,
        }),
      ),
    );
    expect(msg.type === "Gossip" && msg.gossip.version.compare(g.version)).toBe("same");
  });

  it("an ask reply crosses as its home and request id; any other actor reference is refused by path", () => {
    const home = { address: "node-2", uid: 9 };
    const replyTo = new ActorRef("counter@node-2#9/ask-4", new ReplyAddress(home, 4, () => {}));
    const wire = encodeMessage({
      type: "App",
      channel: "sharding:counter:region",
      from: home,
      toUid: undefined,
      payload: { type: "Deliver", entityId: "c1", message: { type: "add", n: 1, replyTo } },
    });
    const back = decodeMessage(structuredClone(wire));
    const ref =
      back.type === "App"
        ? (back.payload as { message: { replyTo: unknown } }).message.replyTo
        : null;
    expect(ref).toBeInstanceOf(ActorRef);
    const recipient = recipientOf(ref as ActorRef<never>);
    expect(recipient).toBeInstanceOf(ReplyAddress);
    expect([(recipient as ReplyAddress).home, (recipient as ReplyAddress).askId]).toEqual([
      home,
      4,
    ]);
    const local = new ActorRef("shop/user/orders", { enqueue: () => {} });
    expect(() =>
      encodeMessage({
        type: "App",
        channel: "chat",
        from: home,
        toUid: undefined,
        payload: { to: [local] },
      }),
    ).toThrow(/channel "chat"\.to\[0\] holds the actor reference shop\/user\/orders/);
  });

  it("a malformed message is refused with the field named", () => {
    expect(() =>
      decodeMessage({ type: "Welcome", from: { address: "a", uid: 1 }, gossip: {} } as never),
    ).toThrow(/gossip\.members/);
    const g = encodeGossip(Gossip.empty.tickedBy("a#1"));
    expect(() => decodeGossip({ ...g, version: [["a#1", 0]] })).toThrow(
      "live wire: gossip.version[0]: 0 is not a safe integer >= 1",
    );
  });
});

describe("Relay", () => {
  function setup() {
    const scheduler = new VirtualScheduler();
    const trace = new ClusterTrace();
    const relay = new Relay(scheduler, new SeededRandom(1), trace);
    const inbox = new Map<string, string[]>();
    for (const a of ["n1", "n2", "n3"]) {
      inbox.set(a, []);
      relay.attach(a, {
        post: (m: ToNode) => {
          if (m.kind === "deliver" && m.message.type === "App")
            inbox.get(a)?.push(`${m.from}:${m.message.payload}`);
        },
      });
    }
    const send = (from: string, to: string, text: string) =>
      relay.fromNode(from, {
        kind: "send",
        to,
        message: {
          type: "App",
          channel: "c",
          from: { address: from, uid: 1 },
          toUid: undefined,
          payload: text,
        },
      });
    return { scheduler, trace, relay, inbox, send };
  }

  it("delivers, partitions both ways, heals", () => {
    const { scheduler, relay, inbox, send, trace } = setup();
    send("n1", "n2", "a");
    scheduler.advanceBySync(1);
    const p = relay.partition(["n1"], ["n2", "n3"]);
    send("n1", "n2", "b");
    send("n3", "n1", "c");
    send("n2", "n3", "d");
    scheduler.advanceBySync(1);
    relay.heal(p);
    send("n3", "n1", "e");
    scheduler.advanceBySync(1);
    expect(inbox.get("n2")).toEqual(["n1:a"]);
    expect(inbox.get("n3")).toEqual(["n2:d"]);
    expect(inbox.get("n1")).toEqual(["n3:e"]);
    expect(trace.records.map((r) => r.type)).toEqual(["partition", "heal"]);
  });

  it("a one-way partition loses only one direction; a drop rate of 1 loses everything", () => {
    const { scheduler, relay, inbox, send } = setup();
    relay.partition(["n1"], ["n2"], "a-to-b");
    send("n1", "n2", "lost");
    send("n2", "n1", "kept");
    relay.setLink("n3", "n1", { dropRate: 1 });
    send("n3", "n1", "dropped");
    scheduler.advanceBySync(1);
    expect(inbox.get("n2")).toEqual([]);
    expect(inbox.get("n1")).toEqual(["n2:kept"]);
  });

  it("a detached (crashed) node neither receives nor sends; trace records are stamped on the relay clock", () => {
    const { scheduler, relay, inbox, send, trace } = setup();
    send("n1", "n2", "in flight");
    relay.detach("n2");
    relay.detach("n3");
    send("n3", "n1", "ghost");
    scheduler.advanceBySync(500);
    expect(inbox.get("n2")).toEqual([]);
    expect(inbox.get("n1")).toEqual([]);
    relay.fromNode("n1", {
      kind: "trace",
      record: { at: 3, type: "nodeStarted", node: { address: "n1", uid: 1 } },
    });
    expect(trace.records.at(-1)).toEqual({
      at: 500,
      type: "nodeStarted",
      node: { address: "n1", uid: 1 },
    });
    expect(relay.fromNode("n1", { kind: "terminated", reason: "downed" })).toEqual({
      kind: "terminated",
      reason: "downed",
    });
  });
});

/**
 * Workers stood in for by the real node runner on one virtual clock: every post is a
 * structured clone delivered on a later turn, as between threads; terminate stops it dead.
 */
function inProcessWorkers(scheduler: VirtualScheduler, options: NodeRunnerOptions = {}) {
  let terminated = 0;
  const spawn = (): NodeWorker => {
    let alive = true;
    const worker: NodeWorker = {
      onmessage: null,
      postMessage: (m: ToNode) => {
        const copy = structuredClone(m);
        scheduler.executeSoon(() => {
          if (alive) receive(copy);
        });
      },
      terminate: () => {
        alive = false;
        terminated++;
      },
    };
    const receive = nodeRunner(
      (m: FromNode) => {
        const copy = structuredClone(m);
        scheduler.executeSoon(() => {
          if (alive) worker.onmessage?.({ data: copy } as MessageEvent<FromNode>);
        });
      },
      scheduler,
      options,
    );
    return worker;
  };
  return { spawn, terminated: () => terminated };
}

function viewOf(records: readonly TraceRecord[], observer: string) {
  const view = new Map<string, string>();
  for (const r of records)
    if (r.type === "memberStatus" && r.observer.address === observer)
      view.set(r.member.address, r.to);
  return view;
}

describe("LiveCluster over the node runner", () => {
  it("forms, detects a terminated worker, and keep-majority removes it; a restart rejoins", async () => {
    const scheduler = new VirtualScheduler();
    const workers = inProcessWorkers(scheduler);
    const cluster = new LiveCluster({
      nodes: 3,
      seed: 7,
      scheduler,
      spawn: workers.spawn,
      settings: fastSettings,
      downing: {
        kind: "split-brain-resolver",
        settings: { strategy: { kind: "keep-majority" }, stableAfterMs: 2000 },
      },
    });
    scheduler.advanceBySync(5000);
    const state = cluster.state("node-2");
    scheduler.advanceBySync(10);
    expect((await state)?.members.map((m) => `${m.address}:${m.status}`)).toEqual([
      "node-1:up",
      "node-2:up",
      "node-3:up",
    ]);
    const old = cluster.incarnation("node-3");
    cluster.crash("node-3");
    expect(workers.terminated()).toBe(1);
    scheduler.advanceBySync(10_000);
    const recs = cluster.trace.records;
    const unreachableAt = recs.find(
      (r) => r.type === "reachability" && !r.reachable && r.member.address === "node-3",
    )?.at;
    const removedAt = recs.find(
      (r) => r.type === "memberStatus" && r.to === "removed" && r.member.address === "node-3",
    )?.at;
    expect(unreachableAt).toBeDefined();
    expect(removedAt).toBeGreaterThan(unreachableAt ?? Infinity);
    expect(
      recs.some((r) => r.type === "downingDecision" && r.downed.some((d) => d.uid === old?.uid)),
    ).toBe(true);
    expect(viewOf(recs, "node-1").get("node-3")).toBe("removed");

    const fresh = cluster.restart("node-3");
    expect(fresh?.uid).not.toBe(old?.uid);
    scheduler.advanceBySync(5000);
    const after = cluster.state("node-1");
    scheduler.advanceBySync(10);
    expect((await after)?.members.map((m) => `${m.address}#${m.uid}:${m.status}`)).toContain(
      `node-3#${fresh?.uid}:up`,
    );
    cluster.shutdown();
  });

  it("the minority side of a partition downs itself and its workers stop", () => {
    const scheduler = new VirtualScheduler();
    const workers = inProcessWorkers(scheduler);
    const cluster = new LiveCluster({
      nodes: 3,
      seed: 11,
      scheduler,
      spawn: workers.spawn,
      settings: fastSettings,
      downing: {
        kind: "split-brain-resolver",
        settings: { strategy: { kind: "keep-majority" }, stableAfterMs: 2000 },
      },
    });
    scheduler.advanceBySync(5000);
    cluster.partition(["node-1", "node-2"], ["node-3"]);
    scheduler.advanceBySync(15_000);
    expect(cluster.incarnation("node-3")).toBeUndefined();
    expect(cluster.incarnation("node-1")).toBeDefined();
    expect(workers.terminated()).toBe(1);
    expect(
      cluster.trace.records.some(
        (r) => r.type === "nodeShutdown" && r.node.address === "node-3" && r.reason === "downed",
      ),
    ).toBe(true);
    cluster.shutdown();
  });
});

describe("LiveCluster with sharding over one shared IndexedDB", () => {
  it("an entity on a terminated worker restarts on a survivor and recovers its state from the journal", async () => {
    const scheduler = new VirtualScheduler();
    const idb = new IDBFactory();
    const workers = inProcessWorkers(scheduler, {
      entities: { counter: counterEntity as (id: string) => Behavior<never> },
      // Each worker opens its own connection, as real workers do.
      stores: (name) => ({
        journal: new IndexedDBJournal(idb, name),
        snapshotStore: new IndexedDBSnapshotStore(idb, name),
      }),
    });
    const cluster = new LiveCluster({
      nodes: 3,
      seed: 3,
      scheduler,
      spawn: workers.spawn,
      settings: fastSettings,
      downing: {
        kind: "split-brain-resolver",
        settings: { strategy: { kind: "keep-majority" }, stableAfterMs: 2000 },
      },
      sharding: { journal: "live-sharding", entities: [{ typeName: "counter" }] },
    });
    const settle = async <T>(p: Promise<T>): Promise<T> => {
      let done = false;
      const watched = p.finally(() => {
        done = true;
      });
      for (let i = 0; i < 300 && !done; i++) await advanceSimulation(scheduler, 100);
      return watched;
    };
    await advanceSimulation(scheduler, 5000);
    const first = (await settle(
      cluster.ask("node-2", "counter", "c1", { type: "add", n: 5 }, 5000),
    )) as { total: number };
    expect(first.total).toBe(5);
    await settle(cluster.ask("node-3", "counter", "c1", { type: "add", n: 2 }, 5000));
    const started = cluster.shardingTrace.records.filter(
      (r) => r.type === "entityStarted" && r.entityId === "c1",
    );
    expect(started).toHaveLength(1);
    const host = started[0]?.type === "entityStarted" ? started[0].node.address : "";
    cluster.crash(host);
    await advanceSimulation(scheduler, 8000);
    const survivor = cluster.addresses.find((a) => a !== host) ?? "";
    const after = (await settle(
      cluster.ask(survivor, "counter", "c1", { type: "get" }, 25_000),
    )) as {
      total: number;
      sequenceNr: number;
    };
    expect(after).toMatchObject({ total: 7, sequenceNr: 2 });
    const restarted = cluster.shardingTrace.records.filter(
      (r) => r.type === "entityStarted" && r.entityId === "c1",
    );
    expect(restarted).toHaveLength(2);
    expect(restarted[1]?.type === "entityStarted" && restarted[1].node.address).not.toBe(host);
    expect(await new IndexedDBJournal(idb, "live-sharding").highestSequenceNr("counter-c1")).toBe(
      2,
    );
    // The terminated worker could not report its entity's end; the main thread did, at the crash.
    expect(
      cluster.shardingTrace.records.some(
        (r) =>
          r.type === "entityStopped" &&
          r.entityId === "c1" &&
          r.node.address === host &&
          r.reason === "node-stopped",
      ),
    ).toBe(true);
    expect(checkSingleIncarnation(cluster.shardingTrace.records)).toEqual([]);
    cluster.shutdown();
  });

  it("checkSingleIncarnation catches a real double run: an unsafe auto-down across a partition runs the entity on both sides", async () => {
    const scheduler = new VirtualScheduler();
    const idb = new IDBFactory();
    const workers = inProcessWorkers(scheduler, {
      entities: { counter: counterEntity as (id: string) => Behavior<never> },
      stores: (name) => ({
        journal: new IndexedDBJournal(idb, name),
        snapshotStore: new IndexedDBSnapshotStore(idb, name),
      }),
    });
    const cluster = new LiveCluster({
      nodes: 3,
      seed: 3,
      scheduler,
      spawn: workers.spawn,
      settings: fastSettings,
      downing: { kind: "auto-down", afterMs: 2000 },
      sharding: { journal: "live-auto-down", entities: [{ typeName: "counter" }] },
    });
    const settle = async <T>(p: Promise<T>): Promise<T> => {
      let done = false;
      const watched = p.finally(() => {
        done = true;
      });
      for (let i = 0; i < 300 && !done; i++) await advanceSimulation(scheduler, 100);
      return watched;
    };
    await advanceSimulation(scheduler, 5000);
    await settle(cluster.ask("node-1", "counter", "c1", { type: "add", n: 1 }, 5000));
    const started = cluster.shardingTrace.records.find(
      (r) => r.type === "entityStarted" && r.entityId === "c1",
    );
    const host = started?.type === "entityStarted" ? started.node.address : "";
    const others = cluster.addresses.filter((a) => a !== host);
    cluster.partition([host], others);
    await advanceSimulation(scheduler, 10_000);
    // Each side downed the other; the majority side starts the entity again, beside the old one.
    await settle(
      cluster.ask(others[0] as string, "counter", "c1", { type: "add", n: 1 }, 20_000),
    ).catch(() => undefined);
    const violations = checkSingleIncarnation(cluster.shardingTrace.records);
    expect(violations.some((v) => v.kind === "entity" && v.id === "counter/c1")).toBe(true);
    cluster.shutdown();
  });
});

const fastSettings = {
  gossipIntervalMs: 200,
  leaderActionsIntervalMs: 200,
  unreachableNodesReaperIntervalMs: 200,
  heartbeatIntervalMs: 200,
  heartbeatExpectedResponseAfterMs: 200,
  joinRetryIntervalMs: 200,
  failureDetector: {
    ...DEFAULT_PHI_ACCRUAL,
    acceptableHeartbeatPauseMs: 1000,
    firstHeartbeatEstimateMs: 200,
  },
};

describe("LiveCluster with per-node roles (Akka's akka.cluster.roles)", () => {
  it("members carry their node's roles; a role-scoped keep-majority counts only backend members; sharding with a role runs entities only on backend nodes", async () => {
    const scheduler = new VirtualScheduler();
    const idb = new IDBFactory();
    const workers = inProcessWorkers(scheduler, {
      entities: { counter: counterEntity as (id: string) => Behavior<never> },
      stores: (name) => ({
        journal: new IndexedDBJournal(idb, name),
        snapshotStore: new IndexedDBSnapshotStore(idb, name),
      }),
    });
    expect(
      () =>
        new LiveCluster({
          nodes: 2,
          spawn: workers.spawn,
          scheduler,
          roles: { "node-9": ["backend"] },
        }),
    ).toThrow(/LiveClusterOptions\.roles names "node-9"/);
    const cluster = new LiveCluster({
      nodes: 4,
      seed: 21,
      scheduler,
      spawn: workers.spawn,
      settings: fastSettings,
      roles: { "node-1": ["frontend"], "node-2": ["backend"], "node-3": ["backend"] },
      downing: {
        kind: "split-brain-resolver",
        settings: {
          strategy: { kind: "keep-majority", role: "backend" },
          stableAfterMs: 2000,
        },
      },
      sharding: {
        journal: "live-roles",
        entities: [{ typeName: "counter", settings: { role: "backend", numberOfShards: 6 } }],
      },
    });
    const settle = async <T>(p: Promise<T>): Promise<T> => {
      let done = false;
      const watched = p.finally(() => {
        done = true;
      });
      for (let i = 0; i < 300 && !done; i++) await advanceSimulation(scheduler, 100);
      return watched;
    };
    await advanceSimulation(scheduler, 5000);
    const view = await settle(cluster.state("node-4"));
    expect(view?.members.map((m) => `${m.address}:${m.roles.join(",")}`)).toEqual([
      "node-1:frontend",
      "node-2:backend",
      "node-3:backend",
      "node-4:",
    ]);
    // Asked through nodes without the role (proxies), entities still answer.
    for (let i = 0; i < 8; i++) {
      const reply = (await settle(
        cluster.ask(
          i % 2 === 0 ? "node-1" : "node-4",
          "counter",
          `c${i}`,
          { type: "add", n: 1 },
          5000,
        ),
      )) as { total: number };
      expect(reply.total).toBe(1);
    }
    const hosts = new Set(
      cluster.shardingTrace.records.flatMap((r) =>
        r.type === "entityStarted" ? [r.node.address] : [],
      ),
    );
    expect([...hosts].sort()).toEqual(["node-2", "node-3"]);
    const coordinators = cluster.shardingTrace.records.flatMap((r) =>
      r.type === "coordinatorStarted" ? [r.node.address] : [],
    );
    expect(coordinators).toEqual(["node-2"]);
    // Partition the two backend nodes apart from each other, with the role-less nodes split
    // too: counted by role, each side holds one backend member of two, a tie, and keep-majority
    // keeps the side with the lowest address among backend members (node-2's), whichever side
    // has more members overall.
    cluster.partition(["node-2"], ["node-1", "node-3", "node-4"]);
    await advanceSimulation(scheduler, 15_000);
    expect(cluster.incarnation("node-2")).toBeDefined();
    expect(cluster.incarnation("node-3")).toBeUndefined();
    expect(cluster.incarnation("node-1")).toBeUndefined();
    cluster.shutdown();
  });
});
