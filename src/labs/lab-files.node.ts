import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Node-side access to a lab's folders, for tests and tools (the site reads them through Vite).
 *
 * Layout: `starter/` is the learner's whole workspace, every editable and every read-only file;
 * `solution/` holds only the editable files, a model submission. A read-only file lives once, in
 * `starter/`, and every run (browser, grader, check-labs) takes it from there.
 */
export const LABS_DIR = fileURLToPath(new URL("../../labs/", import.meta.url));

/** Every `.ts` file directly in `labs/<slug>/<folder>/`, keyed as the runner expects. */
export function readLabFolder(
  slug: string,
  folder: "starter" | "solution" | "checks",
): Record<string, string> {
  const dir = join(LABS_DIR, slug, folder);
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".ts")) continue;
    const key = folder === "checks" ? `checks/${name}` : name;
    files[key] = readFileSync(join(dir, name), "utf8");
  }
  return files;
}

/** The read-only files lab.json lists. */
export function readonlyFilesOf(slug: string): string[] {
  const meta = JSON.parse(readFileSync(join(LABS_DIR, slug, "lab.json"), "utf8")) as {
    readonly?: string[];
  };
  return meta.readonly ?? [];
}

/**
 * Everything the checks import for one file set: the starter as it is, or the solution's
 * editable files with the read-only files of `starter/`, as the browser and the grader run it.
 */
export function readLabFiles(
  slug: string,
  fileSet: "starter" | "solution",
): Record<string, string> {
  if (fileSet === "starter") return readLabFolder(slug, "starter");
  const starter = readLabFolder(slug, "starter");
  const readonly = Object.fromEntries(
    readonlyFilesOf(slug).map((name) => [name, starter[name] as string]),
  );
  return { ...readonly, ...readLabFolder(slug, "solution") };
}
