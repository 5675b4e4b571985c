import { staticQuorum } from "@lab/downing";
import {
  member,
  partitionFor,
  partitionProblem,
  runPartition,
  runSharded,
  shardedProblem,
  viewFrom,
} from "@lab/scenario";
import { describe, expect, it } from "vitest";

/** Cluster runs take seconds on a busy machine; the lab's whole-run limit still applies. */
const CLUSTER_TEST_MS = 30_000;

const five = [1, 2, 3, 4, 5].map((n) => member(n));

/** A quorum that is a majority of the cluster `partitionFor(seed)` starts with. */
const quorumFor = (seed: number) => Math.floor(partitionFor(seed).nodes.length / 2) + 1;

/** The first `count` seeds whose partition leaves one side with the quorum. */
const quorumSeeds = (count: number) => {
  const seeds: number[] = [];
  for (let seed = 1; seeds.length < count; seed++) {
    const { sideA, sideB } = partitionFor(seed);
    if (Math.max(sideA.length, sideB.length) >= quorumFor(seed)) seeds.push(seed);
  }
  return seeds;
};

function expectNoProblem(problems: readonly (string | undefined)[]) {
  const found = problems.filter((p): p is string => p !== undefined);
  const more = found.length > 1 ? ` (and ${found.length - 1} more seeds)` : "";
  expect(found.length === 0, `${found[0]}${more}`).toBe(true);
}

describe("4. Static quorum", () => {
  it("quorum 3 of five, cut 3 | 2: the three reach the quorum and stay, the two down themselves", () => {
    const quorum3 = staticQuorum(3);
    expect(quorum3(viewFrom(1, five, [4, 5]))).toEqual({ kind: "down-unreachable" });
    expect(quorum3(viewFrom(4, five, [1, 2, 3]))).toEqual({ kind: "down-reachable" });
  });

  it("the quorum is fixed: once nodes are down, a 2 | 2 or a 2 | 1 cut leaves no side with three, so both stop", () => {
    const members = [member(1), member(2), member(3), member(4), member(5, "down")];
    const quorum3 = staticQuorum(3);
    expect(quorum3(viewFrom(1, members, [3, 4, 5]))).toEqual({ kind: "down-reachable" });
    expect(quorum3(viewFrom(3, members, [1, 2, 5]))).toEqual({ kind: "down-reachable" });
    // Two of five down, cut 2 | 1: keep-majority would keep the two; the quorum keeps nobody.
    const shrunk = [member(1), member(2), member(3), member(4, "down"), member(5, "down")];
    expect(quorum3(viewFrom(1, shrunk, [3, 4, 5]))).toEqual({ kind: "down-reachable" });
    expect(quorum3(viewFrom(3, shrunk, [1, 2, 4, 5]))).toEqual({ kind: "down-reachable" });
  });

  it("it is not keep-majority: quorum 2 of three keeps a side of two even without node-1", () => {
    const three = [1, 2, 3].map((n) => member(n));
    expect(staticQuorum(2)(viewFrom(2, three, [1]))).toEqual({ kind: "down-unreachable" });
    expect(staticQuorum(2)(viewFrom(1, three, [2, 3]))).toEqual({ kind: "down-reachable" });
  });

  it("a cluster that grew past 2 × quorum − 1 could have two quorums: everyone goes down", () => {
    const six = [1, 2, 3, 4, 5, 6].map((n) => member(n));
    expect(staticQuorum(3)(viewFrom(1, six, [4, 5, 6]))).toEqual({ kind: "down-all" });
    expect(staticQuorum(3)(viewFrom(1, six, [6]))).toEqual({ kind: "down-all" });
  });

  it(
    "random partitions of a running cluster with a majority quorum: the side with the quorum stays; with none, both stop",
    () => {
      const problems: (string | undefined)[] = [];
      for (let seed = 1; seed <= 12; seed++) {
        const quorum = quorumFor(seed);
        const { sideA, sideB } = partitionFor(seed);
        const run = runPartition(seed, staticQuorum(quorum), `static-quorum-${quorum}`);
        const keep = sideA.length >= quorum ? "a" : sideB.length >= quorum ? "b" : null;
        const why =
          keep === null
            ? `neither side reaches the quorum of ${quorum}`
            : `it reaches the quorum of ${quorum}`;
        problems.push(partitionProblem(run, keep, why));
      }
      expectNoProblem(problems);
    },
    CLUSTER_TEST_MS,
  );

  it(
    "sharded counters with a majority quorum: never two copies of an entity, and the quorum side reaches every one",
    async () => {
      const problems: (string | undefined)[] = [];
      for (const seed of quorumSeeds(2)) {
        const quorum = quorumFor(seed);
        const keep = partitionFor(seed).sideA.length >= quorum ? "a" : "b";
        const run = await runSharded(seed, staticQuorum(quorum), keep, `static-quorum-${quorum}`);
        problems.push(shardedProblem(run, keep));
      }
      expectNoProblem(problems);
    },
    CLUSTER_TEST_MS,
  );
});
