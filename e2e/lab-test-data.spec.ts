import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

/**
 * Mutants (`labs/<slug>/mutants/`) and alternatives (`labs/<slug>/alternatives/`) are test data
 * for check-labs: the built site must never serve them. A mutant on the site would hand learners
 * a wrong answer; an alternative, a second solution. This looks for their distinctive lines
 * (lines no starter, solution or check file has) in every file of `dist/`, as written and as a
 * bundle quotes them; and, so that the search is shown to work, finds a line of a solution.
 */

const ROOT = join(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");
const LABS = join(ROOT, "labs");

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const TEXT = /\.(html|js|mjs|css|json|txt|xml|map|svg|ts|mdx)$/;

/** Lines long and particular enough to identify their file, trimmed. */
function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length >= 30);
}

/** The forms a line takes in the build: as written, and inside a JSON-quoted string. */
function forms(line: string): string[] {
  return [line, JSON.stringify(line).slice(1, -1)];
}

test("the built site serves no mutant and no alternative of any lab", () => {
  const dist = filesUnder(DIST)
    .filter((f) => TEXT.test(f))
    .map((f) => ({ path: f.slice(DIST.length + 1), text: readFileSync(f, "utf8") }));
  expect(dist.length, "run npm run build first: dist/ has no files").toBeGreaterThan(0);
  const found = (line: string) =>
    dist.find((f) => forms(line).some((form) => f.text.includes(form)))?.path;

  let testData = 0;
  for (const slug of readdirSync(LABS)) {
    const lab = join(LABS, slug);
    const published = new Set(
      ["starter", "solution", "checks"].flatMap((folder) =>
        filesUnder(join(lab, folder)).flatMap((f) => lines(readFileSync(f, "utf8"))),
      ),
    );
    for (const folder of ["mutants", "alternatives"]) {
      for (const file of filesUnder(join(lab, folder))) {
        for (const line of lines(readFileSync(file, "utf8"))) {
          if (published.has(line)) continue;
          testData++;
          expect(found(line), `${file.slice(ROOT.length + 1)}: "${line}" is in dist/`).toBe(
            undefined,
          );
        }
      }
    }
  }
  expect(testData, "no mutant or alternative lines to look for").toBeGreaterThan(0);

  // The search works: a line only the solution has is shipped (the lab page's "Show solution").
  const solution = readFileSync(join(LABS, "bank-account/solution/account.ts"), "utf8");
  const starter = new Set(lines(readFileSync(join(LABS, "bank-account/starter/account.ts"), "utf8")));
  const own = lines(solution).find((l) => !starter.has(l));
  expect(own, "bank-account's solution has a line of its own").toBeDefined();
  expect(found(own as string), `"${own}" should be in dist/`).toBeDefined();
});
