import { describe, expect, it } from "vitest";
import { VirtualScheduler } from "../../sim/virtual-scheduler";
import { nodeKey } from "../membership/member";
import { checkSplitBrain } from "../simulation/checkers";
import { ClusterSimulation } from "../simulation/simulation";
import { SplitBrainResolver } from "./split-brain-resolver";
import { type CustomStrategy, type Decision, decide, type ResolverView } from "./strategy";

/** A hand-written keep-majority without the tie-break: enough to drive a clean 3 | 2 split. */
const biggerSideStays = (view: ResolverView): Decision =>
  view.unreachable.size * 2 < view.members.length
    ? { kind: "down-unreachable" }
    : { kind: "down-reachable" };

function partitioned(
  strategy: CustomStrategy,
  scheduler = new VirtualScheduler(),
  downAllWhenUnstable: "on" | "off" = "on",
) {
  const sim = new ClusterSimulation({
    seed: 11,
    scheduler,
    nodes: 5,
    downing: new SplitBrainResolver({ strategy, stableAfterMs: 7_000, downAllWhenUnstable }),
  });
  sim.runFor(15_000);
  sim.partition(["node-1", "node-2", "node-3"], ["node-4", "node-5"]);
  sim.runFor(60_000);
  return sim;
}

describe("a custom strategy drives the split-brain resolver", () => {
  it("its decisions down the minority, after stable-after, from the leader of each side", () => {
    const seen: { self: string; unreachable: string[]; at: number }[] = [];
    const scheduler = new VirtualScheduler();
    const strategy: CustomStrategy = {
      kind: "custom",
      name: "bigger-side",
      decide: (view) => {
        seen.push({
          self: view.self.split("#")[0] as string,
          unreachable: [...view.unreachable].map((k) => k.split("#")[0] as string).sort(),
          at: scheduler.now(),
        });
        return biggerSideStays(view);
      },
    };
    const sim = partitioned(strategy, scheduler);
    expect(sim.nodes().map((n) => n.address)).toEqual(["node-1", "node-2", "node-3"]);
    expect(checkSplitBrain(sim.trace.records)).toEqual([]);
    // Asked on both sides, by one node each, never before stable-after (7 s) from the partition.
    expect(new Set(seen.map((s) => s.self))).toEqual(new Set(["node-1", "node-4"]));
    expect(seen.every((s) => s.at >= 15_000 + 7_000)).toBe(true);
    const decisions = sim.trace.records.filter((r) => r.type === "downingDecision");
    expect(decisions.map((r) => [r.node.address, r.provider, r.decision])).toEqual([
      ["node-1", "split-brain-resolver:bigger-side", "down-unreachable"],
      ["node-4", "split-brain-resolver:bigger-side", "down-reachable"],
    ]);
  });

  it("undefined means no decision yet: the resolver asks again on later ticks and downs nobody", () => {
    let asked = 0;
    const undecided: CustomStrategy = {
      kind: "custom",
      name: "undecided",
      decide: () => {
        asked++;
        return undefined;
      },
    };
    const sim = partitioned(undecided, new VirtualScheduler(), "off");
    expect(asked).toBeGreaterThan(10);
    expect(sim.nodes()).toHaveLength(5);
    expect(sim.trace.records.filter((r) => r.type === "downingDecision")).toEqual([]);
    // With the safety net on, an unresolved partition ends in down-all-when-unstable.
    const guarded = partitioned(undecided);
    expect(guarded.nodes()).toEqual([]);
    const reasons = guarded.trace.records.flatMap((r) =>
      r.type === "downingDecision" ? [r.decision] : [],
    );
    expect(new Set(reasons)).toEqual(new Set(["down-all-when-unstable"]));
  });

  it("answers the same as the built-in strategy when it calls it", () => {
    const sim = partitioned({
      kind: "custom",
      name: "delegating",
      decide: (view) => decide({ kind: "keep-majority" }, view),
    });
    expect(sim.nodes().map((n) => nodeKey(n.self).split("#")[0])).toEqual([
      "node-1",
      "node-2",
      "node-3",
    ]);
  });

  it("a malformed answer is refused with the strategy's name and the answer", () => {
    const strategy = {
      kind: "custom",
      name: "sloppy",
      decide: () => ({ kind: "down-the-others" }) as unknown as Decision,
    } as const;
    const view: ResolverView = {
      self: "node-1#1",
      members: [],
      unreachable: new Set(),
      records: [],
      seenBy: new Set(),
    };
    expect(() => decide(strategy, view)).toThrow(
      /custom strategy "sloppy" returned \{"kind":"down-the-others"\}; expected undefined or a Decision/,
    );
    expect(
      () => new SplitBrainResolver({ strategy: { ...strategy, name: "" }, stableAfterMs: 7_000 }),
    ).toThrow(/needs a name/);
  });
});
