import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type GradeRecord, gradebookCsv, missingRecord, sortRecords } from "./gradebook";
import { GRADES_FORMAT, type GradesFile, GradesFileError, readGradesFile } from "./grades-file";

/**
 * `npm run grade -- merge`: the shards of a batch, graded on several runners, back into one
 * gradebook. Refuses shards of different labs, checks or graders, a shard given twice or
 * missing, and a submission or student graded twice, so that a merged gradebook is exactly the
 * one a single run over the whole class would have written.
 */
export function mergeShards(
  dirs: readonly string[],
  roster?: ReadonlyMap<string, string>,
): GradesFile {
  const files = dirs.map((dir) => ({ dir, grades: readGradesFile(dir) }));
  const [first, ...others] = files;
  if (!first) throw new GradesFileError("Name at least one shard to merge.");
  const identity = (g: GradesFile) =>
    JSON.stringify([g.lab, g.labDigest, g.checks, g.grader.version, g.grader.commit ?? null]);
  for (const other of others) {
    if (identity(other.grades) !== identity(first.grades)) {
      throw new GradesFileError(
        `${other.dir} was graded with a different lab, checks or grader than ${first.dir} (${runOf(other.grades)} against ${runOf(first.grades)}); merge only the shards of one run.`,
      );
    }
  }
  const sharded = files.filter((f) => f.grades.shard);
  if (sharded.length > 0) {
    const count = sharded[0]?.grades.shard?.count as number;
    const seen = new Map<number, string>();
    for (const { dir, grades } of files) {
      if (!grades.shard) {
        throw new GradesFileError(`${dir} is a whole batch, not a shard; merge shards only.`);
      }
      if (grades.shard.count !== count) {
        throw new GradesFileError(
          `${dir} is shard ${grades.shard.index}/${grades.shard.count}, but ${sharded[0]?.dir} is one of ${count}.`,
        );
      }
      const twice = seen.get(grades.shard.index);
      if (twice) {
        throw new GradesFileError(
          `Shard ${grades.shard.index}/${count} is given twice: ${twice} and ${dir}.`,
        );
      }
      seen.set(grades.shard.index, dir);
    }
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length > 0) {
      throw new GradesFileError(
        `Shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing: a merged gradebook must cover the whole class.`,
      );
    }
  }
  const bySubmission = new Map<string, string>();
  const byStudent = new Map<string, string>();
  const records: GradeRecord[] = [];
  for (const { dir, grades } of files) {
    for (const name of grades.submissions) {
      const twice = bySubmission.get(name);
      if (twice)
        throw new GradesFileError(`The submission ${name} was graded in both ${twice} and ${dir}.`);
      bySubmission.set(name, dir);
    }
    for (const record of grades.records) {
      if (record.status === "missing") continue; // a whole batch's roster rows: made again below
      const twice = byStudent.get(record.student);
      if (twice) {
        throw new GradesFileError(
          `The student ${record.student} has grades in both ${twice} and ${dir}.`,
        );
      }
      byStudent.set(record.student, dir);
      records.push(record);
    }
  }
  return {
    format: GRADES_FORMAT,
    lab: first.grades.lab,
    labDigest: first.grades.labDigest,
    checks: first.grades.checks,
    grader: first.grades.grader,
    submissions: [...bySubmission.keys()].sort(),
    records: withRoster(records, roster),
  };
}

/** Adds a row for every roster student who handed nothing in. */
export function withRoster(
  records: readonly GradeRecord[],
  roster: ReadonlyMap<string, string> | undefined,
): GradeRecord[] {
  const graded = new Set(records.map((r) => r.student));
  const missing = [...new Set(roster?.values() ?? [])]
    .filter((student) => !graded.has(student))
    .map((student) => missingRecord(student, records));
  return sortRecords([...records, ...missing]);
}

function runOf(g: GradesFile): string {
  return `${g.lab} ${g.labDigest.slice(0, 19)}…, ${g.checks} checks, grader ${g.grader.version}${g.grader.commit ? ` @ ${g.grader.commit.slice(0, 12)}` : ""}`;
}

/** Writes a batch's (or a merge's) gradebook.csv and grades.json. */
export function writeGradebook(out: string, grades: GradesFile): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "gradebook.csv"), gradebookCsv(grades.records));
  writeFileSync(join(out, "grades.json"), `${JSON.stringify(grades, null, 2)}\n`);
}

/** Copies each shard's per-submission folders into the merged output. */
export function copySubmissionOutputs(
  dirs: readonly string[],
  out: string,
  names: readonly string[],
) {
  const wanted = new Set(names);
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !wanted.has(entry.name)) continue;
      const target = join(out, entry.name);
      if (existsSync(target))
        throw new GradesFileError(`${target} already exists; merge into an empty --out folder.`);
      cpSync(join(dir, entry.name), target, { recursive: true });
    }
  }
}
