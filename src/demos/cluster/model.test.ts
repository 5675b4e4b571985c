import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BadCommand } from "../model";
import { ClusterModel, type ClusterView } from "./model";
import { NODES } from "./names";

async function run(commands: unknown[], downing = "keep-majority"): Promise<ClusterView> {
  const model = new ClusterModel({ entity: "pool", downing });
  for (const command of commands) await model.apply(command);
  return model.view();
}

const advance = (ms: number) => ({ type: "advance", ms });
const node = (view: ClusterView, address: string) => {
  const found = view.nodes.find((n) => n.address === address);
  if (!found) throw new Error(`no ${address} in the view`);
  return found;
};

describe("cluster demo model", () => {
  it("starts formed: three nodes up, one coordinator; shards are placed on first use", async () => {
    const model = new ClusterModel({ entity: "pool" });
    const view = await model.view();
    expect(view.now).toBe(0);
    expect(view.nodes.map((n) => [n.address, n.status])).toEqual(NODES.map((a) => [a, "up"]));
    expect(view.nodes.filter((n) => n.coordinator)).toHaveLength(1);
    expect(view.entities.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `pool-${i}`));
    expect(view.nodes.flatMap((n) => n.shards)).toEqual([]);
    const after = await model.apply(advance(1_000));
    expect(after.nodes.every((n) => n.shards.length > 0)).toBe(true);
    expect(after.entities.every((e) => e.homes.length === 1 && e.total === 1)).toBe(true);
  });

  it("the same log gives the same view", async () => {
    const log = [
      advance(3_000),
      { type: "crash", node: "node-2" },
      advance(10_000),
      { type: "partition", node: "node-3" },
      advance(5_000),
      { type: "heal" },
      { type: "restart", node: "node-2" },
      advance(4_000),
    ];
    expect(JSON.stringify(await run(log))).toBe(JSON.stringify(await run(log)));
  });

  it("any log gives the same view twice (property)", async () => {
    const command = fc.oneof(
      fc.constantFrom(1_000, 5_000).map(advance),
      fc.record({
        type: fc.constantFrom("crash", "restart", "partition"),
        node: fc.constantFrom(...NODES),
      }),
      fc.constant({ type: "heal" }),
      fc.record({ type: fc.constant("traffic"), on: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 6 }), async (log) => {
        expect(JSON.stringify(await run(log, "auto-down"))).toBe(
          JSON.stringify(await run(log, "auto-down")),
        );
      }),
      { numRuns: 6 },
    );
  });

  it("with the resolver, a crashed node is downed, its shards move and its entities answer again", async () => {
    const model = new ClusterModel({ entity: "pool" });
    let view = await model.apply(advance(3_000));
    const victim = node(view, "node-3");
    expect(victim.shards.length).toBeGreaterThan(0);
    const lost = victim.entities;
    expect(lost.length).toBeGreaterThan(0);
    await model.apply({ type: "crash", node: "node-3" });
    view = await model.apply(advance(8_000));
    // Detected but not yet downed: its entities do not answer.
    for (const id of lost) {
      const entity = view.entities.find((e) => e.id === id);
      expect(entity?.homes).toEqual([]);
      expect(entity?.outages.at(-1)?.to).toBeNull();
    }
    view = await model.apply(advance(60_000));
    expect(node(view, "node-3").running).toBe(false);
    for (const address of ["node-1", "node-2"])
      expect(node(view, address).peers.find((p) => p.address === "node-3")?.status).toBeNull();
    expect(view.lines.some((l) => /keep-majority.*downs node-3/.test(l.text))).toBe(true);
    const shards = [...node(view, "node-1").shards, ...node(view, "node-2").shards];
    for (const shard of victim.shards) expect(shards).toContain(shard);
    for (const id of lost) {
      const entity = view.entities.find((e) => e.id === id);
      expect(entity?.homes.length).toBe(1);
      expect(entity?.homes[0]).not.toBe("node-3");
      const outage = entity?.outages.at(-1);
      // The window opened with the crash and closed after failover.
      expect(outage?.from).toBeGreaterThanOrEqual(3_000);
      expect(outage?.to).not.toBeNull();
      expect((outage?.to ?? 0) - (outage?.from ?? 0)).toBeGreaterThan(10_000);
    }
    expect(view.entities.every((e) => e.outages.every((o) => o.to !== null))).toBe(true);
    expect(view.splitBrain).toEqual([]);
    expect(view.doubleRuns).toEqual([]);
  });

  it("a partition with auto-down makes a split brain: both sides run an entity", async () => {
    const view = await run(
      [advance(3_000), { type: "partition", node: "node-1" }, advance(30_000)],
      "auto-down",
    );
    expect(view.splitBrain.length).toBeGreaterThan(0);
    expect(view.doubleRuns.some((d) => d.startsWith("entity pool-"))).toBe(true);
    expect(view.doubleRuns.some((d) => d.startsWith("journal conflict"))).toBe(true);
    expect(node(view, "node-1").running && node(view, "node-2").running).toBe(true);
    // Each side thinks it is the cluster.
    expect(node(view, "node-1").peers.every((p) => p.status === null)).toBe(true);
    expect(node(view, "node-2").peers.find((p) => p.address === "node-1")?.status).toBeNull();
  });

  it("the same partition with the resolver keeps one side: no split brain", async () => {
    const view = await run([
      advance(3_000),
      { type: "partition", node: "node-1" },
      advance(60_000),
    ]);
    expect(view.splitBrain).toEqual([]);
    expect(view.doubleRuns).toEqual([]);
    expect(node(view, "node-1").running).toBe(false);
    expect(view.lines.some((l) => l.text.startsWith("node-1 shut itself down"))).toBe(true);
    expect(view.entities.every((e) => e.homes.length === 1 && e.homes[0] !== "node-1")).toBe(true);
  });

  it("with no downing a partition is never resolved: some entities stay unavailable", async () => {
    const view = await run(
      [advance(3_000), { type: "partition", node: "node-1" }, advance(40_000)],
      "none",
    );
    expect(view.splitBrain).toEqual([]);
    expect(view.doubleRuns).toEqual([]);
    expect(view.nodes.every((n) => n.running && n.status === "up")).toBe(true);
    expect(node(view, "node-2").peers.find((p) => p.address === "node-1")?.reachable).toBe(false);
    const open = view.entities.filter((e) => e.outages.some((o) => o.to === null));
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((e) => view.now - (e.outages.at(-1)?.from ?? 0) > 30_000)).toBe(true);
  });

  it("names what is wrong with a bad command and keeps going", async () => {
    const model = new ClusterModel();
    await expect(model.apply({ type: "crash", node: "node-9" })).rejects.toThrow(
      /node must be one of node-1/,
    );
    await expect(model.apply({ type: "advance", ms: 10 })).rejects.toThrow(BadCommand);
    await expect(model.apply({ type: "downing", mode: "yolo" })).rejects.toThrow(/mode must be/);
    await expect(model.apply({ type: "traffic", on: "yes" })).rejects.toThrow(/on must be/);
    const view = await model.apply(advance(1_000));
    expect(view.now).toBe(1_000);
    expect(view.entities[0]?.id).toBe("entity-1");
  });
});
