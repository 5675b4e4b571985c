import "./runner/lockdown";
import * as runtime from "@runtime";
import { describe, expect, it } from "vitest";
import { readLabFiles } from "./lab-files.node";
import { type LabTrace, replayTrace } from "./runner/trace";
import { parseTraceMarkers, traceMarker } from "./trace-marker";
import { buildTimeline } from "./trace-timeline";

const files = () => readLabFiles("sharding-crash", "solution");
const replay = (seed: number, fileSet = files()) =>
  replayTrace({ files: fileSet, runtime, file: "cluster.ts", exportName: "traceSeed", seed });

describe("trace markers", () => {
  it("parses every well-formed marker and ignores look-alikes", () => {
    const text = `seed 7 ${traceMarker(7, "split-brain")} and [trace seed=x lab=a] ${traceMarker(-2, "sharding-crash")}`;
    expect(parseTraceMarkers(text).map(({ seed, lab }) => ({ seed, lab }))).toEqual([
      { seed: 7, lab: "split-brain" },
      { seed: -2, lab: "sharding-crash" },
    ]);
    expect(parseTraceMarkers("no marker here")).toEqual([]);
  });
});

describe("replaying a seed for the trace view", () => {
  it("is deterministic: the same seed gives the same records", async () => {
    const a = await replay(5);
    const b = await replay(5);
    expect(a.cluster.length).toBeGreaterThan(20);
    expect(a.sharding.length).toBeGreaterThan(50);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("draws the crash: one incarnation ends crashed, and its shards and carts reappear on the others", async () => {
    const trace: LabTrace = await replay(1);
    const timeline = buildTimeline(trace.cluster, trace.sharding);
    expect(timeline.nodes.map((n) => n.address)).toEqual(["node-1", "node-2", "node-3"]);
    const crashed = timeline.nodes.filter((n) => n.incarnations.some((i) => i.end === "crashed"));
    expect(crashed).toHaveLength(1);
    const victim = crashed[0]?.address as string;
    const crashedAt = crashed[0]?.incarnations.find((i) => i.end === "crashed")?.to as number;
    const after = timeline.events.filter((e) => e.at > crashedAt && e.node !== victim);
    expect(after.some((e) => e.kind === "downing" && e.text.includes(victim))).toBe(true);
    expect(after.some((e) => e.kind === "shard" && e.text.includes("allocated"))).toBe(true);
    expect(after.some((e) => e.kind === "entity" && e.text.includes("started"))).toBe(true);
    // Membership is deduplicated: one "down" sighting of the victim, not one per observer.
    expect(
      timeline.events.filter((e) => e.node === victim && e.text.startsWith("member down")),
    ).toHaveLength(1);
  });

  it("names a missing export instead of failing later", async () => {
    await expect(
      replayTrace({ files: files(), runtime, file: "cluster.ts", exportName: "nope", seed: 1 }),
    ).rejects.toThrow("cluster.ts does not export a function named nope");
  });
});
