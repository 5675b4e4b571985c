import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { submissionArchive } from "../labs/client/zip";
import type { V3Results } from "../labs/results";
import { parseGradeArgs, parseMergeArgs, parseShard, UsageError } from "./args";
import { gradeSource, shardOf } from "./batch";
import { classroom50Result } from "./classroom50";
import { gradebookCsv, gradeRecord } from "./gradebook";
import { gradescopeResults } from "./gradescope";
import { type Lab, loadLab } from "./lab";
import { withRoster } from "./merge";
import { digestOf, provenanceOf } from "./provenance";
import { parseFolderMap } from "./roster";
import { schemaProblems, validators } from "./schemas";
import { scoreResults } from "./score";
import { readSubmissionZip, ZIP_LIMITS } from "./submission-zip";

/**
 * The output formats, on results made by hand: each is held to its JSON schema in
 * src/grader/schemas/, and every score to the rule that status and points agree. The formats
 * from real grading runs are checked again in class-grading.test.ts.
 */

const work = mkdtempSync(join(tmpdir(), "grader-formats-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const test = (name: string, status: "pass" | "fail" | "error", task_id?: number) => ({
  name,
  test_code: "expect(1).toBe(1);",
  status,
  ...(status === "pass" ? {} : { message: `${name} went wrong\nsecond line` }),
  ...(task_id === undefined ? {} : { task_id }),
});

const failing: V3Results = {
  version: 3,
  status: "fail",
  tests: [
    test("1. Deposit > adds", "pass", 1),
    test("1. Deposit > refuses 0", "fail", 1),
    test("1. Deposit > refuses -1", "pass", 1),
    test("2. Withdraw > lowers", "pass", 2),
    test("2. Withdraw > refuses", "pass", 2),
  ],
};
const passing: V3Results = {
  version: 3,
  status: "pass",
  tests: failing.tests.map((t) => ({ ...test(t.name, "pass", t.task_id) })),
};
/** Code that did not compile: no check ran, and the results list none. */
const compileError: V3Results = {
  version: 3,
  status: "error",
  message: "The submission does not compile:\naccount.ts:3:1: error TS1005",
  tests: [],
};
/** A timeout: the checks that never finished are listed as failures. */
const timedOut: V3Results = {
  version: 3,
  status: "error",
  message: "Timed out after 8 s while running the check …",
  tests: failing.tests.map((t, i) => (i < 2 ? t : { ...test(t.name, "fail", t.task_id) })),
};
const expected = failing.tests.map((t) => ({ file: "checks/a.test.ts", name: t.name }));
const points = { "1": 10, "2": 5 };

const lab = {
  slug: "bank-account",
  dir: "/labs/bank-account",
  meta: {},
  files: [],
} as unknown as Lab;
const provenance = provenanceOf({
  lab,
  labDigest: digestOf(new Map([["lab.json", "{}"]])),
  hiddenChecks: false,
  name: "ada",
  files: { "account.ts": "export {}" },
  commit: "a".repeat(40),
  now: new Date("2026-09-01T10:00:00Z"),
});
const classroom50Env = {
  CLASSROOM: "es-2026",
  ASSIGNMENT: "bank-account",
  SUBMISSION_TAG: "submit/20260901T100000Z-abc1234",
  COMMIT_URL: "https://github.com/org/es-2026-bank-account-ada/commit/abc1234",
  RELEASE_URL: "https://github.com/org/es-2026-bank-account-ada/releases/tag/submit%2F1",
};

describe("scores", () => {
  it("give a task its points times the share of its checks that pass, rounded down", () => {
    const card = scoreResults(failing, { points, expected });
    expect(card.tasks.map((t) => [t.title, t.score, t.maxScore])).toEqual([
      ["1. Deposit", 6, 10], // 2 of 3 checks: 6.67, rounded down
      ["2. Withdraw", 5, 5],
    ]);
    expect([card.score, card.maxScore]).toEqual([11, 15]);
  });

  it("default to one point per check", () => {
    const card = scoreResults(failing, { expected });
    expect(card.tasks.map((t) => [t.score, t.maxScore])).toEqual([
      [2, 3],
      [2, 2],
    ]);
  });

  it.each([
    ["code that does not compile", compileError, 0],
    ["a timeout", timedOut, 1],
    ["a failure", failing, 4],
  ] as const)("never give %s points for checks that did not pass", (_, results, passed) => {
    const card = scoreResults(results, { expected });
    expect(card.maxScore).toBe(5); // every check the lab defines counts, run or not
    expect(card.score).toBe(passed);
    expect(card.score).toBeLessThan(card.maxScore);
    expect(card.tasks.flatMap((t) => t.checks).filter((c) => c.status === "pass")).toHaveLength(
      passed,
    );
  });

  it("count a check that two files share by name twice", () => {
    const twice = [...expected, { file: "checks/b.test.ts", name: "2. Withdraw > lowers" }];
    const card = scoreResults(failing, { expected: twice });
    expect(card.maxScore).toBe(6);
    expect(card.tasks[1]?.checks.map((c) => c.status)).toEqual(["pass", "pass", "error"]);
  });

  it("give full points exactly when every check passes", () => {
    const card = scoreResults(passing, { points, expected });
    expect(card.score).toBe(card.maxScore);
    // One check fewer, and the task loses points even when it is worth many per check.
    const oneShort = scoreResults(
      {
        ...passing,
        status: "fail",
        tests: [...passing.tests.slice(0, 4), test("2. Withdraw > refuses", "fail", 2)],
      },
      { points: { "2": 1000 }, expected },
    );
    expect(oneShort.tasks[1]?.score).toBe(500);
    expect(oneShort.score).toBeLessThan(oneShort.maxScore);
  });
});

describe("Gradescope results.json", () => {
  it.each([
    ["failing", failing],
    ["passing", passing],
    ["not compiling", compileError],
    ["timed out", timedOut],
  ] as const)("%s: valid, with a status that agrees with each score", (_, results) => {
    const card = scoreResults(results, { points, expected });
    const json = gradescopeResults(card, provenance, { seconds: 3.4 });
    expect(schemaProblems(validators.gradescope, json)).toEqual([]);
    expect(json.score).toBe(card.score);
    expect(json.execution_time).toBe(3);
    const scored = json.tests.filter((t) => t.max_score !== undefined);
    expect(scored.reduce((n, t) => n + (t.score ?? 0), 0)).toBe(json.score);
    for (const t of scored) expect(t.status === "passed").toBe(t.score === t.max_score);
    if (results.status === "error") {
      expect(json.tests[0]).toMatchObject({ name: "The checks run", status: "failed" });
      expect(json.tests[0]?.score).toBeUndefined();
    }
    expect(schemaProblems(validators.provenance, json.extra_data.provenance)).toEqual([]);
  });

  it("names each check of a task in its output, with why it failed", () => {
    const json = gradescopeResults(scoreResults(failing, { expected }), provenance);
    expect(json.tests[0]?.output).toBe(
      "2 of 3 checks pass\n✓ adds\n✗ refuses 0 — 1. Deposit > refuses 0 went wrong\n✓ refuses -1",
    );
  });

  it("shows the results to learners when asked: after the due date, say", () => {
    const json = gradescopeResults(scoreResults(compileError, { expected }), provenance, {
      visibility: "after_due_date",
    });
    expect(json.visibility).toBe("after_due_date");
    expect(new Set(json.tests.map((t) => t.visibility))).toEqual(new Set(["after_due_date"]));
  });

  it("the schema refuses what Gradescope would not read", () => {
    const json = gradescopeResults(scoreResults(failing, { expected }), provenance);
    expect(schemaProblems(validators.gradescope, { ...json, visibility: "public" })).not.toEqual(
      [],
    );
    expect(
      schemaProblems(validators.gradescope, { tests: [{ name: "a", status: "ok" }] }),
    ).not.toEqual([]);
  });
});

describe("Classroom 50 result.json", () => {
  it.each([
    ["failing", failing],
    ["passing", passing],
    ["not compiling", compileError],
  ] as const)("%s: valid classroom50/result/v1 in Classroom 50's runner", (_, results) => {
    const card = scoreResults(results, { points, expected });
    const json = classroom50Result(card, "bank-account", classroom50Env);
    expect(schemaProblems(validators.classroom50, json)).toEqual([]);
    // What JSON Schema cannot say, and Classroom 50's runner checks.
    expect(json.score).toBeLessThanOrEqual(json["max-score"]);
    expect(json.tests.reduce((n, t) => n + t.score, 0)).toBe(json.score);
    expect(json.tests.reduce((n, t) => n + t["max-score"], 0)).toBe(json["max-score"]);
    for (const t of json.tests) {
      expect(t.score).toBeLessThanOrEqual(t["max-score"]);
      expect(t.passed).toBe(t.score === t["max-score"]);
    }
    expect(json.review).toBe(classroom50Env.COMMIT_URL);
  });

  it("outside Classroom 50 writes the scores, and no identity it does not know", () => {
    const json = classroom50Result(scoreResults(failing, { expected }), "bank-account", {});
    expect(Object.keys(json).sort()).toEqual([
      "assignment",
      "max-score",
      "schema",
      "score",
      "tests",
    ]);
    expect(json.assignment).toBe("bank-account");
    expect(schemaProblems(validators.classroom50, json)).toContain(
      "(root) must have required property 'submission'",
    );
  });

  it("the schema refuses fractional points and a submission tag not under submit/", () => {
    const json = classroom50Result(scoreResults(failing, { expected }), "x", classroom50Env);
    expect(schemaProblems(validators.classroom50, { ...json, score: 1.5 })).not.toEqual([]);
    expect(schemaProblems(validators.classroom50, { ...json, submission: "v1" })).not.toEqual([]);
  });
});

describe("Exercism v3 results.json", () => {
  it.each([failing, passing, compileError, timedOut])("is valid (%#)", (results) => {
    expect(schemaProblems(validators.exercism, results)).toEqual([]);
  });

  it("the schema requires a message for an error", () => {
    expect(
      schemaProblems(validators.exercism, { ...compileError, message: undefined }),
    ).not.toEqual([]);
  });
});

describe("the gradebook", () => {
  const records = [
    gradeRecord("s002", "bob", scoreResults(failing, { points, expected })),
    gradeRecord("s001", "ada", scoreResults(passing, { points, expected })),
    gradeRecord("s003", "carl", scoreResults(compileError, { points, expected })),
  ];
  const rows = () =>
    parse(
      gradebookCsv(
        withRoster(
          records,
          new Map([
            ["dana", "s004"],
            ["ada", "s001"],
          ]),
        ),
      ),
      {
        columns: true,
      },
    ) as Record<string, string>[];

  it("has one row per student, keyed by student id, one column per task and a total", () => {
    const table = rows();
    expect(table.map((r) => r.student)).toEqual(["s001", "s002", "s003", "s004"]);
    expect(Object.keys(table[0] ?? {})).toEqual([
      "student",
      "submission",
      "status",
      "1. Deposit (10)",
      "2. Withdraw (5)",
      "total (15)",
      "message",
    ]);
    expect(table[1]).toEqual({
      student: "s002",
      submission: "bob",
      status: "fail",
      "1. Deposit (10)": "6",
      "2. Withdraw (5)": "5",
      "total (15)": "11",
      message: "",
    });
  });

  it("scores a submission that did not compile 0 and says why", () => {
    expect(rows()[2]).toMatchObject({
      status: "error",
      "total (15)": "0",
      message: "The submission does not compile:",
    });
  });

  it("lists a roster student with no submission as missing, with zeros", () => {
    expect(rows()[3]).toEqual({
      student: "s004",
      submission: "",
      status: "missing",
      "1. Deposit (10)": "0",
      "2. Withdraw (5)": "0",
      "total (15)": "0",
      message: "No submission.",
    });
  });

  it("keeps the total equal to the sum of the task columns in every row", () => {
    for (const row of rows()) {
      expect(Number(row["1. Deposit (10)"]) + Number(row["2. Withdraw (5)"])).toBe(
        Number(row["total (15)"]),
      );
    }
  });

  it("grades.json records are valid", () => {
    const file = {
      format: "es-actors-workshop/grades/v1",
      lab: "bank-account",
      labDigest: provenance.lab.digest,
      checks: "lab",
      grader: provenance.grader,
      shard: { index: 1, count: 2 },
      submissions: ["ada", "bob", "carl"],
      records: records.map((r) => ({ ...r, provenance })),
    };
    expect(schemaProblems(validators.grades, file)).toEqual([]);
  });
});

describe("the roster", () => {
  const roster = (text: string) => parseFolderMap(text, "roster.csv", "student");

  it("maps folders to student ids, ignoring other columns and quoting", () => {
    const { values } = roster('name,folder,student\n"Lovelace, Ada",ada,s001\nBob,bob,s002\n');
    expect([...values]).toEqual([
      ["ada", "s001"],
      ["bob", "s002"],
    ]);
  });

  it.each([
    ["", /roster\.csv: is empty; it needs a header row: folder,student/],
    [
      "folder,id\nada,1\n",
      /roster\.csv:1: the header must name the columns "folder" and "student"/,
    ],
    ["folder,student\nada,s1\nbob\n", /roster\.csv:3: the "student" column is empty for bob/],
    [
      "folder,student\nada,s1\n\nada,s2\n",
      /roster\.csv:4: the folder "ada" is listed twice \(first on line 2\)/,
    ],
    ["folder,student\nada,s1\nbob,s1\n", /roster\.csv:3: the student "s1" is listed twice/],
    ["folder,student\n../etc,s1\n", /roster\.csv:2: "\.\.\/etc" is not a folder name/],
    ['folder,student\n"ada,s1\n', /roster\.csv:2: Quote Not Closed/],
  ])("refuses %j, naming the line", (text, message) => {
    expect(() => roster(text)).toThrow(message);
  });
});

describe("shards", () => {
  const names = Array.from({ length: 11 }, (_, i) => `s${String(i).padStart(2, "0")}`);

  it.each([1, 2, 3, 4, 11, 15])("%i shards partition the class: every folder once", (count) => {
    const parts = Array.from({ length: count }, (_, i) => shardOf(names, { index: i + 1, count }));
    expect(parts.flat().sort()).toEqual(names);
    expect(new Set(parts.flat()).size).toBe(names.length);
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it.each([
    ["0/4", /asks for part 0 of 4/],
    ["5/4", /asks for part 5 of 4/],
    ["1/0", /has no parts/],
    ["2", /--shard is i\/n.*"2" is not/],
    ["a/b", /"a\/b" is not/],
  ])("refuses --shard %s", (raw, message) => {
    expect(() => parseShard(raw)).toThrow(message);
  });
});

describe("arguments", () => {
  it("reads a sharded batch with a roster, and a zip with a commit", () => {
    expect(
      parseGradeArgs(["lab", "--batch", "subs", "--shard", "2/3", "--roster", "r.csv"]),
    ).toMatchObject({ batch: "subs", shard: { index: 2, count: 3 }, roster: "r.csv" });
    expect(
      parseGradeArgs([
        "lab",
        "a.zip",
        "--commit",
        "f".repeat(40),
        "--visibility",
        "after_due_date",
      ]),
    ).toMatchObject({ submission: "a.zip", commit: "f".repeat(40), visibility: "after_due_date" });
    expect(parseMergeArgs(["merge", "--out", "all", "s1", "s2"])).toEqual({
      shards: ["s1", "s2"],
      out: "all",
      roster: undefined,
    });
  });

  it.each([
    [["lab", "dir", "--shard", "1/2"], /--shard goes with --batch/],
    [["lab", "dir", "--roster", "r.csv"], /--roster goes with --batch/],
    [["lab", "--batch", "b", "--commit", "a".repeat(40)], /a batch takes --commits CSV/],
    [["lab", "dir", "--commit", "HEAD"], /--commit must be a full commit id/],
    [
      ["lab", "dir", "--visibility", "public"],
      /--visibility must be one of hidden, after_due_date/,
    ],
    [["lab", "--batch", "b", "--shard", "1/2", "--shard", "2/2"], /--shard is given twice/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseGradeArgs(argv)).toThrow(UsageError);
    expect(() => parseGradeArgs(argv)).toThrow(message);
  });

  it.each([
    [["merge", "s1"], /merge needs --out DIR/],
    [["merge", "--out", "x"], /Name the --out folders of the shards/],
  ])("refuses the merge %j", (argv, message) => {
    expect(() => parseMergeArgs(argv)).toThrow(message);
  });
});

describe("submission zips", () => {
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(work, name);
    writeFileSync(path, bytes);
    return path;
  };

  it("reads what Download submission saves, without its top folder", () => {
    const archive = submissionArchive("bank-account", ["account.ts", "entity.ts"], {
      "account.ts": "export const a = 1;\n",
      "entity.ts": "export const é = 'ü';\n",
    });
    const files = readSubmissionZip(write(archive.name, archive.bytes));
    expect([...files.keys()]).toEqual(["account.ts", "entity.ts"]);
    expect(new TextDecoder().decode(files.get("entity.ts"))).toBe("export const é = 'ü';\n");
  });

  it("reads a zip made by another tool, with deflated files and macOS's extras", () => {
    const path = write(
      "other.zip",
      zipSync({
        "work/account.ts": new TextEncoder().encode("x".repeat(5000)),
        "work/notes/readme.md": new TextEncoder().encode("hi"),
        "__MACOSX/work/._account.ts": new Uint8Array([0]),
      }),
    );
    expect([...readSubmissionZip(path).keys()]).toEqual(["account.ts", "notes/readme.md"]);
  });

  it.each([
    ["../../evil.ts", /"\.\.\/\.\.\/evil\.ts" climbs out with \.\.,.*zip-slip/],
    ["sub/../../evil.ts", /climbs out with \.\./],
    ["/etc/evil.ts", /is an absolute path/],
    ["C:/evil.ts", /is an absolute path/],
    ["..\\evil.ts", /uses backslashes/],
  ])("refuses the zip-slip path %s and unpacks nothing", (name, message) => {
    const path = write(
      "slip.zip",
      zipSync({ [name]: new Uint8Array([1]), "ok.ts": new Uint8Array([2]) }),
    );
    expect(() => readSubmissionZip(path)).toThrow(message);
  });

  it("refuses an entry larger than a lab file can be, before unpacking it", () => {
    const big = new Uint8Array(ZIP_LIMITS.entryBytes + 1); // zeros: compresses to almost nothing
    const path = write("bomb.zip", zipSync({ "account.ts": big }, { level: 9 }));
    expect(() => readSubmissionZip(path)).toThrow(
      /bomb\.zip: the entry "account\.ts" is 1\.0 MB unpacked; a file may be at most 1\.0 MB/,
    );
  });

  it("refuses a file that is not a zip, saying so", () => {
    const path = write("fake.zip", new TextEncoder().encode("not a zip"));
    expect(() => readSubmissionZip(path)).toThrow(/fake\.zip is not a zip that can be read/);
  });
});

describe("a submission that is a link", () => {
  it("is refused before grading: it could point at the lab's solution", async () => {
    const link = join(work, "submission");
    symlinkSync(join(process.cwd(), "labs/bank-account/solution"), link);
    const { outcome } = await gradeSource(loadLab("bank-account"), link, {});
    expect(outcome.couldNotGrade).toBe(false);
    expect(outcome.results).toMatchObject({
      status: "error",
      message: expect.stringMatching(/submission is a symbolic link; hand in the folder/),
      tests: [],
    });
  });
});
