import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import type { Section } from "./types";

/**
 * `grade.batch100_s`: wall time for `npm run grade -- bank-account --batch` over 100 submissions,
 * a realistic mix: finished solutions, untouched starters, and solutions with one classic bug.
 * It runs the CLI in its own process, as CI would (the grader's Vitest child is a separate file
 * that a bundle of the bench cannot carry).
 */
const LAB = "labs/bank-account";

/** One-line bugs learners make, applied to the solution's account.ts. */
const BUGS: [string, string][] = [
  ["account.balance + tx.amount > limit", "account.balance + tx.amount >= limit"],
  ["account.balance - tx.amount < 0", "account.balance - tx.amount <= 0"],
  ["if (!Number.isSafeInteger(amount))", "if (Number.isNaN(amount))"],
];

export function writeSubmissions(dir: string, count: number): void {
  const account = readFileSync(join(LAB, "solution/account.ts"), "utf8");
  for (let i = 0; i < count; i++) {
    const target = join(dir, `learner-${String(i + 1).padStart(3, "0")}`);
    const kind = i % 5;
    if (kind === 4) {
      cpSync(join(LAB, "starter"), target, { recursive: true });
      continue;
    }
    cpSync(join(LAB, "solution"), target, { recursive: true });
    const bug = kind === 0 ? undefined : BUGS[(i + kind) % BUGS.length];
    if (bug) {
      if (!account.includes(bug[0]))
        throw new Error(`bench/grade.ts: the solution no longer has "${bug[0]}"`);
      writeFileSync(join(target, "account.ts"), account.replace(bug[0], bug[1]));
    }
  }
}

export const gradeSection: Section = {
  name: "grade",
  async run({ quick, metrics, log }) {
    const count = quick ? 10 : 100;
    const work = mkdtempSync(join(tmpdir(), "bench-grade-"));
    try {
      const submissions = join(work, "submissions");
      mkdirSync(submissions);
      writeSubmissions(submissions, count);
      const started = performance.now();
      const run = spawnSync(
        process.execPath,
        [
          "node_modules/tsx/dist/cli.mjs",
          "src/grader/cli.ts",
          "bank-account",
          "--batch",
          submissions,
          "--out",
          join(work, "out"),
        ],
        { encoding: "utf8" },
      );
      const seconds = (performance.now() - started) / 1000;
      const csv = readFileSync(join(work, "out/gradebook.csv"), "utf8").trim().split("\n").slice(1);
      // gradebook.csv: student,submission,status,… (a student id, here the folder's name).
      const graded = csv.filter((row) => /^[^,]+,[^,]*,(pass|fail),/.test(row)).length;
      if (run.status === 2 || graded !== count) {
        throw new Error(
          `grading ${count} submissions went wrong (exit ${run.status}, ${graded} graded):\n${run.stderr}`,
        );
      }
      const pass = csv.filter((row) => /^[^,]+,[^,]*,pass,/.test(row)).length;
      log(
        `${count} submissions (${pass} pass, ${count - pass} fail) on ${availableParallelism()} cores: ${seconds.toFixed(1)} s`,
      );
      metrics[quick ? "grade.batch10_s" : "grade.batch100_s"] = seconds;
      metrics["grade.per_submission_s"] = seconds / count;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
