import { readFileSync } from "node:fs";
import { join } from "node:path";
import "./lockdown";
import * as runtime from "@runtime";
import * as fastCheck from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { LABS_DIR, readLabFiles, readLabFolder } from "../lab-files.node";
import type { V3Results } from "../results";
import { runChecks } from "./core";

/**
 * The split-brain lab promises that the two classic wrong answers fail for the right reason, in
 * words a learner can act on: doing nothing fails on availability, auto-down on safety. Run the
 * lab's checks on both and read the messages.
 */
const solution = readFileSync(join(LABS_DIR, "split-brain", "solution", "downing.ts"), "utf8");

/** The solution with keepMajority's body replaced by `body`. */
function withKeepMajority(body: string): string {
  const start = solution.indexOf("export function keepMajority");
  const end = solution.indexOf("export function staticQuorum");
  expect(start, "keepMajority in the solution").toBeGreaterThan(0);
  return `${solution.slice(0, start)}export function keepMajority(view: ResolverView): Decision | undefined {\n  ${body}\n}\n\n${solution.slice(end)}`;
}

const TASK_2 = "checks/2-majority.test.ts";

async function run(downing: string): Promise<V3Results> {
  const { results } = await runChecks({
    files: { ...readLabFiles("split-brain", "solution"), "downing.ts": downing },
    // Task 2's checks are where keepMajority meets a running cluster; the rest would only add time.
    checks: { [TASK_2]: readLabFolder("split-brain", "checks")[TASK_2] ?? "" },
    runtime,
    fastCheck,
  });
  return results;
}

const message = (results: V3Results | undefined, test: string) =>
  results?.tests.find((t) => t.name.includes(test))?.message?.split("\n")[0] ?? "";

const CLUSTER_RUNS = "random partitions of a running cluster: the bigger side";
const SHARDED = "sharded counters under random partitions";
const MARKER = /at seed (\d+)\b.*\[trace seed=\1 lab=split-brain\]/;

let doNothing: V3Results | undefined;
let autoDown: V3Results | undefined;
// @vitest/runner keeps its current test in module state: nested runs start outside any test.
beforeAll(async () => {
  doNothing = await run(withKeepMajority("void view;\n  return undefined;"));
  autoDown = await run(withKeepMajority('void view;\n  return { kind: "down-unreachable" };'));
}, 120_000);

describe("the split-brain lab's checks on the classic wrong answers", () => {
  it("a strategy that does nothing fails on availability: the majority still waits, nothing can move", () => {
    expect(message(doNothing, CLUSTER_RUNS)).toMatch(/^nothing was downed after partitioning \{/);
    expect(message(doNothing, CLUSTER_RUNS)).toMatch(/a strategy that decides nothing/);
    expect(message(doNothing, CLUSTER_RUNS)).toMatch(MARKER);
    expect(message(doNothing, SHARDED)).toMatch(/could not reach c\d.*nobody downed it/);
    expect(message(doNothing, SHARDED)).toMatch(MARKER);
  });

  it("auto-down fails on safety: both sides stay up, and an entity runs twice", () => {
    expect(message(autoDown, CLUSTER_RUNS)).toMatch(
      /^both sides stayed up after partitioning \{[^}]+\} \| \{[^}]+\} at seed \d+: each side downed the other/,
    );
    expect(message(autoDown, CLUSTER_RUNS)).toMatch(/this is what auto-down does/);
    expect(message(autoDown, CLUSTER_RUNS)).toMatch(MARKER);
    expect(message(autoDown, SHARDED)).toMatch(
      /^more than one incarnation of an entity .*: entity counter\/c\d+ ran on node-\d+ and node-\d+/,
    );
    expect(message(autoDown, SHARDED)).toMatch(MARKER);
  });
});
