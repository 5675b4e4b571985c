import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/random";
import { clusterAddresses, knownAddress, UidAllocator } from "./node-addresses";

describe("node addresses", () => {
  it("a count names node-1 … node-n; a list is taken as given, and must be non-empty and unique", () => {
    expect(clusterAddresses(3, "opts.nodes")).toEqual(["node-1", "node-2", "node-3"]);
    expect(clusterAddresses(["b", "a"], "opts.nodes")).toEqual(["b", "a"]);
    expect(() => clusterAddresses(0, "opts.nodes")).toThrow("opts.nodes: need at least one node");
    expect(() => clusterAddresses(["a", "a"], "opts.nodes")).toThrow(
      "opts.nodes: duplicate address in a, a",
    );
  });

  it("an unknown address is refused, naming the owner and the known addresses", () => {
    expect(knownAddress(["a", "b"], "b", "Sim")).toBe("b");
    expect(() => knownAddress(["a", "b"], "c", "Sim")).toThrow(
      'Sim: unknown node address "c" (known: a, b)',
    );
  });

  it("never hands out a UID twice, even when the random source repeats itself", () => {
    const draws = [7, 7, 9, 7, 9, 11];
    const random = new SeededRandom(1);
    random.int = () => draws.shift() ?? 0;
    const uids = new UidAllocator(random);
    expect([uids.next(), uids.next(), uids.next()]).toEqual([7, 9, 11]);
  });
});
