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

/** The first `count` seeds from 1 whose partition cuts the cluster into two equal halves. */
const tieSeeds = (count: number) => {
  const seeds: number[] = [];
  for (let seed = 1; seeds.length < count; seed++) {
    const { sideA, sideB } = partitionFor(seed);
    if (sideA.length === sideB.length) seeds.push(seed);
  }
  return seeds;
};

/** The side holding the lowest address stays; `partitionFor` lists each side in address order. */
const lowestSide = (seed: number) => {
  const { sideA, sideB } = partitionFor(seed);
  return Number(sideA[0]?.slice(5)) < Number(sideB[0]?.slice(5)) ? "a" : "b";
};

function expectNoProblem(problems: readonly (string | undefined)[]) {
  const found = problems.filter((p): p is string => p !== undefined);
  const more = found.length > 1 ? ` (and ${found.length - 1} more seeds)` : "";
  expect(found.length === 0, `${found[0]}${more}`).toBe(true);
}

describe("3. A tie: the lowest address decides", () => {
  it("four nodes cut 2 | 2: the side with node-1 stays, the other downs itself", () => {
    const four = [1, 2, 3, 4].map((n) => member(n));
    expect(keepMajority(viewFrom(1, four, [2, 4]))).toEqual({ kind: "down-unreachable" });
    expect(keepMajority(viewFrom(2, four, [1, 3]))).toEqual({ kind: "down-reachable" });
  });

  it("addresses compare as the cluster orders them: node-2 is lower than node-10", () => {
    const members = [2, 3, 10, 11].map((n) => member(n));
    expect(keepMajority(viewFrom(2, members, [3, 10]))).toEqual({ kind: "down-unreachable" });
    expect(keepMajority(viewFrom(10, members, [2, 11]))).toEqual({ kind: "down-reachable" });
  });

  it("a lowest address that is already down does not decide: the lowest member that counts does", () => {
    const members = [member(1, "down"), member(2), member(3), member(4), member(5)];
    expect(keepMajority(viewFrom(3, members, [1, 2, 4]))).toEqual({ kind: "down-reachable" });
    expect(keepMajority(viewFrom(2, members, [1, 3, 5]))).toEqual({ kind: "down-unreachable" });
  });

  it("for any even cut, seen from both sides, exactly one side stays: the one with the lowest address", () => {
    const cut = fc
      .shuffledSubarray([1, 2, 3, 4, 5, 6, 7, 8], { minLength: 2, maxLength: 8 })
      .filter((ns) => ns.length % 2 === 0)
      .chain((ns) =>
        fc
          .shuffledSubarray(ns, { minLength: ns.length / 2, maxLength: ns.length / 2 })
          .map((a) => ({ all: ns, a: [...a].sort((x, y) => x - y) })),
      );
    fc.assert(
      fc.property(cut, ({ all, a }) => {
        const b = all.filter((n) => !a.includes(n)).sort((x, y) => x - y);
        const members = all.map((n) => member(n));
        const aStays = Math.min(...a) < Math.min(...b);
        expect(keepMajority(viewFrom(a[0] as number, members, b)), `side A ${a.map(key)}`).toEqual({
          kind: aStays ? "down-unreachable" : "down-reachable",
        });
        expect(keepMajority(viewFrom(b[0] as number, members, a)), `side B ${b.map(key)}`).toEqual({
          kind: aStays ? "down-reachable" : "down-unreachable",
        });
      }),
      { seed: 3_003, numRuns: 200, includeErrorInReport: true },
    );
  });

  it(
    "random even partitions of a running cluster: exactly one half stays up, the one with the lowest address",
    () => {
      expectNoProblem(
        tieSeeds(8).map((seed) =>
          partitionProblem(
            runPartition(seed, keepMajority),
            lowestSide(seed),
            "the sides are equal and it holds the lowest address",
          ),
        ),
      );
    },
    CLUSTER_TEST_MS,
  );

  it(
    "sharded counters cut in two equal halves: never two copies of an entity, and the surviving half reaches every one",
    async () => {
      const problems: (string | undefined)[] = [];
      for (const seed of tieSeeds(2)) {
        const keep = lowestSide(seed);
        problems.push(shardedProblem(await runSharded(seed, keepMajority, keep), keep));
      }
      expectNoProblem(problems);
    },
    CLUSTER_TEST_MS,
  );
});
