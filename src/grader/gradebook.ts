import type { V3Status } from "../labs/results";
import type { Provenance } from "./provenance";
import type { Scorecard } from "./score";

/**
 * The class's grades: one record per student, from which `gradebook.csv` is written, and which
 * `grades.json` carries so that shards graded on different runners merge into one gradebook.
 */
export interface GradeRecord {
  /** The student id: the submission folder's name, or what the roster maps it to. */
  student: string;
  /** The submission folder (or zip) graded; empty for a roster student with no submission. */
  submission: string;
  status: V3Status | "missing";
  score: number;
  maxScore: number;
  tasks: { title: string; score: number; maxScore: number }[];
  /** First line of why the checks could not all run. */
  message?: string;
  provenance?: Provenance;
}

export function gradeRecord(
  student: string,
  submission: string,
  card: Scorecard,
  provenance?: Provenance,
): GradeRecord {
  const record: GradeRecord = {
    student,
    submission,
    status: card.status,
    score: card.score,
    maxScore: card.maxScore,
    tasks: card.tasks.map(({ title, score, maxScore }) => ({ title, score, maxScore })),
  };
  const message = card.message?.split("\n").find((line) => line.trim() !== "");
  if (message) record.message = message;
  if (provenance) record.provenance = provenance;
  return record;
}

/** A student on the roster who handed nothing in: a row of zeros, so the gradebook is whole. */
export function missingRecord(student: string, like: readonly GradeRecord[]): GradeRecord {
  const tasks = taskColumns(like).map(({ title, maxScore }) => ({ title, score: 0, maxScore }));
  return {
    student,
    submission: "",
    status: "missing",
    score: 0,
    maxScore: tasks.reduce((n, t) => n + t.maxScore, 0),
    tasks,
    message: "No submission.",
  };
}

/** Rows in student order (then submission), the one order every gradebook is written in. */
export function sortRecords(records: readonly GradeRecord[]): GradeRecord[] {
  return [...records].sort(
    (a, b) => compare(a.student, b.student) || compare(a.submission, b.submission),
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every task seen, in task-number order, with its points. */
function taskColumns(records: readonly GradeRecord[]): { title: string; maxScore: number }[] {
  const columns = new Map<string, number>();
  for (const record of records) {
    for (const task of record.tasks) {
      if (!columns.has(task.title)) columns.set(task.title, task.maxScore);
    }
  }
  return [...columns]
    .map(([title, maxScore]) => ({ title, maxScore }))
    .sort(
      (a, b) =>
        (leadingNumber(a.title) ?? 1e9) - (leadingNumber(b.title) ?? 1e9) ||
        compare(a.title, b.title),
    );
}

/**
 * `gradebook.csv`: one row per student, keyed by student id, one column of points per task (its
 * points in the header) and the total. Numbers only in the score columns, so a spreadsheet or an
 * LMS import reads them as numbers.
 */
export function gradebookCsv(records: readonly GradeRecord[]): string {
  const columns = taskColumns(records);
  const maxTotal = columns.reduce((n, c) => n + c.maxScore, 0);
  const header = [
    "student",
    "submission",
    "status",
    ...columns.map((c) => `${c.title} (${c.maxScore})`),
    `total (${maxTotal})`,
    "message",
  ];
  const lines = [header.map(cell).join(",")];
  for (const record of sortRecords(records)) {
    const scores = new Map(record.tasks.map((t) => [t.title, t.score]));
    lines.push(
      [
        record.student,
        record.submission,
        record.status,
        ...columns.map((c) => String(scores.get(c.title) ?? 0)),
        String(record.score),
        record.message ?? "",
      ]
        .map(cell)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

function leadingNumber(title: string): number | undefined {
  const m = /^\s*(\d+)/.exec(title);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** RFC 4180 quoting; a leading =, +, - or @ is neutralised so a spreadsheet shows it as text. */
export function cell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
