import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submissionArchive } from "../labs/client/zip";
import { readLabFolder } from "../labs/lab-files.node.ts";
import type { GradesFile } from "./grades-file";
import { mergeShards } from "./merge";
import { OUTPUT_FILES } from "./outputs";
import { schemaProblems, validators } from "./schemas";

/**
 * Grading a class the way the workflows in examples/github-actions do, through the CLI: one
 * whole batch with a roster, the same batch in two shards, and their merge, which must give the
 * same gradebook; a submission handed in as the zip the lab page's Download submission saves. Each
 * output of every run is held to its JSON schema.
 *
 * Grading is what costs time, so the class is small and cheap: the solution (a real run), the
 * starter as a zip (a real run), and code that does not compile (stopped before Vitest starts),
 * graded with the three hidden checks of fixtures/hidden-checks rather than the lab's 21 (the
 * CLI's runs with the lab's own checks are cli.test.ts's). The lab is a copy of bank-account whose
 * lab.json gives its two tasks 10 and 5 points.
 */
const REPO = process.cwd();
const BANK = join(REPO, "labs/bank-account");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const HIDDEN = join(REPO, "src/grader/fixtures/hidden-checks");
const TIMEOUT_S = "60"; // as in cli.test.ts: a loaded machine must not time the starter out
const POINTS = { "1": 10, "2": 5 };

const work = mkdtempSync(join(tmpdir(), "class-grading-"));
const path = (...parts: string[]) => join(work, ...parts);
const LAB = path("bank-points");

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function grade(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, "src/grader/cli.ts", ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), 240_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const json = (...parts: string[]) => JSON.parse(readFileSync(path(...parts), "utf8"));
const csvRows = (...parts: string[]) =>
  parse(readFileSync(path(...parts), "utf8"), { columns: true }) as Record<string, string>[];

const COMMITS: Record<string, string> = {
  ada: "1".repeat(40),
  bob: "2".repeat(40),
  carl: "3".repeat(40),
};
/** What Classroom 50's runner hands its autograder. */
const CLASSROOM50_ENV = {
  CLASSROOM: "es-2026",
  ASSIGNMENT: "bank-account",
  SUBMISSION_TAG: "submit/20260901T100000Z-1111111",
  COMMIT_URL: "https://github.com/org/es-2026-bank-account-ada/commit/1111111",
  RELEASE_URL: "https://github.com/org/es-2026-bank-account-ada/releases/tag/submit%2F1",
};

let whole: CliRun;
let shards: CliRun[];
let merged: CliRun;
let mergeMissing: CliRun;
let zipRun: CliRun;
let badRoster: CliRun;

beforeAll(async () => {
  const starter = readLabFolder("bank-account", "starter");
  const solution = readLabFolder("bank-account", "solution");
  const editable = ["account.ts", "entity.ts"];
  cpSync(BANK, LAB, { recursive: true });
  const meta = JSON.parse(readFileSync(join(LAB, "lab.json"), "utf8"));
  writeFileSync(join(LAB, "lab.json"), JSON.stringify({ ...meta, points: POINTS }, null, 2));
  // The class: a folder, a zip as the lab page saves it, and code that does not compile.
  cpSync(join(BANK, "solution"), path("class", "ada"), { recursive: true });
  const bob = submissionArchive("bank-account", editable, starter);
  writeFileSync(path("class", "bob.zip"), bob.bytes);
  mkdirSync(path("class", "carl"));
  for (const name of editable) writeFileSync(path("class", "carl", name), starter[name] as string);
  writeFileSync(path("class", "carl", "account.ts"), "export const = ;\n");
  writeFileSync(
    path("roster.csv"),
    "name,folder,student\nAda,ada,s001\nBob,bob,s002\nCarl,carl,s003\nDana,dana,s004\n",
  );
  writeFileSync(
    path("commits.csv"),
    `folder,commit\n${Object.entries(COMMITS)
      .map(([f, c]) => `${f},${c}`)
      .join("\n")}\n`,
  );
  writeFileSync(path("bad-roster.csv"), "folder,student\nada,s001\nbob,s001\n");
  const solutionZip = submissionArchive("bank-account", editable, solution);
  writeFileSync(path(solutionZip.name), solutionZip.bytes);

  const batch = (out: string, ...more: string[]) => [
    LAB,
    "--checks",
    HIDDEN,
    "--batch",
    path("class"),
    "--roster",
    path("roster.csv"),
    "--commits",
    path("commits.csv"),
    "--out",
    path(out),
    "--jobs",
    "1",
    "--timeout",
    TIMEOUT_S,
    ...more,
  ];
  // Two graders at a time, one per core: more at once only makes each wait longer for the CPU.
  [whole, zipRun, badRoster] = await Promise.all([
    grade(batch("whole"), CLASSROOM50_ENV),
    grade([
      LAB,
      "--checks",
      HIDDEN,
      path(solutionZip.name),
      "--out",
      path("zip-out"),
      "--commit",
      "f".repeat(40),
      "--visibility",
      "after_published",
      "--timeout",
      TIMEOUT_S,
    ]),
    grade([LAB, "--batch", path("class"), "--roster", path("bad-roster.csv")]), // stops at once
  ]);
  shards = await Promise.all([
    grade(batch("shard-1", "--shard", "1/2")),
    grade(batch("shard-2", "--shard", "2/2")),
  ]);
  const shardDirs = [path("shard-1"), path("shard-2")];
  [merged, mergeMissing] = await Promise.all([
    grade(["merge", "--out", path("merged"), "--roster", path("roster.csv"), ...shardDirs]),
    grade(["merge", "--out", path("m1"), path("shard-1")]),
  ]);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a class graded in one batch, keyed by the roster", () => {
  it("exits 1 (some submissions fail) and writes a row per student, missing ones too", () => {
    expect(whole.stderr).toBe("");
    expect(whole.status).toBe(1);
    const rows = csvRows("whole", "gradebook.csv");
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "student",
      "submission",
      "status",
      "1. The four-step table (10)",
      "2. Rejected commands leave no trace (5)",
      "total (15)",
      "message",
    ]);
    // The starter passes one of task 1's two checks (10 × 1/2) and not task 2's only one.
    expect(rows.map((r) => Object.values(r).slice(0, 6))).toEqual([
      ["s001", "ada", "pass", "10", "5", "15"],
      ["s002", "bob", "fail", "5", "0", "5"],
      ["s003", "carl", "error", "0", "0", "0"],
      ["s004", "", "missing", "0", "0", "0"],
    ]);
  });

  it.each(["ada", "bob", "carl"])("writes every format for %s, each valid", (name) => {
    for (const file of OUTPUT_FILES) expect(existsSync(path("whole", name, file)), file).toBe(true);
    expect(schemaProblems(validators.exercism, json("whole", name, "results.json"))).toEqual([]);
    const gradescope = json("whole", name, "gradescope", "results.json");
    expect(schemaProblems(validators.gradescope, gradescope)).toEqual([]);
    const classroom50 = json("whole", name, "classroom50", "result.json");
    expect(schemaProblems(validators.classroom50, classroom50)).toEqual([]);
    const provenance = json("whole", name, "provenance.json");
    expect(schemaProblems(validators.provenance, provenance)).toEqual([]);
    // One score, whichever format reads it.
    const row = csvRows("whole", "gradebook.csv").find((r) => r.submission === name);
    expect(gradescope.score).toBe(Number(row?.["total (15)"]));
    expect(classroom50.score).toBe(gradescope.score);
    expect(classroom50["max-score"]).toBe(15);
    expect(
      gradescope.tests
        .filter((t: { max_score?: number }) => t.max_score !== undefined)
        .map((t: { max_score: number }) => t.max_score),
    ).toEqual([10, 5]);
    expect(classroom50.score).toBeLessThanOrEqual(classroom50["max-score"]);
    expect(gradescope.extra_data.provenance).toEqual(provenance);
  });

  it("records provenance: the learner's commit, the lab's digest, the grader's version", () => {
    const provenance = json("whole", "ada", "provenance.json");
    expect(provenance.submission).toMatchObject({ name: "ada", commit: COMMITS.ada });
    expect(provenance.lab).toMatchObject({ slug: "bank-points", checks: "hidden" });
    expect(provenance.lab.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
    expect(provenance.grader.version).toBe(version);
    // The same lab gives the same digest; different code gives a different submission digest.
    expect(json("whole", "bob", "provenance.json").lab.digest).toBe(provenance.lab.digest);
    expect(json("whole", "bob", "provenance.json").submission.digest).not.toBe(
      provenance.submission.digest,
    );
  });

  it("gives code that does not compile no points, and says why", () => {
    const classroom50 = json("whole", "carl", "classroom50", "result.json");
    expect(classroom50.tests.every((t: { score: number }) => t.score === 0)).toBe(true);
    expect(classroom50.tests.every((t: { passed: boolean }) => !t.passed)).toBe(true);
    const gradescope = json("whole", "carl", "gradescope", "results.json");
    expect(gradescope.tests[0]).toMatchObject({ name: "The checks run", status: "failed" });
    expect(gradescope.tests[0].output).toMatch(/^The submission does not compile:\naccount\.ts:1:/);
  });

  it("fills Classroom 50's identity fields from its runner's environment", () => {
    expect(json("whole", "ada", "classroom50", "result.json")).toMatchObject({
      schema: "classroom50/result/v1",
      classroom: "es-2026",
      assignment: "bank-account",
      submission: CLASSROOM50_ENV.SUBMISSION_TAG,
      review: CLASSROOM50_ENV.COMMIT_URL,
    });
  });

  it("refuses a roster that lists a student twice, naming the line, before grading", () => {
    expect(badRoster.status).toBe(2);
    expect(badRoster.stderr).toMatch(
      /bad-roster\.csv:3: the student "s001" is listed twice \(first on line 2\)/,
    );
  });
});

describe("the same class in two shards, merged", () => {
  it("grades each submission in exactly one shard", () => {
    for (const run of shards) expect(run.stderr).toBe("");
    const one = json("shard-1", "grades.json") as GradesFile;
    const two = json("shard-2", "grades.json") as GradesFile;
    expect(one.shard).toEqual({ index: 1, count: 2 });
    expect(one.submissions).toEqual(["ada", "carl"]);
    expect(two.submissions).toEqual(["bob"]);
    expect(readdirSync(path("shard-2")).sort()).toEqual(["bob", "gradebook.csv", "grades.json"]);
    for (const file of [one, two]) expect(schemaProblems(validators.grades, file)).toEqual([]);
  });

  it("merges into the gradebook the whole batch wrote, byte for byte", () => {
    expect(merged.stderr).toBe("");
    expect(merged.status).toBe(1);
    expect(readFileSync(path("merged", "gradebook.csv"), "utf8")).toBe(
      readFileSync(path("whole", "gradebook.csv"), "utf8"),
    );
  });

  it("has the whole batch's records: the union of the shards, none twice", () => {
    const strip = (g: GradesFile) =>
      g.records.map(({ provenance, ...record }) => ({
        ...record,
        provenance: provenance && { ...provenance, gradedAt: "" },
      }));
    const all = json("merged", "grades.json") as GradesFile;
    const batch = json("whole", "grades.json") as GradesFile;
    expect(schemaProblems(validators.grades, all)).toEqual([]);
    expect(all.shard).toBeUndefined();
    expect(all.submissions).toEqual(batch.submissions);
    expect(strip(all)).toEqual(strip(batch));
    const students = all.records.map((r) => r.student);
    expect(new Set(students).size).toBe(students.length);
    for (const name of ["ada", "bob", "carl"]) {
      expect(existsSync(path("merged", name, "gradescope", "results.json"))).toBe(true);
    }
  });

  it.each([
    ["a shard missing", ["shard-1"], /^Shard 2\/2 missing: a merged gradebook must cover/],
    ["a shard twice", ["shard-1", "shard-1", "shard-2"], /^Shard 1\/2 is given twice: /],
    ["a whole batch among shards", ["shard-1", "whole"], /whole is a whole batch, not a shard/],
    ["a folder that is no batch", ["shard-1", "class"], /class has no grades\.json/],
  ])("refuses a merge with %s", (_, dirs, message) => {
    expect(() => mergeShards(dirs.map((d) => path(d)))).toThrow(message);
  });

  it("says so and exits 2 from the CLI, writing no gradebook", () => {
    expect(mergeMissing.status).toBe(2);
    expect(mergeMissing.stderr).toMatch(/Shard 2\/2 missing/);
    expect(existsSync(path("m1", "gradebook.csv"))).toBe(false);
  });
});

describe("a submission handed in as the lab page's zip", () => {
  it("grades like the folder it holds", () => {
    expect(zipRun.stderr).toBe("");
    expect(zipRun.status).toBe(0);
    expect(zipRun.stdout).toMatch(/PASS: 3\/3 checks pass · 15\/15 points/);
    const provenance = json("zip-out", "provenance.json");
    expect(provenance.submission.name).toBe("bank-account-submission");
    expect(provenance.submission.commit).toBe("f".repeat(40));
    expect(json("zip-out", "gradescope", "results.json").visibility).toBe("after_published");
    // The files graded are the solution's: the same digest as the solution folder in the batch.
    expect(provenance.submission.digest).toBe(
      json("whole", "ada", "provenance.json").submission.digest,
    );
  });

  it("grades the starter's zip in a batch, under the zip's name", () => {
    const results = json("whole", "bob", "results.json");
    expect(results.status).toBe("fail");
    expect(results.tests).toHaveLength(3);
  });
});
