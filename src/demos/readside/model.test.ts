import { describe, expect, it } from "vitest";
import { GOSSIP_MS, ReadSideModel, type ReadSideView } from "./model";

async function run(commands: unknown[]): Promise<ReadSideView> {
  const model = new ReadSideModel();
  let view = model.view();
  for (const command of commands) view = await model.apply(command);
  return view;
}

const RESERVE = { type: "reserve" };
const TICK = { type: "tick" };
const ticks = (n: number) => Array.from({ length: n }, () => TICK);

describe("replicated read side (Distributed Data, LWWMap, write-local and gossip)", () => {
  it("the writer's node has the write at once; the others lag until gossip carries it", async () => {
    const now = await run([RESERVE]);
    expect(now.written).toBe(3);
    expect(now.replicas).toEqual({ "node-1": 3, "node-2": null, "node-3": null });
    expect(now.converged).toBe(false);
    const later = await run([RESERVE, ...ticks((2 * GOSSIP_MS) / 1_000 + 1)]);
    expect(later.replicas).toEqual({ "node-1": 3, "node-2": 3, "node-3": 3 });
    expect(later.converged).toBe(true);
  });

  it("a node cut off keeps its stale copy; after healing every copy converges on the writer's", async () => {
    const cut = await run([RESERVE, ...ticks(5), { type: "cut" }, RESERVE, RESERVE, ...ticks(10)]);
    expect(cut.written).toBe(9);
    expect(cut.replicas["node-2"]).toBe(9);
    expect(cut.replicas["node-3"]).toBe(3);
    expect(cut.partitioned).toBe(true);
    const healed = await run([
      RESERVE,
      ...ticks(5),
      { type: "cut" },
      RESERVE,
      RESERVE,
      ...ticks(10),
      { type: "heal" },
      ...ticks(6),
    ]);
    expect(healed.replicas).toEqual({ "node-1": 9, "node-2": 9, "node-3": 9 });
    expect(healed.converged).toBe(true);
  });

  it("two runs of one log give equal views; the pool refuses more than its capacity", async () => {
    const log = [RESERVE, ...ticks(3), RESERVE, { type: "cut" }, ...ticks(2)];
    expect(await run(log)).toEqual(await run(log));
    const full = await run(Array.from({ length: 8 }, () => RESERVE));
    expect(full.written).toBe(18);
    expect(full.said).toMatch(/full/);
    await expect(run([{ type: "write" }])).rejects.toThrow(/read-side/);
  });
});
