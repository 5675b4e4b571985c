import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labMetaSchema } from "../labs/schema";
import { gradeSubmission } from "./grade";
import { loadLab } from "./lab";
import { checkLab, type LabProblem } from "./lab-rules";
import { createLab } from "./new-lab";
import { releaseVitestChildren } from "./run-vitest";
import { EXAMPLE_SOLUTION } from "./scaffold";

const labs = mkdtempSync(join(tmpdir(), "new-lab-test-"));
afterAll(async () => {
  await releaseVitestChildren();
  rmSync(labs, { recursive: true, force: true });
});

describe("a lab scaffolded by new-lab", () => {
  let dir: string;
  let problems: LabProblem[];
  let starterStatus: string;

  // checkLab runs the browser's runner, which must start outside a running test.
  beforeAll(async () => {
    dir = createLab("tally-counter", labs);
    writeFileSync(join(dir, "solution/counter.ts"), EXAMPLE_SOLUTION);
    problems = await checkLab(dir);
    starterStatus = (await gradeSubmission(loadLab(dir), join(dir, "starter"))).results.status;
  }, 180_000);

  it("has metadata the site accepts, so it is listed at once", () => {
    const meta = labMetaSchema.parse(JSON.parse(readFileSync(join(dir, "lab.json"), "utf8")));
    expect(meta).toMatchObject({
      title: "Tally counter",
      editable: ["counter.ts"],
      readonly: ["protocol.ts"],
    });
  });

  it("is built on the runtime, with its read-only file in starter/ only", () => {
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
    expect(files.filter((f) => f.endsWith(".ts"))).toEqual([
      "checks/counter.test.ts",
      "solution/counter.ts",
      "starter/counter.ts",
      "starter/protocol.ts",
    ]);
    expect(readFileSync(join(dir, "starter/counter.ts"), "utf8")).toMatch(
      /EventSourcedBehavior\.create<Command, Event, Counter>/,
    );
    expect(readFileSync(join(dir, "checks/counter.test.ts"), "utf8")).toMatch(
      /EventSourcedBehaviorTestKit\.create\(counterEntity/,
    );
  });

  it("passes check-labs once its solution is written", () => {
    expect(problems).toEqual([]);
  });

  it("has a starter that compiles and fails its checks, as it should", () => {
    expect(starterStatus).toBe("fail");
  });

  it("refuses a slug that is not kebab-case, or a lab that exists", () => {
    expect(() => createLab("Tally Counter", labs)).toThrow(/not a lab slug/);
    expect(() => createLab("tally-counter", labs)).toThrow(/already exists/);
  });
});

describe("check-labs names the lab, the file and the rule", () => {
  const broken = (name: string, change: (dir: string) => void) => {
    const dir = createLab(name, labs);
    writeFileSync(join(dir, "solution/counter.ts"), EXAMPLE_SOLUTION);
    change(dir);
    return checkLab(dir);
  };
  const edit = (path: string, from: string | RegExp, to: string) =>
    writeFileSync(path, readFileSync(path, "utf8").replace(from, to));

  it("a lab.json that breaks the schema", async () => {
    const problems = await broken("bad-schema", (dir) =>
      edit(join(dir, "lab.json"), '"minutes": 30', '"minutes": "half an hour"'),
    );
    expect(problems).toEqual([
      {
        lab: "bad-schema",
        file: "lab.json",
        rule: "schema",
        message: expect.stringMatching(/^minutes: /),
      },
    ]);
  });

  it("an editable file missing from the solution", async () => {
    const problems = await broken("missing-file", (dir) =>
      rmSync(join(dir, "solution/counter.ts")),
    );
    expect(problems).toContainEqual({
      lab: "missing-file",
      file: "solution/counter.ts",
      rule: "files",
      message: "lab.json lists counter.ts as editable, but solution/ has no such file",
    });
  });

  it("a read-only file copied into the solution", async () => {
    const problems = await broken("duplicated-readonly", (dir) =>
      writeFileSync(
        join(dir, "solution/protocol.ts"),
        readFileSync(join(dir, "starter/protocol.ts"), "utf8"),
      ),
    );
    expect(problems).toEqual([
      {
        lab: "duplicated-readonly",
        file: "solution/protocol.ts",
        rule: "files",
        message:
          "protocol.ts is read-only, so it lives only in starter/: delete solution/protocol.ts (every run takes starter/protocol.ts)",
      },
    ]);
  });

  it("a read-only file missing from the starter", async () => {
    const problems = await broken("missing-readonly", (dir) =>
      rmSync(join(dir, "starter/protocol.ts")),
    );
    expect(problems).toEqual([
      {
        lab: "missing-readonly",
        file: "starter/protocol.ts",
        rule: "files",
        message:
          "lab.json lists protocol.ts as read-only, but starter/ has no such file (read-only files live in starter/)",
      },
    ]);
  });

  it("a check that maps to no task, and a task without checks", async () => {
    const problems = await broken("unmapped", (dir) =>
      edit(
        join(dir, "checks/counter.test.ts"),
        'describe("1. Count up to the limit"',
        'describe("2. Count down"',
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        file: "checks/counter.test.ts:14",
        rule: "tasks",
        message: expect.stringMatching(
          /names task 2, but instructions\.mdx has no "## 2\. …" heading/,
        ),
      }),
      expect.objectContaining({
        file: "instructions.mdx",
        rule: "tasks",
        message: expect.stringMatching(/task "1\. Count up to the limit" has no checks/),
      }),
    ]);
  });

  it("points that are not whole, or that name a task the lab does not have", async () => {
    const fraction = await broken("fractional-points", (dir) =>
      edit(join(dir, "lab.json"), '"order"', '"points": { "1": 2.5 },\n  "order"'),
    );
    expect(fraction).toEqual([
      {
        lab: "fractional-points",
        file: "lab.json",
        rule: "schema",
        message: "points.1: must be a whole number of points",
      },
    ]);
    const unknownTask = await broken("points-unknown-task", (dir) =>
      edit(join(dir, "lab.json"), '"order"', '"points": { "1": 4, "7": 2 },\n  "order"'),
    );
    expect(unknownTask).toEqual([
      {
        lab: "points-unknown-task",
        file: "lab.json",
        rule: "tasks",
        message: 'points gives task 7 points, but instructions.mdx has no "## 7. …" heading',
      },
    ]);
  });

  it("instructions that do not compile or use an unknown component", async () => {
    const syntax = await broken("bad-mdx", (dir) =>
      edit(join(dir, "instructions.mdx"), "</Hint>", ""),
    );
    expect(syntax).toEqual([
      expect.objectContaining({
        lab: "bad-mdx",
        rule: "instructions",
        message: expect.stringMatching(
          /^MDX does not compile: Expected a closing tag for `<Hint>`/,
        ),
      }),
    ]);
    expect(syntax[0]?.file).toMatch(/^instructions\.mdx:\d+:\d+$/);
    const unknown = await broken("unknown-component", (dir) =>
      edit(join(dir, "instructions.mdx"), /Hint>/g, "Aside>"),
    );
    expect(unknown).toEqual([
      expect.objectContaining({
        file: "instructions.mdx",
        rule: "instructions",
        message: expect.stringMatching(/Aside/),
      }),
    ]);
  });
});

describe("npm run new-lab, as the guide tells an author to call it", () => {
  // A copy of the project's sources, so the command writes into the copy's own labs/ as it
  // would in a real checkout, without touching this one.
  const project = mkdtempSync(join(tmpdir(), "new-lab-cli-"));
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  beforeAll(() => {
    cpSync(join(repo, "src"), join(project, "src"), { recursive: true });
    for (const file of ["package.json", "tsconfig.json"])
      cpSync(join(repo, file), join(project, file));
    symlinkSync(join(repo, "node_modules"), join(project, "node_modules"));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const run = (...args: string[]) =>
    spawnSync("npm", ["run", "--silent", "new-lab", "--", ...args], {
      cwd: project,
      encoding: "utf8",
    });

  it("creates labs/<slug> from the slug alone, as a draft", () => {
    const result = run("tally-counter");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Created labs\/tally-counter\//);
    const meta = JSON.parse(readFileSync(join(project, "labs/tally-counter/lab.json"), "utf8"));
    expect(meta.draft).toBe(true);
  }, 60_000);

  it("takes --dir before or after the slug", () => {
    expect(run("--dir", "elsewhere", "first-lab").status).toBe(0);
    expect(run("second-lab", "--dir=elsewhere").status).toBe(0);
    expect(readdirSync(join(project, "elsewhere")).sort()).toEqual(["first-lab", "second-lab"]);
  }, 60_000);

  it("prints its usage, and creates nothing, without a slug or with an unknown flag", () => {
    for (const args of [[], ["--slug", "x"]]) {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/Usage: npm run new-lab -- <slug>/);
    }
    expect(readdirSync(join(project, "labs"))).toEqual(["tally-counter"]);
  }, 60_000);
});

describe("check-labs runs mutants and alternatives", () => {
  let draft: LabProblem[];
  let published: LabProblem[];
  const submission = (dir: string, folder: string, counter: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, "counter.ts"), counter);
  };

  // checkLab runs the browser's runner, which must start outside a running test.
  beforeAll(async () => {
    const dir = createLab("weak-checks", labs);
    writeFileSync(join(dir, "solution/counter.ts"), EXAMPLE_SOLUTION);
    // A "mutant" that is the solution with a comment: there is no bug for the checks to catch.
    submission(dir, "mutants/harmless", `// No bug here.\n${EXAMPLE_SOLUTION}`);
    writeFileSync(
      join(dir, "mutants/harmless/mutant.json"),
      JSON.stringify({ tasks: [1], rule: "the count never passes the limit" }),
    );
    // An "alternative" that is the starter: wrong, so the checks must refuse it.
    submission(
      dir,
      "alternatives/starter-again",
      readFileSync(join(dir, "starter/counter.ts"), "utf8"),
    );
    draft = await checkLab(dir);

    const full = createLab("published-bare", labs);
    writeFileSync(join(full, "solution/counter.ts"), EXAMPLE_SOLUTION);
    const meta = join(full, "lab.json");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('"draft": true', '"draft": false'));
    published = await checkLab(full);
  }, 300_000);

  it("names a mutant that survives its task, under Vitest in Node and in the browser's runner", () => {
    const survivors = draft.filter((p) => p.file === "mutants/harmless/");
    expect(survivors.map((p) => [p.rule, p.message.replace(/ under .*?: /, " under …: ")])).toEqual(
      [
        [
          "mutants",
          'the mutant survives task 1 under …: no check of that task catches "the count never passes the limit"',
        ],
        [
          "mutants",
          'the mutant survives task 1 under …: no check of that task catches "the count never passes the limit"',
        ],
      ],
    );
    expect(survivors.map((p) => p.message)).toEqual([
      expect.stringContaining("under Vitest in Node"),
      expect.stringContaining("under the browser's runner"),
    ]);
  });

  it("names an alternative the checks refuse", () => {
    expect(draft).toContainEqual(
      expect.objectContaining({
        file: "alternatives/starter-again/",
        rule: "alternatives",
        message: expect.stringMatching(/^a correct alternative fails under Vitest in Node/),
      }),
    );
  });

  it("asks a published lab for 6 mutants, naming every task, and 2 alternatives", () => {
    expect(published.map((p) => [p.file, p.rule, p.message])).toEqual([
      ["mutants/", "mutants", expect.stringMatching(/at least 6 mutants.*; it has 0$/)],
      [
        "alternatives/",
        "alternatives",
        expect.stringMatching(/at least 2 alternatives.*; it has 0$/),
      ],
      ["mutants/", "mutants", expect.stringMatching(/^no mutant names task "1\. /)],
    ]);
  });
});
