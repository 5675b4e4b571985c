import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Node-side access to a lab's folders, for tests and tools (the site reads them through Vite). */
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
