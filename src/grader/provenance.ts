import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Lab } from "./lab";

/**
 * What a grade was computed from, so that an instructor can tell later which code was graded, by
 * which checks and which grader: written as `provenance.json` beside every result and carried in
 * the Gradescope, JUnit and gradebook outputs.
 */
export interface Provenance {
  lab: {
    slug: string;
    /** sha256 over lab.json, the instructions, starter/, solution/ and the checks graded with. */
    digest: string;
    /** `lab` for the lab's own checks, `hidden` for `--checks DIR`. */
    checks: "lab" | "hidden";
  };
  grader: {
    /** package.json's version. */
    version: string;
    /** The workshop commit the grader ran from, when it runs from a git checkout. */
    commit?: string;
  };
  submission: {
    /** The folder (or zip) name. */
    name: string;
    /** sha256 over the editable files that were graded, by name. */
    digest: string;
    /** The learner's commit, as the workflow that checked it out said (`--commit`). */
    commit?: string;
  };
  /** The CI run that graded, from GitHub Actions' environment. */
  run?: { url: string };
  gradedAt: string;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every file under `dir`, as sorted relative paths. */
function filesUnder(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, `${prefix}${name}/`));
    else found.push(`${prefix}${name}`);
  }
  return found;
}

/** sha256 over `name\0sha256(content)\n` lines in name order: the same files, the same digest. */
export function digestOf(files: ReadonlyMap<string, Buffer | string>): string {
  const outer = createHash("sha256");
  for (const name of [...files.keys()].sort()) {
    const inner = createHash("sha256")
      .update(files.get(name) as Buffer | string)
      .digest("hex");
    outer.update(`${name}\0${inner}\n`);
  }
  return `sha256:${outer.digest("hex")}`;
}

/** The lab's content digest, with `checksDir` standing in for `checks/` when given. */
export function labDigest(lab: Lab, checksDir?: string): string {
  const files = new Map<string, Buffer>();
  for (const name of ["lab.json", "instructions.mdx"]) {
    if (existsSync(join(lab.dir, name))) files.set(name, readFileSync(join(lab.dir, name)));
  }
  for (const folder of ["starter", "solution"]) {
    for (const name of filesUnder(join(lab.dir, folder))) {
      files.set(`${folder}/${name}`, readFileSync(join(lab.dir, folder, name)));
    }
  }
  const checks = checksDir ?? join(lab.dir, "checks");
  for (const name of filesUnder(checks)) {
    files.set(`checks/${name}`, readFileSync(join(checks, name)));
  }
  return digestOf(files);
}

let graderCache: Provenance["grader"] | undefined;

export function graderIdentity(): Provenance["grader"] {
  if (graderCache) return graderCache;
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  graderCache = { version };
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5_000,
    }).trim();
    if (/^[0-9a-f]{40,64}$/.test(commit)) graderCache.commit = commit;
  } catch {
    // Not a git checkout (an unpacked release): the version alone identifies the grader.
  }
  return graderCache;
}

/** The GitHub Actions run this is, when it is one. */
export function ciRun(env: NodeJS.ProcessEnv = process.env): Provenance["run"] {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined;
  return { url: `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}` };
}

export interface ProvenanceInput {
  lab: Lab;
  labDigest: string;
  hiddenChecks: boolean;
  name: string;
  /** The editable files graded, by name. */
  files: Readonly<Record<string, string>>;
  commit?: string;
  now?: Date;
}

export function provenanceOf(input: ProvenanceInput): Provenance {
  const submission: Provenance["submission"] = {
    name: input.name,
    digest: digestOf(new Map(Object.entries(input.files))),
  };
  if (input.commit) submission.commit = input.commit;
  const provenance: Provenance = {
    lab: {
      slug: input.lab.slug,
      digest: input.labDigest,
      checks: input.hiddenChecks ? "hidden" : "lab",
    },
    grader: graderIdentity(),
    submission,
    gradedAt: (input.now ?? new Date()).toISOString(),
  };
  const run = ciRun();
  if (run) provenance.run = run;
  return provenance;
}

/** A git commit id as `--commit` accepts it. */
export const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
