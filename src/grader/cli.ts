import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { errorResults, type V3Results } from "../labs/results";
import { type GradeArgs, isMerge, parseGradeArgs, parseMergeArgs, USAGE, UsageError } from "./args";
import type { Graded } from "./batch";
import type { GradeOutcome } from "./grade";
import type { GradeRecord } from "./gradebook";
import type { Lab } from "./lab";
import type { GradingContext } from "./outputs";
import { releaseVitestChildren } from "./run-vitest";

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

/** Problems with the input that stop grading before it starts: a message and exit 2. */
class InputError extends Error {
  override name = "InputError";
}

function couldNotGrade(e: unknown): Graded {
  return {
    outcome: {
      results: errorResults(`Could not grade: ${(e as Error).message}`),
      ignored: [],
      couldNotGrade: true,
    },
    files: {},
    seconds: 0,
  };
}

async function gradingContext(lab: Lab, args: GradeArgs) {
  const { labDigest } = await import("./provenance");
  const { listChecks } = await import("./grade");
  const { checkFiles } = await import("./lab");
  const checksDir = args.checks ? resolve(args.checks) : join(lab.dir, "checks");
  /** Every check the lab defines, listed against its solution: the total of every score. */
  const listing = (async () => listChecks(lab, checkFiles(checksDir)))();
  listing.catch(() => undefined); // awaited once grading is done
  const context = async (): Promise<GradingContext> => ({
    lab,
    labDigest: labDigest(lab, args.checks ? checksDir : undefined),
    hiddenChecks: args.checks !== undefined,
    expected: await listing.catch(() => undefined),
    visibility: args.visibility,
  });
  return { listing, context };
}

async function gradeOne(lab: Lab, args: GradeArgs, out: string): Promise<number> {
  const { gradeSource } = await import("./batch");
  const { writeSubmissionOutputs } = await import("./outputs");
  const submission = resolve(args.submission as string);
  const options = {
    checksDir: args.checks ? resolve(args.checks) : undefined,
    timeoutSeconds: args.timeoutSeconds,
  };
  let graded: Graded;
  let context: GradingContext;
  if (existsSync(submission)) {
    const { listing, context: contextOf } = await gradingContext(lab, args);
    try {
      graded = await gradeSource(lab, submission, { ...options, expected: listing });
    } catch (e) {
      graded = couldNotGrade(e);
    }
    context = await contextOf();
  } else {
    graded = couldNotGrade(new Error(`The submission ${submission} does not exist.`));
    const { labDigest } = await import("./provenance");
    context = {
      lab,
      labDigest: labDigest(lab, options.checksDir),
      hiddenChecks: args.checks !== undefined,
      expected: undefined,
      visibility: args.visibility,
    };
  }
  const name = basename(submission).replace(/\.zip$/i, "") || "submission";
  const written = writeSubmissionOutputs(out, context, { name, commit: args.commit, graded });
  process.stdout.write(written.summary);
  console.log(
    `  Wrote ${out}: results.json, junit.xml, gradescope/, classroom50/, provenance.json`,
  );
  return exitCodeOf(graded.outcome);
}

async function gradeClass(lab: Lab, args: GradeArgs, out: string): Promise<number> {
  const { gradeBatch, shardOf, submissionSources } = await import("./batch");
  const { readFolderMap } = await import("./roster");
  const { COMMIT_ID, graderIdentity } = await import("./provenance");
  const { writeSubmissionOutputs } = await import("./outputs");
  const { GRADES_FORMAT } = await import("./grades-file");
  const { withRoster, writeGradebook } = await import("./merge");
  const { sortRecords } = await import("./gradebook");

  const dir = resolve(args.batch as string);
  const sources = shardOf(submissionSources(dir), args.shard);
  for (const reserved of ["gradebook.csv", "grades.json"]) {
    if (sources.some((s) => s.name === reserved)) {
      throw new InputError(
        `A submission may not be named ${reserved}: the batch writes that file.`,
      );
    }
  }
  const roster = args.roster ? readFolderMap(resolve(args.roster), "student") : undefined;
  const commits = args.commits
    ? readFolderMap(resolve(args.commits), "commit", (value) =>
        COMMIT_ID.test(value) ? undefined : `"${value}" is not a full commit id (40 hex digits)`,
      )
    : undefined;
  if (roster) {
    const unknown = sources.filter((s) => !roster.values.has(s.name)).map((s) => s.name);
    if (unknown.length > 0) {
      throw new InputError(
        `${roster.path} has no line for ${unknown.join(", ")}: add a "folder,student" line for each, so that every row of the gradebook names a student.`,
      );
    }
  }

  const { listing, context: contextOf } = await gradingContext(lab, args);
  const started = performance.now();
  const graded = new Map<string, Graded>();
  await gradeBatch(
    lab,
    dir,
    {
      checksDir: args.checks ? resolve(args.checks) : undefined,
      timeoutSeconds: args.timeoutSeconds,
      jobs: args.jobs,
      shard: args.shard,
      expected: listing,
    },
    (name, outcome, result) => {
      graded.set(name, result);
      const passed = outcome.results.tests.filter((t) => t.status === "pass").length;
      console.log(
        `${outcome.results.status.padEnd(5)} ${name} (${passed}/${outcome.results.tests.length})`,
      );
    },
  );
  const context = await contextOf();
  const records: GradeRecord[] = [];
  for (const { name } of sources) {
    const result = graded.get(name) ?? couldNotGrade(new Error("not graded"));
    records.push(
      writeSubmissionOutputs(join(out, name), context, {
        name,
        student: roster?.values.get(name) ?? name,
        commit: commits?.values.get(name),
        graded: result,
      }).record,
    );
  }
  writeGradebook(out, {
    format: GRADES_FORMAT,
    lab: lab.slug,
    labDigest: context.labDigest,
    checks: context.hiddenChecks ? "hidden" : "lab",
    grader: graderIdentity(),
    ...(args.shard ? { shard: args.shard } : {}),
    submissions: sources.map((s) => s.name),
    // A shard cannot tell who handed nothing in; the merge adds those rows, as a whole batch does.
    records: args.shard ? sortRecords(records) : withRoster(records, roster?.values),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const count = (status: string) => records.filter((r) => r.status === status).length;
  const part = args.shard ? ` (shard ${args.shard.index}/${args.shard.count})` : "";
  console.log(
    `\nGraded ${records.length} submissions${part} in ${seconds} s: ${count("pass")} pass, ${count("fail")} fail, ${count("error")} error.\nWrote ${join(out, "gradebook.csv")} and grades.json`,
  );
  return Math.max(EXIT.pass, ...[...graded.values()].map((g) => exitCodeOf(g.outcome)));
}

async function merge(argv: readonly string[]): Promise<number> {
  const args = parseMergeArgs(argv);
  const { readFolderMap } = await import("./roster");
  const { copySubmissionOutputs, mergeShards, writeGradebook } = await import("./merge");
  const roster = args.roster ? readFolderMap(resolve(args.roster), "student") : undefined;
  const shards = args.shards.map((dir) => resolve(dir));
  const grades = mergeShards(shards, roster?.values);
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  copySubmissionOutputs(shards, out, grades.submissions);
  writeGradebook(out, grades);
  const passed = grades.records.filter((r) => r.status === "pass").length;
  console.log(
    `Merged ${shards.length} shards: ${grades.submissions.length} submissions, ${grades.records.length} students, ${passed} pass.\nWrote ${join(out, "gradebook.csv")} and grades.json`,
  );
  return grades.records.every((r) => r.status === "pass") ? EXIT.pass : EXIT.fail;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    if (isMerge(argv)) return await merge(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message ? `${e.message}\n\n${USAGE}` : USAGE);
      return e.message ? EXIT.couldNotGrade : EXIT.pass;
    }
    if (["GradesFileError", "RosterError"].includes((e as Error).name)) {
      console.error((e as Error).message);
      return EXIT.couldNotGrade;
    }
    throw e;
  }
  let args: GradeArgs;
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
  if (!args.batch) return gradeOne(lab, args, out);
  try {
    return await gradeClass(lab, args, out);
  } catch (e) {
    if (["InputError", "RosterError"].includes((e as Error).name) || !(e instanceof Error)) {
      console.error((e as Error).message);
      return EXIT.couldNotGrade;
    }
    console.error(`Could not grade the batch: ${e.message}`);
    return EXIT.couldNotGrade;
  }
}

process.exitCode = await main(process.argv.slice(2));
await releaseVitestChildren();
