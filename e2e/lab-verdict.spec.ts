import { spawn } from "node:child_process";
import {
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
import type { Page } from "@playwright/test";
import type { V3Results } from "../src/labs/results";
import { expect, test } from "./fixtures";

/**
 * One verdict (issue 14): the same submissions go through the lab page and through
 * `npm run grade`, and both must give the same status and the same result for every check. The
 * submissions are the solution, the starter, a type error, and every mutant and alternative the
 * lab has (`labs/<slug>/mutants/*`, `labs/<slug>/alternatives/*`).
 */

interface LabMeta {
  editable: string[];
  timeoutSeconds: number;
}

const LABS = readdirSync("labs", { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join("labs", d.name, "lab.json")))
  .map((d) => d.name)
  .sort();

const metaOf = (slug: string) =>
  JSON.parse(readFileSync(join("labs", slug, "lab.json"), "utf8")) as LabMeta;

/** A learner's editable files, by name. */
type Submission = Record<string, string>;

function editableFrom(slug: string, dir: string, base: Submission): Submission {
  const files = { ...base };
  for (const name of metaOf(slug).editable) {
    const path = join(dir, name);
    if (existsSync(path)) files[name] = readFileSync(path, "utf8");
  }
  return files;
}

/** The solution, the starter, a type error, then every mutant and alternative present. */
function submissionsOf(slug: string): Map<string, Submission> {
  const lab = join("labs", slug);
  const starter = editableFrom(slug, join(lab, "starter"), {});
  const solution = editableFrom(slug, join(lab, "solution"), starter);
  const [first] = metaOf(slug).editable;
  if (!first) throw new Error(`${lab}/lab.json has no editable file`);
  const subs = new Map<string, Submission>([
    ["solution", solution],
    ["starter", starter],
    [
      "type-error",
      {
        ...solution,
        [first]: `${solution[first]}\nexport const notANumber: number = "a string";\n`,
      },
    ],
  ]);
  for (const kind of ["mutants", "alternatives"]) {
    const dir = join(lab, kind);
    if (!existsSync(dir)) continue;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory())
        subs.set(`${kind}-${d.name}`, editableFrom(slug, join(dir, d.name), solution));
    }
  }
  return subs;
}

/** `npm run grade -- <slug> --batch`: results.json of each submission folder. */
async function gradeAll(
  slug: string,
  subs: Map<string, Submission>,
): Promise<Map<string, V3Results>> {
  const root = mkdtempSync(join(tmpdir(), `verdict-${slug}-`));
  try {
    const batch = join(root, "batch");
    for (const [name, files] of subs) {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(join(batch, name), { recursive: true });
        writeFileSync(join(batch, name, file), text);
      }
    }
    const out = join(root, "out");
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        "npx",
        ["tsx", "src/grader/cli.ts", slug, "--batch", batch, "--out", out],
        {
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      child.on("exit", resolve);
    });
    expect(code, "npm run grade exits 0 or 1 (2: grading could not run)").not.toBe(2);
    return new Map(
      [...subs.keys()].map((name) => [
        name,
        JSON.parse(readFileSync(join(out, name, "results.json"), "utf8")) as V3Results,
      ]),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function paste(page: Page, file: string, text: string) {
  await page.getByRole("tab", { name: new RegExp(`^${file.replace(".", "\\.")}`) }).click();
  await page.locator("#editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    (document.activeElement ?? document.body).dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

/** What the page shows: the run's status, its message and each check's status, by full name. */
async function pageVerdict(page: Page) {
  return page.locator("#results").evaluate((results) => ({
    status: results.querySelector(".summary")?.classList[1] ?? "none",
    message: results.querySelector(".run-message")?.textContent ?? "",
    tests: [...results.querySelectorAll<HTMLElement>("li[data-name]")].map((li) => [
      li.dataset.name,
      li.dataset.status,
    ]),
  }));
}

/** `account.ts:12:5: error TS2322` from the first line of a "does not compile" message. */
const firstCompileError = (message: string | undefined) =>
  /^(\S+:\d+:\d+): error (TS\d+)/m.exec(message ?? "")?.slice(1, 3);

test.describe.configure({ timeout: 600_000 });

for (const slug of LABS) {
  test(`${slug}: the lab page and npm run grade give the same verdict for the same files`, async ({
    page,
  }) => {
    const subs = submissionsOf(slug);
    const grading = gradeAll(slug, subs);
    grading.catch(() => {});
    const meta = metaOf(slug);

    await page.goto(`/labs/${slug}/`);
    await expect(page.locator("#editor[data-ready=true] .monaco-editor")).toBeVisible({
      timeout: 30_000,
    });
    const seen = new Map<string, Awaited<ReturnType<typeof pageVerdict>>>();
    let runs = 0;
    for (const [name, files] of subs) {
      for (const file of meta.editable) await paste(page, file, files[file] ?? "");
      await page.getByRole("button", { name: /Run checks/ }).click();
      runs += 1;
      await expect(page.locator(`#results[data-runs="${runs}"]`)).toBeAttached({
        timeout: (meta.timeoutSeconds + 15) * 1000,
      });
      seen.set(name, await pageVerdict(page));
    }

    const graded = await grading;
    for (const [name, ci] of graded) {
      const browser = seen.get(name);
      const label = `${slug}/${name}`;
      expect(browser?.status, `${label}: status (CI says ${ci.status}: ${ci.message ?? ""})`).toBe(
        ci.status,
      );
      // Every check of every submission: status and name, in the same order.
      expect(browser?.tests, `${label}: per-check results`).toEqual(
        ci.tests.map((t) => [t.name, t.status]),
      );
      if (name === "type-error") {
        expect(ci.message, label).toMatch(/^The submission does not compile:/);
        expect(browser?.message, label).toMatch(/^The submission does not compile:/);
        expect(firstCompileError(browser?.message), label).toEqual(firstCompileError(ci.message));
        expect(firstCompileError(ci.message)?.[1], label).toBe("TS2322");
      }
    }
    expect(graded.get("solution")?.status).toBe("pass");
    expect(graded.get("starter")?.status).not.toBe("pass");
  });
}
