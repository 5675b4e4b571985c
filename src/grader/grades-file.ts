import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Shard } from "./args";
import type { GradeRecord } from "./gradebook";
import type { Provenance } from "./provenance";
import { schemaProblems, validators } from "./schemas";

/**
 * `grades.json`: a batch's grades as data, beside its `gradebook.csv`. It is what `merge` reads
 * to put the shards of a class graded on several runners back into one gradebook, and it says
 * which lab, checks and grader produced the grades, so that shards of different runs do not mix.
 */
export const GRADES_FORMAT = "es-actors-workshop/grades/v1";

export interface GradesFile {
  format: typeof GRADES_FORMAT;
  lab: string;
  labDigest: string;
  checks: "lab" | "hidden";
  grader: Provenance["grader"];
  /** Set for one shard of a batch. */
  shard?: Shard;
  /** The submissions this batch (or shard) graded, by name. */
  submissions: string[];
  records: GradeRecord[];
}

export class GradesFileError extends Error {
  override name = "GradesFileError";
}

export function readGradesFile(dir: string): GradesFile {
  const path = join(dir, "grades.json");
  if (!existsSync(path)) {
    throw new GradesFileError(
      `${dir} has no grades.json: name the --out folders of the batch (or shard) runs.`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new GradesFileError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const problems = schemaProblems(validators.grades, data);
  if (problems.length > 0) {
    throw new GradesFileError(`${path}: not a grades file: ${problems.slice(0, 5).join("; ")}`);
  }
  return data as unknown as GradesFile;
}
