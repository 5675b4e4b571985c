import { describe, expect, it } from "vitest";
import { Network, type NetworkEvent } from "./network";
import { SeededRandom } from "./random";
import { VirtualScheduler } from "./virtual-scheduler";

function setup(seed = 1, options = {}) {
  const scheduler = new VirtualScheduler();
  const net = new Network<number>(scheduler, new SeededRandom(seed), options);
  const inbox = new Map<string, { from: string; msg: number; at: number }[]>();
  for (const a of ["a", "b", "c"]) {
    inbox.set(a, []);
    net.connect(a, (from, msg) => inbox.get(a)?.push({ from, msg, at: scheduler.now() }));
  }
  const got = (a: string) => inbox.get(a)?.map((m) => m.msg) ?? [];
  return { scheduler, net, inbox, got };
}

describe("Network", () => {
  it("delivers after the base latency plus jitter, never before", () => {
    const { scheduler, net, inbox } = setup(1, { latencyMs: 10, jitterMs: 5 });
    net.send("a", "b", 1);
    scheduler.advanceBySync(9);
    expect(inbox.get("b")).toEqual([]);
    scheduler.advanceBySync(10);
    const [m] = inbox.get("b") ?? [];
    expect(m?.from).toBe("a");
    expect(m?.at).toBeGreaterThanOrEqual(10);
    expect(m?.at).toBeLessThanOrEqual(15);
  });

  it("keeps each link FIFO by default, even with heavy jitter", () => {
    const { scheduler, net, got } = setup(3, { latencyMs: 1, jitterMs: 500 });
    for (let i = 0; i < 200; i++) net.send("a", "b", i);
    scheduler.advanceBySync(10_000);
    expect(got("b")).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("reorders messages on a link marked reorder", () => {
    const { scheduler, net, got } = setup(3, { latencyMs: 1 });
    net.setLink("a", "b", { jitterMs: 500, reorder: true });
    for (let i = 0; i < 200; i++) net.send("a", "b", i);
    scheduler.advanceBySync(10_000);
    const received = got("b");
    expect([...received].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(received).not.toEqual([...received].sort((x, y) => x - y));
  });

  it("drops about the configured fraction on a lossy link, and only there", () => {
    const { scheduler, net, got } = setup(5);
    net.setLink("a", "b", { dropRate: 0.3 });
    for (let i = 0; i < 2000; i++) {
      net.send("a", "b", i);
      net.send("a", "c", i);
    }
    scheduler.advanceBySync(1000);
    expect(got("b").length).toBeGreaterThan(2000 * 0.65);
    expect(got("b").length).toBeLessThan(2000 * 0.75);
    expect(got("c").length).toBe(2000);
    expect(net.stats.dropped).toBe(4000 - got("b").length - got("c").length);
  });

  it("adds a link's delay in one direction only", () => {
    const { scheduler, net, inbox } = setup(1, { latencyMs: 2, jitterMs: 0 });
    net.setLink("a", "b", { delayMs: 1000 });
    net.send("a", "b", 1);
    net.send("b", "a", 2);
    scheduler.advanceBySync(5);
    expect(inbox.get("a")?.map((m) => m.at)).toEqual([2]);
    expect(inbox.get("b")).toEqual([]);
    scheduler.advanceBySync(1000);
    expect(inbox.get("b")?.map((m) => m.at)).toEqual([1002]);
  });

  it("two-way partitions stop both directions until healed", () => {
    const { scheduler, net, got } = setup();
    const p = net.partition(["a"], ["b", "c"]);
    expect(net.send("a", "b", 1)).toBe(false);
    expect(net.send("c", "a", 2)).toBe(false);
    net.send("b", "c", 3);
    scheduler.advanceBySync(100);
    expect(got("b")).toEqual([]);
    expect(got("a")).toEqual([]);
    expect(got("c")).toEqual([3]);
    net.heal(p);
    net.send("a", "b", 4);
    scheduler.advanceBySync(100);
    expect(got("b")).toEqual([4]);
  });

  it("one-way partitions only stop side A's messages to side B", () => {
    const { scheduler, net, got } = setup();
    net.partition(["a"], ["b"], { direction: "a-to-b" });
    net.send("a", "b", 1);
    net.send("b", "a", 2);
    scheduler.advanceBySync(100);
    expect(got("b")).toEqual([]);
    expect(got("a")).toEqual([2]);
    expect(net.isBlocked("a", "b")).toBe(true);
    expect(net.isBlocked("b", "a")).toBe(false);
  });

  it("loses messages in flight when a partition starts or the receiver disconnects", () => {
    const { scheduler, net, got } = setup(1, { latencyMs: 50 });
    net.send("a", "b", 1);
    net.send("a", "c", 2);
    scheduler.advanceBySync(10);
    net.partition(["a"], ["b"]);
    net.disconnect("c");
    scheduler.advanceBySync(100);
    expect(got("b")).toEqual([]);
    expect(got("c")).toEqual([]);
    expect(net.stats).toEqual({ sent: 2, delivered: 0, dropped: 2 });
  });

  it("reports partitions, heals and link changes to subscribers", () => {
    const { net } = setup();
    const events: NetworkEvent[] = [];
    net.subscribe((e) => events.push(e));
    const id = net.partition(["a"], ["b"]);
    net.setLink("a", "c", { delayMs: 5 });
    net.heal(id);
    net.clearLinks();
    expect(events.map((e) => e.type)).toEqual(["partition", "link", "heal", "link"]);
  });

  it("names the bad field in its errors", () => {
    const { net } = setup();
    expect(() => net.setLink("a", "b", { dropRate: 2 })).toThrow(
      /a->b: dropRate must be in \[0, 1\]/,
    );
    expect(() => net.partition(["a"], ["a"])).toThrow(/"a" is on both sides/);
    expect(() => setup(1, { latencyMs: -1 })).toThrow(/NetworkOptions.latencyMs/);
  });

  it("is a pure function of its seed", () => {
    const trace = (seed: number) => {
      const { scheduler, net, inbox } = setup(seed, { jitterMs: 100 });
      net.setLink("a", "b", { dropRate: 0.2, reorder: true, jitterMs: 300 });
      for (let i = 0; i < 100; i++) net.send("a", "b", i);
      scheduler.advanceBySync(5000);
      return inbox.get("b");
    };
    expect(trace(11)).toEqual(trace(11));
    expect(trace(11)).not.toEqual(trace(12));
  });
});
