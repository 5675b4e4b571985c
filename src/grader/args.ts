/** `npm run grade -- <lab> <submission-dir> [--out DIR] [--checks DIR] [--timeout S] [--batch DIR]` */
export interface GradeArgs {
  lab: string;
  /** One submission folder; absent in batch mode. */
  submission?: string;
  /** A folder of submission folders. */
  batch?: string;
  out: string;
  checks?: string;
  timeoutSeconds?: number;
  /** How many submissions a batch grades at once (default: the number of cores). */
  jobs?: number;
}

export const USAGE = `Usage:
  npm run grade -- <lab> <submission-dir> [--out DIR] [--checks DIR] [--timeout S]
  npm run grade -- <lab> --batch <dir-of-submissions> [--out DIR] [--checks DIR] [--timeout S] [--jobs N]

  <lab>        a folder name under labs/ (bank-account) or a path to a lab folder
  --out        where results.json, junit.xml and summary.txt go (default: grade-results)
  --checks     grade with these checks instead of the lab's own (hidden checks)
  --timeout    stop the checks after S seconds (default: the lab's timeoutSeconds)
  --batch      grade every sub-folder of a folder and write gradebook.csv
  --jobs       submissions graded at once in a batch (default: number of cores)

Exit code: 0 every check passes, 1 a check fails or the submission has errors, 2 grading could not run.`;

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") throw new UsageError("");
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      const value = inline ?? argv[++i];
      if (!name || !["out", "checks", "timeout", "batch", "jobs"].includes(name)) {
        throw new UsageError(`Unknown option ${arg}.`);
      }
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`${arg} needs a value.`);
      flags.set(name, value);
    } else {
      positional.push(arg);
    }
  }
  const [lab, submission, ...rest] = positional;
  if (!lab) throw new UsageError("Name the lab to grade.");
  if (rest.length > 0) throw new UsageError(`Unexpected argument ${rest[0]}.`);
  const batch = flags.get("batch");
  if (batch && submission)
    throw new UsageError("Give either a submission folder or --batch, not both.");
  if (!batch && !submission) throw new UsageError("Give a submission folder (or --batch DIR).");
  const positiveNumber = (name: string) => {
    const raw = flags.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new UsageError(`--${name} must be a positive number, not "${raw}".`);
    return n;
  };
  const jobs = positiveNumber("jobs");
  return {
    lab,
    submission,
    batch,
    out: flags.get("out") ?? "grade-results",
    checks: flags.get("checks"),
    timeoutSeconds: positiveNumber("timeout"),
    jobs: jobs === undefined ? undefined : Math.floor(jobs),
  };
}
