import type { Scorecard } from "./score";

/**
 * Classroom 50's `result.json` (`classroom50/result/v1`), the file an autograder writes in the
 * learner's checkout: one test per task, whole-point `score` and `max-score`, `passed` true only
 * for a task whose every check passed. Classroom 50's runner hands its autograder the
 * submission's identity as environment variables (CLASSROOM, ASSIGNMENT, SUBMISSION_TAG,
 * COMMIT_URL, RELEASE_URL, REVIEW_URL); they are copied when set, and the runner itself stamps
 * `owner`, `assignment_type`, `datetime` and `graded_at` afterwards.
 */
export const CLASSROOM50_SCHEMA = "classroom50/result/v1";

export interface Classroom50Test {
  "test-name": string;
  passed: boolean;
  score: number;
  "max-score": number;
}

export interface Classroom50Result {
  schema: typeof CLASSROOM50_SCHEMA;
  classroom?: string;
  assignment: string;
  submission?: string;
  commit?: string;
  release?: string;
  review?: string;
  score: number;
  "max-score": number;
  tests: Classroom50Test[];
}

export function classroom50Result(
  card: Scorecard,
  lab: string,
  env: NodeJS.ProcessEnv = process.env,
): Classroom50Result {
  const set = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const result: Classroom50Result = {
    schema: CLASSROOM50_SCHEMA,
    assignment: set("ASSIGNMENT") ?? lab,
    score: card.score,
    "max-score": card.maxScore,
    tests: card.tasks.map((task) => ({
      "test-name": task.title,
      passed: task.passed === task.checks.length,
      score: task.score,
      "max-score": task.maxScore,
    })),
  };
  const identity: [keyof Classroom50Result, string | undefined][] = [
    ["classroom", set("CLASSROOM")],
    ["submission", set("SUBMISSION_TAG")],
    ["commit", set("COMMIT_URL")],
    ["release", set("RELEASE_URL")],
    ["review", set("REVIEW_URL") ?? set("COMMIT_URL")],
  ];
  for (const [field, value] of identity) {
    if (value !== undefined) (result as unknown as Record<string, unknown>)[field] = value;
  }
  return result;
}
