import type { Cancellable } from "../../sim/scheduler";
import type { DowningAgent, DowningContext, DowningProvider } from "../membership/downing-provider";
import { nodeKey, type UniqueAddress } from "../membership/member";

/**
 * The old, unsafe `auto-down-unreachable-after`, kept to show why it was removed from Akka: the
 * leader downs any member that stays unreachable for `afterMs`. In a partition each side has its
 * own leader, so each side downs the other and both carry on: two clusters, each running its own
 * copy of every singleton and entity. Never use it outside a lesson.
 *
 * @example Why it is unsafe: a partition becomes two clusters
 * ```ts
 * const sim = new ClusterSimulation({ seed: 9, nodes: 4, downing: new AutoDowning(10_000) });
 * sim.runFor(15_000);
 * sim.partition(["node-1", "node-2"], ["node-3", "node-4"]);
 * sim.runFor(60_000);
 * checkSplitBrain(sim.trace.records).length > 0; // true: each side downed the other
 * ```
 */
export class AutoDowning implements DowningProvider {
  readonly name = "auto-down";

  constructor(readonly afterMs: number) {
    if (!(Number.isFinite(afterMs) && afterMs >= 0))
      throw new RangeError(`AutoDowning: afterMs must be >= 0, got ${afterMs}`);
  }

  start(ctx: DowningContext): DowningAgent {
    const scheduled = new Map<string, Cancellable>();
    const pending = new Map<string, UniqueAddress>();
    let leader = false;
    const down = (node: UniqueAddress) => {
      ctx.record({
        type: "downingDecision",
        node: ctx.self,
        provider: this.name,
        decision: "auto-down",
        downed: [node],
      });
      ctx.down(node);
    };
    const downOrAddPending = (node: UniqueAddress) => {
      if (leader) down(node);
      else pending.set(nodeKey(node), node);
    };
    const forget = (key: string) => {
      scheduled.get(key)?.cancel();
      scheduled.delete(key);
      pending.delete(key);
    };
    const unsubscribe = ctx.subscribe((e) => {
      switch (e.type) {
        case "unreachableMember": {
          const key = nodeKey(e.member.node);
          const skip = e.member.status === "down" || e.member.status === "exiting";
          if (skip || scheduled.has(key) || key === nodeKey(ctx.self)) return;
          const node = e.member.node;
          scheduled.set(
            key,
            ctx.scheduler.schedule(this.afterMs, () => {
              if (!scheduled.delete(key)) return;
              downOrAddPending(node);
            }),
          );
          return;
        }
        case "reachableMember":
        case "memberRemoved":
          forget(nodeKey(e.member.node));
          return;
        case "leaderChanged":
          leader = e.leader !== null && nodeKey(e.leader) === nodeKey(ctx.self);
          if (leader) {
            const nodes = [...pending.values()];
            pending.clear();
            for (const n of nodes) down(n);
          }
          return;
        default:
          return;
      }
    });
    return {
      stop: () => {
        unsubscribe();
        for (const t of scheduled.values()) t.cancel();
        scheduled.clear();
      },
    };
  }
}

/**
 * No downing at all: unreachable members stay members forever, so the leader never reaches
 * convergence again, nobody is removed, and nothing fails over until a human downs the node or
 * it comes back. Safe, and unavailable. Akka's default.
 *
 * @example Without downing, a crashed node is never replaced
 * ```ts
 * const sim = new ClusterSimulation({ seed: 1, nodes: 3, downing: new NoDowning() });
 * sim.runFor(15_000);
 * sim.crash("node-3");
 * sim.runFor(600_000);
 * failoverTimes(sim.trace.records)[0]?.failoverMs; // undefined: never
 * ```
 */
export class NoDowning implements DowningProvider {
  readonly name = "none";

  start(): DowningAgent {
    return { stop: () => {} };
  }
}
