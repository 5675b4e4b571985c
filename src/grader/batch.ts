import { availableParallelism } from "node:os";
import { join } from "node:path";
import { errorResults } from "../labs/results";
import {
  type GradeOptions,
  type GradeOutcome,
  gradeSubmission,
  listChecks,
  submissionFolders,
} from "./grade";
import { checkFiles, type Lab } from "./lab";

/**
 * Grades every submission folder of `dir`, a bounded number at a time. Each submission still
 * gets its own sandbox and its own Vitest child; only the list of checks is shared, collected
 * once against the lab's solution.
 */
export async function gradeBatch(
  lab: Lab,
  dir: string,
  options: GradeOptions & { jobs?: number },
  onGraded?: (name: string, outcome: GradeOutcome) => void,
): Promise<Map<string, GradeOutcome>> {
  const names = submissionFolders(dir);
  const checks = checkFiles(options.checksDir ?? join(lab.dir, "checks"));
  // Listed while the first submissions are checked statically and start their runs.
  const expected = options.expected ?? listChecks(lab, checks);
  // Handled below, once every submission is graded; until then a failure must not crash the process.
  Promise.resolve(expected).catch(() => undefined);
  const outcomes = new Map<string, GradeOutcome>();
  let next = 0;
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), names.length));
  const worker = async () => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i] as string;
      let outcome: GradeOutcome;
      try {
        outcome = await gradeSubmission(lab, join(dir, name), { ...options, expected });
      } catch (e) {
        outcome = {
          results: errorResults(`Could not grade: ${(e as Error).message}`),
          ignored: [],
          couldNotGrade: true,
        };
      }
      outcomes.set(name, outcome);
      onGraded?.(name, outcome);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  // A lab whose checks cannot be listed against its own solution fails the batch, as it always did.
  await expected;
  return new Map(names.map((name) => [name, outcomes.get(name) as GradeOutcome]));
}
