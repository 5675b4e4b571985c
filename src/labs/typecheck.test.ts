import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { expect, it } from "vitest";
import { LABS_DIR } from "./lab-files.node";

/**
 * Check files import `@lab/<file>`, which means a different folder per run, so the site's
 * tsconfig leaves them out. Type-check them here against each lab's solution and its starter:
 * a check that does not compile against the starter would fail learners for the wrong reason.
 *
 * `solution/` holds only the editable files, and imports the read-only ones (`./protocol`) from
 * `starter/`, where they live; the site's tsconfig leaves it out too, and this is where it is
 * type-checked, with `rootDirs` laying it over the starter as every run does.
 */
const labs = readdirSync(LABS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function diagnostics(slug: string, fileSet: "solution" | "starter"): string[] {
  const dir = join(LABS_DIR, slug);
  const checks = readdirSync(join(dir, "checks")).filter((f) => f.endsWith(".ts"));
  const labFiles = readdirSync(join(dir, fileSet)).filter((f) => f.endsWith(".ts"));
  const program = ts.createProgram(
    [...checks.map((f) => join(dir, "checks", f)), ...labFiles.map((f) => join(dir, fileSet, f))],
    {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      types: [],
      rootDirs: [join(dir, fileSet), join(dir, "starter")],
      paths: {
        "@lab/*": [join(dir, fileSet, "*"), join(dir, "starter", "*")],
        "@runtime": [fileURLToPath(new URL("../runtime/index.ts", import.meta.url))],
      },
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName.slice(LABS_DIR.length)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

it.each(labs.flatMap((slug) => [[slug, "solution"] as const, [slug, "starter"] as const]))(
  "the checks of %s type-check against its %s",
  (slug, fileSet) => {
    expect(diagnostics(slug, fileSet)).toEqual([]);
  },
  60_000,
);
