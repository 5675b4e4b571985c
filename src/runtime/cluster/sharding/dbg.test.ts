import { it } from "vitest";
import { SimulatedLease } from "../downing/lease";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import type { StrategyConfig } from "../downing/strategy";
import { runShardingSeed } from "./seeded-run";
const STRATEGIES: StrategyConfig[] = [{ kind: "keep-majority" }, { kind: "keep-oldest" }, { kind: "static-quorum", quorumSize: 2 }, { kind: "down-all" }, { kind: "lease-majority" }];
it("dbg", async () => {
  const seed = Number(process.env.SEED);
  const strategy = STRATEGIES[seed % 5] as StrategyConfig;
  const run = await runShardingSeed(seed, { nodes: 3, entities: 6, durationMs: 60_000, settleMs: 15_000, commandIntervalMs: 2_000,
    downing: (s) => new SplitBrainResolver({ strategy, stableAfterMs: 5_000, ...(strategy.kind === "lease-majority" ? { lease: new SimulatedLease(s) } : {}) }), faults: { leaves: true } });
  console.log(strategy.kind, JSON.stringify(run.violations));
  console.log(JSON.stringify(run.faults));
  const t = run.violations[0]?.at ?? 0;
  const recs = [...run.sim.trace.records.map(r => ({...r, src: "c"})), ...run.sharding.trace.records.filter(r => r.type.startsWith("singleton") || r.type.startsWith("coordinator") || (process.env.ALL && !r.type.startsWith("journal"))).map(r => ({...r, src: "s"}))]
    .filter(r => r.at < t + 100 && r.at > t - Number(process.env.WINDOW ?? 15000) && r.type !== "reachability").sort((a, b) => a.at - b.at);
  for (const r of recs) console.log(JSON.stringify(r).replace(/"uid":(\d+)/g, (m, u) => "#" + String(u).slice(0, 3)).replace(/"address":/g, ""));
});
