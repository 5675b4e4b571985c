import { keepMajority } from "@lab/downing";
import {
  key,
  member,
  partitionFor,
  partitionProblem,
  runPartition,
  runSharded,
  shardedProblem,
  viewFrom,
} from "@lab/scenario";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** Cluster runs take seconds on a busy machine; the lab's whole-run limit still applies. */
const CLUSTER_TEST_MS = 30_000;

const five = [1, 2, 3, 4, 5].map((n) => member(n));

/** The first `count` seeds from 1 whose partition has sides of different sizes. */
const unevenSeeds = (count: number) => {
  const seeds: number[] = [];
  for (let seed = 1; seeds.length < count; seed++) {
    const { sideA, sideB } = partitionFor(seed);
    if (sideA.length !== sideB.length) seeds.push(seed);
  }
  return seeds;
};

/** Fails with the first problem (and how many seeds had one), or passes when there is none. */
function expectNoProblem(problems: readonly (string | undefined)[]) {
  const found = problems.filter((p): p is string => p !== undefined);
  const more = found.length > 1 ? ` (and ${found.length - 1} more seeds)` : "";
  expect(found.length === 0, `${found[0]}${more}`).toBe(true);
}

describe("2. Keep the majority", () => {
  it("five nodes cut 3 | 2: the three down the other two, the two down themselves", () => {
    expect(keepMajority(viewFrom(1, five, [4, 5]))).toEqual({ kind: "down-unreachable" });
    expect(keepMajority(viewFrom(4, five, [1, 2, 3]))).toEqual({ kind: "down-reachable" });
  });

  it("one crashed node out of five is downed by the other four", () => {
    expect(keepMajority(viewFrom(2, five, [3]))).toEqual({ kind: "down-unreachable" });
  });

  it("members already down do not count: 2 | 1 of the three that are left keeps the two", () => {
    const members = [member(1), member(2), member(3), member(4, "down"), member(5, "down")];
    expect(keepMajority(viewFrom(3, members, [1, 2, 4, 5]))).toEqual({ kind: "down-reachable" });
    expect(keepMajority(viewFrom(1, members, [3, 4, 5]))).toEqual({ kind: "down-unreachable" });
  });

  it("for any uneven cut, seen from both sides, exactly one side stays: the bigger one", () => {
    const cut = fc
      .array(fc.boolean(), { minLength: 2, maxLength: 9 })
      .filter((inA) => inA.some((x) => x) && inA.some((x) => !x))
      .filter((inA) => inA.filter((x) => x).length * 2 !== inA.length);
    fc.assert(
      fc.property(cut, (inA) => {
        const members = inA.map((_, i) => member(i + 1));
        const a = inA.flatMap((x, i) => (x ? [i + 1] : []));
        const b = inA.flatMap((x, i) => (x ? [] : [i + 1]));
        const fromA = keepMajority(viewFrom(a[0] as number, members, b));
        const fromB = keepMajority(viewFrom(b[0] as number, members, a));
        const aStays = a.length > b.length;
        expect(fromA, `side A ${a.map(key)}`).toEqual({
          kind: aStays ? "down-unreachable" : "down-reachable",
        });
        expect(fromB, `side B ${b.map(key)}`).toEqual({
          kind: aStays ? "down-reachable" : "down-unreachable",
        });
      }),
      { seed: 2_002, numRuns: 200, includeErrorInReport: true },
    );
  });

  it(
    "random partitions of a running cluster: the bigger side stays up and takes over, the smaller one downs itself",
    () => {
      expectNoProblem(
        unevenSeeds(12).map((seed) => {
          const run = runPartition(seed, keepMajority);
          const keep = run.partition.sideA.length > run.partition.sideB.length ? "a" : "b";
          return partitionProblem(run, keep, "it is the majority");
        }),
      );
    },
    CLUSTER_TEST_MS,
  );

  it(
    "sharded counters under random partitions: never two copies of an entity, and the majority still reaches every one",
    async () => {
      const problems: (string | undefined)[] = [];
      for (const seed of unevenSeeds(3)) {
        const { sideA, sideB } = partitionFor(seed);
        const keep = sideA.length > sideB.length ? "a" : "b";
        problems.push(shardedProblem(await runSharded(seed, keepMajority, keep), keep));
      }
      expectNoProblem(problems);
    },
    CLUSTER_TEST_MS,
  );
});
