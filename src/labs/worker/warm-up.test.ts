import * as runtime from "@runtime";
import { expect, it } from "vitest";
import { warmUpCluster } from "./warm-up";

/** A sharded run like the cluster labs make, as the records it leaves. */
async function shardedRun() {
  const sim = new runtime.ClusterSimulation({
    seed: 11,
    nodes: 3,
    downing: new runtime.SplitBrainResolver({ strategy: { kind: "keep-majority" } }),
  });
  const sharding = new runtime.ClusterSharding(sim);
  const counters = sharding.init<runtime.CounterCommand>({
    typeName: "counter",
    createBehavior: runtime.counterEntity,
  });
  await sharding.advance(15_000);
  const reply = counters
    .entityRefFor("c1", "node-2")
    .ask<runtime.CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 5_000);
  sim.crash("node-1");
  await sharding.advance(30_000);
  await reply.catch(() => undefined);
  return JSON.stringify([sim.trace.records, sharding.trace.records]);
}

it("a warm-up in the worker leaves the next seeded run exactly as in a fresh worker", async () => {
  const before = await shardedRun();
  let steps = 0;
  await warmUpCluster(runtime, async () => {
    steps++;
    return false;
  });
  expect(steps, "steps that offered to stop").toBeGreaterThan(10);
  expect(await shardedRun()).toBe(before);
});

it("stops at the next step once asked to", async () => {
  let steps = 0;
  await warmUpCluster(runtime, async () => ++steps >= 3);
  expect(steps).toBe(3);
});
