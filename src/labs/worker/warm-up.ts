import type * as Runtime from "../../runtime/index";

/**
 * A cluster workload that a spare check worker runs while the learner is still editing, before
 * any learner code exists in it. A fresh worker starts every runtime function cold, in V8's
 * interpreter; a cluster lab's checks then spend their first second or two simulating while the
 * hot paths (scheduler, network, gossip, failure detection, sharding, the journal) are compiled.
 * Running the same paths once here moves that compile time out of the learner's wait.
 *
 * It changes nothing a run can observe: the runtime keeps no module state besides
 * object-keyed caches (no id counters, no `Math.random`), and everything built here is garbage
 * once it returns. Every simulation is its own seeded world, so results stay the same as in a
 * cold worker and in the CI grader.
 *
 * `stop` is awaited between steps (a few milliseconds of work each): it should give the event
 * loop a turn and say whether a run came in, which then waits for one step at most.
 */
export async function warmUpCluster(
  runtime: typeof Runtime,
  stop: () => Promise<boolean> = async () => false,
): Promise<void> {
  const {
    ClusterSharding,
    ClusterSimulation,
    SplitBrainResolver,
    checkSingleIncarnation,
    checkSplitBrain,
    counterEntity,
  } = runtime;
  for (const seed of [1, 2]) {
    if (await stop()) return;
    // Sharded, event-sourced entities on three nodes; one node crashes and its shards move.
    const sim = new ClusterSimulation({
      seed,
      nodes: 3,
      downing: new SplitBrainResolver({
        strategy: { kind: "keep-majority" },
        stableAfterMs: 5_000,
      }),
    });
    const sharding = new ClusterSharding(sim);
    const counters = sharding.init<Runtime.CounterCommand>({
      typeName: "warm-up",
      createBehavior: counterEntity,
      settings: { numberOfShards: 6, passivateIdleAfterMs: 5_000 },
    });
    for (let t = 0; t < 12_000; t += 2_000) {
      if (await stop()) return;
      await sharding.advance(2_000);
    }
    for (let n = 0; n < 24; n++) {
      if (await stop()) return;
      if (n === 8) sim.crash("node-3");
      const from = n % 2 === 0 ? "node-1" : "node-2";
      counters
        .entityRefFor(`c${n % 6}`, from)
        .ask<Runtime.CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), 5_000)
        .catch(() => {});
      await sharding.advance(250);
    }
    for (let t = 0; t < 20_000; t += 2_000) {
      if (await stop()) return;
      await sharding.advance(2_000);
    }
    checkSingleIncarnation(sharding.trace.records);
    if (await stop()) return;

    // A partition of five nodes, resolved by keep-majority, without sharding.
    const cut = new ClusterSimulation({
      seed,
      nodes: 5,
      downing: new SplitBrainResolver({
        strategy: { kind: "keep-majority" },
        stableAfterMs: 5_000,
      }),
    });
    for (let t = 0; t < 37_000; t += 2_000) {
      if (await stop()) return;
      if (t === 12_000) cut.partition(["node-1", "node-2", "node-3"], ["node-4", "node-5"]);
      cut.runFor(2_000);
    }
    checkSplitBrain(cut.trace.records);
  }
}
