import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

/**
 * Mutants (`labs/<slug>/mutants/`) and alternatives (`labs/<slug>/alternatives/`) are test data
 * for check-labs: the built site must never serve them. A mutant on the site would hand learners
 * a wrong answer; an alternative, a second solution. This looks for their distinctive lines
 * (lines found in no other source of the site: src/, content/, and the labs' starter, solution
 * and check files) in every file of `dist/`, as written and as a
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

/** One pattern for many lines, in every form: a single pass over the build finds any of them. */
function anyOf(wanted: readonly string[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(wanted.flatMap(forms).map(literal).join("|"));
}

test("the built site serves no mutant and no alternative of any lab", () => {
  const dist = filesUnder(DIST)
    .filter((f) => TEXT.test(f))
    .map((f) => ({ path: f.slice(DIST.length + 1), text: readFileSync(f, "utf8") }));
  expect(dist.length, "run npm run build first: dist/ has no files").toBeGreaterThan(0);
  // Everything else the site is built from: a line found there may ship for its own sake.
  const sources = [
    ...readdirSync(LABS).flatMap((slug) =>
      ["starter", "solution", "checks"].flatMap((folder) => filesUnder(join(LABS, slug, folder))),
    ),
    ...filesUnder(join(ROOT, "src")),
    ...filesUnder(join(ROOT, "content")),
  ]
    .filter((f) => TEXT.test(f))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");

  const testData = new Map<string, string>();
  for (const slug of readdirSync(LABS))
    for (const folder of ["mutants", "alternatives"])
      for (const file of filesUnder(join(LABS, slug, folder)))
        for (const line of lines(readFileSync(file, "utf8")))
          if (!sources.includes(line)) testData.set(line, file.slice(ROOT.length + 1));
  expect(testData.size, "no mutant or alternative lines to look for").toBeGreaterThan(0);

  const pattern = anyOf([...testData.keys()]);
  for (const { path, text } of dist) {
    const hit = pattern.exec(text)?.[0];
    const line = [...testData.keys()].find((l) => hit !== undefined && forms(l).includes(hit));
    expect(hit, `dist/${path} holds "${line}" of ${line && testData.get(line)}`).toBeUndefined();
  }

  // The search works: a line only the solution has is shipped (the lab page's "Show solution").
  const solution = readFileSync(join(LABS, "bank-account/solution/account.ts"), "utf8");
  const starter = readFileSync(join(LABS, "bank-account/starter/account.ts"), "utf8");
  const own = lines(solution).find((l) => !starter.includes(l)) as string;
  expect(own, "bank-account's solution has a line of its own").toBeDefined();
  expect(
    dist.some(({ text }) => anyOf([own]).test(text)),
    `"${own}" should be in dist/`,
  ).toBe(true);
});
