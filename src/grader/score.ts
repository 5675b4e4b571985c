import { taskIdOf, type V3Results, type V3Status, type V3TestResult } from "../labs/results";
import type { ExpectedCheck } from "./report";

/**
 * Points from v3 results: the one place a score is computed, so that the Gradescope, Classroom 50
 * and gradebook outputs cannot disagree with each other or with the verdict.
 *
 * A task is worth its points from `lab.json` (one per check when it has none). Its score is its
 * points times the share of its checks that passed, rounded down to a whole point: all of them
 * only when every check passed, none when none did. Only a check whose status is `pass` counts;
 * a check that failed, errored, did not run or did not report (a timeout, a crash, code that did
 * not compile) scores nothing, whatever the submission's status.
 */

export interface CheckScore {
  name: string;
  status: V3Status;
  /** First line of the failure message; absent for a passed check. */
  message?: string;
}

export interface TaskScore {
  /** The number that starts the task's title; undefined for checks outside any task. */
  id: number | undefined;
  /** The top-level describe, such as `1. The four-step table`. */
  title: string;
  score: number;
  maxScore: number;
  passed: number;
  checks: CheckScore[];
}

export interface Scorecard {
  status: V3Status;
  /** Why the checks could not all run (for an `error`). */
  message?: string;
  score: number;
  maxScore: number;
  tasks: TaskScore[];
}

/** `lab.json`'s `points`: task number → points. */
export type TaskPoints = Readonly<Record<string, number>>;

export function scoreResults(
  results: V3Results,
  options: { points?: TaskPoints; expected?: readonly ExpectedCheck[] } = {},
): Scorecard {
  const tests: V3TestResult[] = [...results.tests];
  // A check the lab defines that the results do not mention (code that did not compile never ran
  // any) is still part of the total: it is a check the submission did not pass.
  // Counted, not a set: two check files may each have a check of the same name.
  const reported = new Map<string, number>();
  for (const t of tests) reported.set(t.name, (reported.get(t.name) ?? 0) + 1);
  for (const check of options.expected ?? []) {
    const left = reported.get(check.name) ?? 0;
    if (left > 0) {
      reported.set(check.name, left - 1);
      continue;
    }
    tests.push({
      name: check.name,
      test_code: "",
      status: "error",
      message: "Not run: the checks could not run (see the message above).",
    });
  }

  const tasks = new Map<string, TaskScore>();
  for (const test of tests) {
    const title = test.name.split(" > ")[0] ?? test.name;
    const task = tasks.get(title) ?? {
      id: taskIdOf(title),
      title,
      score: 0,
      maxScore: 0,
      passed: 0,
      checks: [],
    };
    const check: CheckScore = { name: test.name, status: test.status };
    if (test.status === "pass") task.passed += 1;
    else check.message = firstLine(test.message ?? "did not pass");
    task.checks.push(check);
    tasks.set(title, task);
  }
  for (const task of tasks.values()) {
    const points = task.id === undefined ? undefined : options.points?.[String(task.id)];
    task.maxScore = points ?? task.checks.length;
    task.score = Math.floor((task.maxScore * task.passed) / task.checks.length);
  }
  const ordered = [...tasks.values()].sort(
    (a, b) => (a.id ?? Number.MAX_SAFE_INTEGER) - (b.id ?? Number.MAX_SAFE_INTEGER),
  );
  const card: Scorecard = {
    status: results.status,
    score: ordered.reduce((n, t) => n + t.score, 0),
    maxScore: ordered.reduce((n, t) => n + t.maxScore, 0),
    tasks: ordered,
  };
  if (results.message !== undefined) card.message = results.message;
  return card;
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}
