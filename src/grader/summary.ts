import type { V3Results, V3TestResult } from "../labs/results";

/** One task's tally: its title (the top-level describe), and how its checks went. */
export interface TaskTally {
  id: number | undefined;
  title: string;
  passed: number;
  total: number;
  failing: V3TestResult[];
}

export function tallyTasks(results: V3Results): TaskTally[] {
  const tallies = new Map<string, TaskTally>();
  for (const test of results.tests) {
    const title = test.name.split(" > ")[0] ?? "checks";
    const tally = tallies.get(title) ?? {
      id: test.task_id,
      title,
      passed: 0,
      total: 0,
      failing: [],
    };
    tally.total += 1;
    if (test.status === "pass") tally.passed += 1;
    else tally.failing.push(test);
    tallies.set(title, tally);
  }
  return [...tallies.values()];
}

/**
 * The readable summary the CLI prints: one line per task, the first line of each failure, and
 * what the grader ignored.
 */
export function summaryText(
  results: V3Results,
  context: {
    lab: string;
    submission: string;
    ignored: readonly string[];
    /** The points scored, when the lab's points are known. */
    points?: { score: number; maxScore: number };
  },
): string {
  const lines = [`${context.lab} · ${context.submission}`];
  for (const task of tallyTasks(results)) {
    const mark = task.passed === task.total ? "✓" : "✗";
    lines.push(`  ${mark} ${task.title}: ${task.passed}/${task.total} checks pass`);
    for (const test of task.failing.slice(0, 5)) {
      const name = test.name.split(" > ").slice(1).join(" > ");
      const why = (test.message ?? "").split("\n")[0]?.slice(0, 160) ?? "";
      lines.push(`      ✗ ${name}${why ? ` — ${why}` : ""}`);
    }
    if (task.failing.length > 5) lines.push(`      … and ${task.failing.length - 5} more`);
  }
  if (results.status === "error" && results.message) {
    lines.push("", "  Could not run every check:", ...indent(results.message, "    "));
  }
  if (context.ignored.length > 0) {
    lines.push("", `  Ignored (not editable in this lab): ${context.ignored.join(", ")}`);
  }
  const passed = results.tests.filter((t) => t.status === "pass").length;
  lines.push(
    "",
    `  ${results.status.toUpperCase()}: ${passed}/${results.tests.length} checks pass${
      context.points ? ` · ${context.points.score}/${context.points.maxScore} points` : ""
    }`,
  );
  return `${lines.join("\n")}\n`;
}

function indent(text: string, prefix: string): string[] {
  return text.split("\n").map((line) => `${prefix}${line}`);
}
