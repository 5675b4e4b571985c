import { COMMIT_ID } from "./provenance";

/** `npm run grade -- <lab> <submission> …`, `… --batch DIR …`, or `npm run grade -- merge …`. */
export interface GradeArgs {
  lab: string;
  /** One submission folder or zip; absent in batch mode. */
  submission?: string;
  /** A folder of submission folders (and zips). */
  batch?: string;
  out: string;
  checks?: string;
  timeoutSeconds?: number;
  /** How many submissions a batch grades at once (default: the number of cores). */
  jobs?: number;
  /** This runner's part of a batch: the `index`-th of `count` (1-based). */
  shard?: Shard;
  /** CSV mapping submission folder → student id. */
  roster?: string;
  /** CSV mapping submission folder → the learner's commit, for provenance. */
  commits?: string;
  /** The learner's commit, for the provenance of a single submission. */
  commit?: string;
  /** When Gradescope shows the results to the learner (default: visible). */
  visibility?: "hidden" | "after_due_date" | "after_published" | "visible";
}

const VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"] as const;

export interface Shard {
  index: number;
  count: number;
}

/** `npm run grade -- merge --out DIR [--roster CSV] SHARD_OUT...` */
export interface MergeArgs {
  shards: string[];
  out: string;
  roster?: string;
}

export const USAGE = `Usage:
  npm run grade -- <lab> <submission> [--out DIR] [--checks DIR] [--timeout S] [--commit SHA]
  npm run grade -- <lab> --batch <dir> [--shard i/n] [--roster CSV] [--commits CSV]
                   [--out DIR] [--checks DIR] [--timeout S] [--jobs N]
  npm run grade -- merge --out DIR [--roster CSV] <shard-out-dir>...

  <lab>        a folder name under labs/ (bank-account) or a path to a lab folder
  <submission> a folder holding the lab's editable files, or the zip "Download submission" saves
  --out        where the outputs go (default: grade-results): results.json (Exercism v3),
               junit.xml, summary.txt, provenance.json, gradescope/results.json and
               classroom50/result.json; a batch writes them per submission, plus
               gradebook.csv and grades.json
  --checks     grade with these checks instead of the lab's own (hidden checks)
  --timeout    stop the checks after S seconds (default: the lab's timeoutSeconds)
  --commit     the learner's commit that was checked out, recorded in provenance.json
  --batch      grade every sub-folder (and .zip) of a folder and write a gradebook
  --shard      grade only part i of n of the batch (folders sorted by name, every n-th one)
  --roster     CSV with the columns folder,student: the gradebook is keyed by student id
  --commits    CSV with the columns folder,commit: each learner's commit, for provenance
  --jobs       submissions graded at once in a batch (default: number of cores)
  --visibility when Gradescope shows the results to learners: visible (default), hidden,
               after_due_date or after_published
  merge        merge the --out folders of a sharded batch into one gradebook in --out

Exit code: 0 every check passes, 1 a check fails or a submission has errors, 2 grading could not run.`;

export class UsageError extends Error {
  override name = "UsageError";
}

const GRADE_OPTIONS = [
  "out",
  "checks",
  "timeout",
  "batch",
  "jobs",
  "shard",
  "roster",
  "commits",
  "commit",
  "visibility",
];

function split(argv: readonly string[], known: readonly string[]) {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") throw new UsageError("");
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      const value = inline ?? argv[++i];
      if (!name || !known.includes(name)) throw new UsageError(`Unknown option ${arg}.`);
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`${arg} needs a value.`);
      if (flags.has(name)) throw new UsageError(`--${name} is given twice.`);
      flags.set(name, value);
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

export function isMerge(argv: readonly string[]): boolean {
  return argv[0] === "merge";
}

export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const { positional, flags } = split(argv, GRADE_OPTIONS);
  const [lab, submission, ...rest] = positional;
  if (!lab) throw new UsageError("Name the lab to grade.");
  if (rest.length > 0) throw new UsageError(`Unexpected argument ${rest[0]}.`);
  const batch = flags.get("batch");
  if (batch && submission)
    throw new UsageError("Give either a submission folder or --batch, not both.");
  if (!batch && !submission) throw new UsageError("Give a submission folder (or --batch DIR).");
  for (const name of ["shard", "roster", "commits", "jobs"]) {
    if (!batch && flags.has(name)) throw new UsageError(`--${name} goes with --batch.`);
  }
  if (batch && flags.has("commit")) {
    throw new UsageError("--commit is for one submission; a batch takes --commits CSV.");
  }
  const positiveNumber = (name: string) => {
    const raw = flags.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new UsageError(`--${name} must be a positive number, not "${raw}".`);
    return n;
  };
  const jobs = positiveNumber("jobs");
  const commit = flags.get("commit");
  if (commit !== undefined && !COMMIT_ID.test(commit)) {
    throw new UsageError(
      `--commit must be a full commit id (40 hexadecimal digits, lower case), not "${commit}".`,
    );
  }
  const shard = flags.get("shard");
  const visibility = flags.get("visibility");
  if (visibility !== undefined && !(VISIBILITIES as readonly string[]).includes(visibility)) {
    throw new UsageError(
      `--visibility must be one of ${VISIBILITIES.join(", ")}, not "${visibility}".`,
    );
  }
  return {
    lab,
    submission,
    batch,
    out: flags.get("out") ?? "grade-results",
    checks: flags.get("checks"),
    timeoutSeconds: positiveNumber("timeout"),
    jobs: jobs === undefined ? undefined : Math.floor(jobs),
    shard: shard === undefined ? undefined : parseShard(shard),
    roster: flags.get("roster"),
    commits: flags.get("commits"),
    commit,
    visibility: visibility as GradeArgs["visibility"],
  };
}

/** `2/4` → the second of four shards. */
export function parseShard(raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const hint = `--shard is i/n, the i-th of n parts with 1 ≤ i ≤ n, such as 2/4`;
  if (!m) throw new UsageError(`${hint}; "${raw}" is not.`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`${hint}; "${raw}" has no parts.`);
  if (index < 1 || index > count) {
    throw new UsageError(`${hint}; "${raw}" asks for part ${index} of ${count}.`);
  }
  return { index, count };
}

export function parseMergeArgs(argv: readonly string[]): MergeArgs {
  const { positional, flags } = split(argv, ["out", "roster"]);
  const [command, ...shards] = positional;
  if (command !== "merge") throw new UsageError('A merge starts with "merge".');
  if (shards.length === 0) {
    throw new UsageError("Name the --out folders of the shards to merge.");
  }
  const out = flags.get("out");
  if (!out) throw new UsageError("merge needs --out DIR, the folder for the merged gradebook.");
  return { shards, out, roster: flags.get("roster") };
}
