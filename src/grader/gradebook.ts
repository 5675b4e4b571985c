import type { V3Results } from "../labs/results";
import { tallyTasks } from "./summary";

/** One graded submission of a batch. */
export interface GradebookRow {
  submission: string;
  results: V3Results;
  ignored: readonly string[];
}

/**
 * A CSV gradebook: one row per submission, one column per task. A task cell is the number of
 * its checks that pass out of its total (`3 of 5`), so a spreadsheet does not read it as a date.
 */
export function gradebookCsv(rows: readonly GradebookRow[]): string {
  const titles: string[] = [];
  for (const row of rows) {
    for (const task of tallyTasks(row.results)) {
      if (!titles.includes(task.title)) titles.push(task.title);
    }
  }
  titles.sort(
    (a, b) => (leadingNumber(a) ?? 1e9) - (leadingNumber(b) ?? 1e9) || a.localeCompare(b),
  );
  const header = ["submission", "status", "checks passed", "checks total", ...titles, "message"];
  const lines = [header.map(cell).join(",")];
  for (const row of rows) {
    const tallies = new Map(tallyTasks(row.results).map((t) => [t.title, t]));
    const passed = row.results.tests.filter((t) => t.status === "pass").length;
    lines.push(
      [
        row.submission,
        row.results.status,
        String(passed),
        String(row.results.tests.length),
        ...titles.map((title) => {
          const tally = tallies.get(title);
          return tally ? `${tally.passed} of ${tally.total}` : "";
        }),
        (row.results.message ?? "").split("\n")[0] ?? "",
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
