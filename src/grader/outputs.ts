import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Graded } from "./batch";
import { classroom50Result } from "./classroom50";
import { type GradeRecord, gradeRecord } from "./gradebook";
import { type GradescopeVisibility, gradescopeResults } from "./gradescope";
import { junitXml } from "./junit";
import type { Lab } from "./lab";
import { type Provenance, provenanceOf } from "./provenance";
import type { ExpectedCheck } from "./report";
import { scoreResults } from "./score";
import { summaryText } from "./summary";

/**
 * The files written for one graded submission, in its output folder. Exercism v3 keeps the
 * `results.json` it always had; the formats that want a file of the same name get a folder each:
 *
 *   results.json              Exercism test-runner v3 (what the lab page shows)
 *   junit.xml                 JUnit XML, for CI test reports
 *   summary.txt               the per-task summary the CLI prints
 *   provenance.json           what was graded, with what, by which grader
 *   gradescope/results.json   Gradescope autograder results
 *   classroom50/result.json   Classroom 50 result (classroom50/result/v1)
 */
export const OUTPUT_FILES = [
  "results.json",
  "junit.xml",
  "summary.txt",
  "provenance.json",
  "gradescope/results.json",
  "classroom50/result.json",
] as const;

export interface GradingContext {
  lab: Lab;
  labDigest: string;
  hiddenChecks: boolean;
  /** Every check the lab defines; undefined when they could not be listed. */
  expected: readonly ExpectedCheck[] | undefined;
  /** When Gradescope shows the results to the learner. */
  visibility?: GradescopeVisibility;
}

export interface Written {
  summary: string;
  record: GradeRecord;
  provenance: Provenance;
}

export function writeSubmissionOutputs(
  dir: string,
  context: GradingContext,
  submission: { name: string; student?: string; commit?: string; graded: Graded },
): Written {
  const { lab } = context;
  const { outcome, files, seconds } = submission.graded;
  const card = scoreResults(outcome.results, {
    points: lab.meta.points,
    expected: context.expected,
  });
  const provenance = provenanceOf({
    lab,
    labDigest: context.labDigest,
    hiddenChecks: context.hiddenChecks,
    name: submission.name,
    files,
    commit: submission.commit,
  });
  const summary = summaryText(outcome.results, {
    lab: lab.slug,
    submission: submission.name,
    ignored: outcome.ignored,
    points: card,
  });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  mkdirSync(join(dir, "gradescope"), { recursive: true });
  mkdirSync(join(dir, "classroom50"), { recursive: true });
  writeFileSync(join(dir, "results.json"), json(outcome.results));
  writeFileSync(
    join(dir, "junit.xml"),
    junitXml(outcome.results, `${lab.slug}: ${submission.name}`),
  );
  writeFileSync(join(dir, "summary.txt"), summary);
  writeFileSync(join(dir, "provenance.json"), json(provenance));
  writeFileSync(
    join(dir, "gradescope", "results.json"),
    json(gradescopeResults(card, provenance, { seconds, visibility: context.visibility })),
  );
  writeFileSync(join(dir, "classroom50", "result.json"), json(classroom50Result(card, lab.slug)));
  const record = gradeRecord(
    submission.student ?? submission.name,
    submission.name,
    card,
    provenance,
  );
  return { summary, record, provenance };
}
