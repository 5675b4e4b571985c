import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { errorResults, type V3Results } from "../labs/results";
import { parseGradeArgs, USAGE, UsageError } from "./args";
import type { GradeOutcome } from "./grade";
import { gradebookCsv } from "./gradebook";
import { junitXml } from "./junit";
import type { Lab } from "./lab";
import { releaseVitestChildren } from "./run-vitest";
import { summaryText } from "./summary";

/**
 * `npm run grade`: see args.ts for the options and the exit codes.
 *
 * The grading modules (the TypeScript compiler for the policy and the type check, and through
 * them most of the grader) load only once the arguments and the lab are known to be good, and
 * the lab schema only once the arguments are: a usage error or an unknown lab answers at once
 * instead of after loading a compiler.
 */

const EXIT = { pass: 0, fail: 1, couldNotGrade: 2 } as const;

function exitCodeOf(outcome: GradeOutcome): number {
  if (outcome.couldNotGrade) return EXIT.couldNotGrade;
  return outcome.results.status === "pass" ? EXIT.pass : EXIT.fail;
}

/** results.json, junit.xml and summary.txt; the summary is also returned for printing. */
function writeOutputs(dir: string, lab: Lab, name: string, outcome: GradeOutcome): string {
  mkdirSync(dir, { recursive: true });
  const summary = summaryText(outcome.results, {
    lab: lab.slug,
    submission: name,
    ignored: outcome.ignored,
  });
  writeFileSync(join(dir, "results.json"), `${JSON.stringify(outcome.results, null, 2)}\n`);
  writeFileSync(join(dir, "junit.xml"), junitXml(outcome.results, `${lab.slug}: ${name}`));
  writeFileSync(join(dir, "summary.txt"), summary);
  return summary;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseGradeArgs>;
  try {
    args = parseGradeArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message ? `${e.message}\n\n${USAGE}` : USAGE);
    return e.message ? EXIT.couldNotGrade : EXIT.pass;
  }
  const out = resolve(args.out);
  let lab: Lab;
  try {
    const { loadLab } = await import("./lab");
    lab = loadLab(args.lab);
  } catch (e) {
    const results: V3Results = errorResults((e as Error).message);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    console.error((e as Error).message);
    return EXIT.couldNotGrade;
  }
  const options = {
    checksDir: args.checks ? resolve(args.checks) : undefined,
    timeoutSeconds: args.timeoutSeconds,
  };

  if (args.batch) {
    const { gradeBatch } = await import("./batch");
    const started = performance.now();
    const outcomes = await gradeBatch(
      lab,
      resolve(args.batch),
      { ...options, jobs: args.jobs },
      (name, o) => {
        writeOutputs(join(out, name), lab, name, o);
        const passed = o.results.tests.filter((t) => t.status === "pass").length;
        console.log(`${o.results.status.padEnd(5)} ${name} (${passed}/${o.results.tests.length})`);
      },
    );
    const rows = [...outcomes].map(([submission, o]) => ({
      submission,
      results: o.results,
      ignored: o.ignored,
    }));
    writeFileSync(join(out, "gradebook.csv"), gradebookCsv(rows));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const count = (status: string) => rows.filter((r) => r.results.status === status).length;
    console.log(
      `\nGraded ${rows.length} submissions in ${seconds} s: ${count("pass")} pass, ${count("fail")} fail, ${count("error")} error.\nWrote ${join(out, "gradebook.csv")}`,
    );
    return Math.max(EXIT.pass, ...[...outcomes.values()].map(exitCodeOf));
  }

  const submission = resolve(args.submission as string);
  let outcome: GradeOutcome;
  try {
    const { gradeSubmission } = await import("./grade");
    outcome = await gradeSubmission(lab, submission, options);
  } catch (e) {
    outcome = {
      results: errorResults(`Could not grade: ${(e as Error).message}`),
      ignored: [],
      couldNotGrade: true,
    };
  }
  process.stdout.write(writeOutputs(out, lab, basename(submission), outcome));
  console.log(`  Wrote ${join(out, "results.json")} and junit.xml`);
  return exitCodeOf(outcome);
}

process.exitCode = await main(process.argv.slice(2));
await releaseVitestChildren();
