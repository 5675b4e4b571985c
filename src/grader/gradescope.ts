import type { Provenance } from "./provenance";
import type { Scorecard, TaskScore } from "./score";

/**
 * Gradescope's autograder `results.json`, as its autograder specification defines it
 * (gradescope-autograders.readthedocs.io, "Autograder Specifications"): one test per task, with
 * its `score` and `max_score`, a `passed`/`failed` status that agrees with them, and the checks
 * of the task in `output`. A run that could not finish adds an informational test without points,
 * as the specification suggests for a compilation check.
 */
export type GradescopeVisibility = "hidden" | "after_due_date" | "after_published" | "visible";

export interface GradescopeTest {
  name: string;
  number?: string;
  score?: number;
  max_score?: number;
  status: "passed" | "failed";
  output?: string;
  output_format?: "text";
  visibility?: GradescopeVisibility;
}

export interface GradescopeResults {
  score: number;
  execution_time?: number;
  output: string;
  output_format: "text";
  test_output_format: "text";
  test_name_format: "text";
  visibility: GradescopeVisibility;
  stdout_visibility: GradescopeVisibility;
  extra_data: { status: Scorecard["status"]; max_score: number; provenance: Provenance };
  tests: GradescopeTest[];
}

export function gradescopeResults(
  card: Scorecard,
  provenance: Provenance,
  options: { seconds?: number; visibility?: GradescopeVisibility } = {},
): GradescopeResults {
  const visibility = options.visibility ?? "visible";
  const tests: GradescopeTest[] = [];
  if (card.status === "error" && card.message) {
    tests.push({
      name: "The checks run",
      status: "failed",
      output: card.message,
      output_format: "text",
      visibility,
    });
  }
  for (const task of card.tasks) {
    const test: GradescopeTest = {
      name: task.title,
      score: task.score,
      max_score: task.maxScore,
      status:
        task.score === task.maxScore && task.passed === task.checks.length ? "passed" : "failed",
      output: taskOutput(task),
      output_format: "text",
      visibility,
    };
    if (task.id !== undefined) test.number = String(task.id);
    tests.push(test);
  }
  const results: GradescopeResults = {
    score: card.score,
    output: `${card.status.toUpperCase()}: ${card.score}/${card.maxScore} points${
      card.status === "error" && card.message ? `\n\n${card.message}` : ""
    }`,
    output_format: "text",
    test_output_format: "text",
    test_name_format: "text",
    visibility,
    stdout_visibility: "hidden",
    extra_data: { status: card.status, max_score: card.maxScore, provenance },
    tests,
  };
  if (options.seconds !== undefined) results.execution_time = Math.round(options.seconds);
  return results;
}

/** One line per check, with the first line of why a check did not pass. */
export function taskOutput(task: TaskScore): string {
  const lines = [`${task.passed} of ${task.checks.length} checks pass`];
  for (const check of task.checks) {
    const name = check.name.split(" > ").slice(1).join(" > ") || check.name;
    lines.push(
      check.status === "pass"
        ? `✓ ${name}`
        : `✗ ${name}${check.message ? ` — ${check.message}` : ""}`,
    );
  }
  return lines.join("\n");
}
