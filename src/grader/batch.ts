import { existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { errorResults } from "../labs/results";
import type { Shard } from "./args";
import { type GradeOptions, type GradeOutcome, gradeSubmission, listChecks } from "./grade";
import { checkFiles, type Lab } from "./lab";
import { readSubmission } from "./submission";
import { isZip, SubmissionZipError, unpackSubmissionZip } from "./submission-zip";

/** A submission of a batch: a folder, or a zip as the lab page's Download submission saves it. */
export interface SubmissionSource {
  /** The folder's name, or the zip's without `.zip`: the student id unless a roster maps it. */
  name: string;
  path: string;
}

/** What grading one submission gave, and the editable files it graded (for provenance). */
export interface Graded {
  outcome: GradeOutcome;
  files: Record<string, string>;
  seconds: number;
}

/**
 * The submissions of a batch folder: its sub-folders and `.zip` files, sorted by name (code
 * point order, the same on every machine, so that shards partition it the same everywhere).
 */
export function submissionSources(dir: string): SubmissionSource[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`The batch folder ${dir} does not exist.`);
  }
  const sources = new Map<string, SubmissionSource>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const zip = entry.isFile() && isZip(entry.name);
    if (!entry.isDirectory() && !zip) continue;
    const name = zip ? entry.name.slice(0, -".zip".length) : entry.name;
    const clash = sources.get(name);
    if (clash) {
      throw new Error(
        `${dir} holds both ${clash.path.split(/[\\/]/).pop()} and ${entry.name}: one submission per student.`,
      );
    }
    sources.set(name, { name, path: join(dir, entry.name) });
  }
  return [...sources.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The part of a sorted list that shard `index` of `count` grades: every count-th, from index. */
export function shardOf<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}

/** Grades one folder or zip. A zip that cannot be unpacked is the submission's error. */
export async function gradeSource(lab: Lab, path: string, options: GradeOptions): Promise<Graded> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  // A learner's repository may hold a link where the submission should be, pointing at the
  // lab's solution next to it: only the folder (or zip) itself is graded.
  if (existsSync(path) && lstatSync(path).isSymbolicLink()) {
    const message = `The submission ${path} is a symbolic link; hand in the folder (or zip) itself.`;
    return {
      outcome: { results: errorResults(message), ignored: [], couldNotGrade: false },
      files: {},
      seconds: seconds(),
    };
  }
  let dir = path;
  let dispose = () => {};
  if (isZip(path) && existsSync(path) && statSync(path).isFile()) {
    try {
      ({ dir, dispose } = unpackSubmissionZip(path));
    } catch (e) {
      if (!(e instanceof SubmissionZipError)) throw e;
      return {
        outcome: { results: errorResults(e.message), ignored: [], couldNotGrade: false },
        files: {},
        seconds: seconds(),
      };
    }
  }
  try {
    const outcome = await gradeSubmission(lab, dir, options);
    return { outcome, files: readSubmission(lab, dir).files, seconds: seconds() };
  } finally {
    dispose();
  }
}

/**
 * Grades every submission of `dir` (or of this shard of it), a bounded number at a time. Each
 * submission still gets its own sandbox and its own Vitest child; only the list of checks is
 * shared, collected once against the lab's solution.
 */
export async function gradeBatch(
  lab: Lab,
  dir: string,
  options: GradeOptions & { jobs?: number; shard?: Shard },
  onGraded?: (name: string, outcome: GradeOutcome, graded: Graded) => void,
): Promise<Map<string, GradeOutcome>> {
  const sources = shardOf(submissionSources(dir), options.shard);
  const checks = checkFiles(options.checksDir ?? join(lab.dir, "checks"));
  // Listed while the first submissions are checked statically and start their runs.
  const expected = options.expected ?? listChecks(lab, checks);
  // Handled below, once every submission is graded; until then a failure must not crash the process.
  Promise.resolve(expected).catch(() => undefined);
  const outcomes = new Map<string, GradeOutcome>();
  let next = 0;
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), sources.length));
  const worker = async () => {
    for (let i = next++; i < sources.length; i = next++) {
      const { name, path } = sources[i] as SubmissionSource;
      let graded: Graded;
      try {
        graded = await gradeSource(lab, path, { ...options, expected });
      } catch (e) {
        graded = {
          outcome: {
            results: errorResults(`Could not grade: ${(e as Error).message}`),
            ignored: [],
            couldNotGrade: true,
          },
          files: {},
          seconds: 0,
        };
      }
      outcomes.set(name, graded.outcome);
      onGraded?.(name, graded.outcome, graded);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  // A lab whose checks cannot be listed against its own solution fails the batch, as it always did.
  await expected;
  return new Map(sources.map(({ name }) => [name, outcomes.get(name) as GradeOutcome]));
}
