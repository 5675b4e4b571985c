import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LABS_DIR } from "../labs/lab-files.node.ts";
import { parseLabMeta } from "./lab";
import { SLUG, scaffoldFiles } from "./scaffold";

/**
 * `npm run new-lab -- <slug> [--dir <labs folder>]`: writes labs/<slug> with instructions,
 * lab.json, starter, solution and a first check. The lab shows up on /labs/ at the next build
 * (or at once under `npm start`): the site finds labs by their lab.json.
 */
export function createLab(slug: string, labsDir: string = LABS_DIR): string {
  if (!SLUG.test(slug)) {
    throw new Error(
      `"${slug}" is not a lab slug: use lower-case words joined by hyphens, like "shopping-cart".`,
    );
  }
  const dir = join(labsDir, slug);
  if (existsSync(dir)) throw new Error(`${dir} already exists; pick another slug or remove it.`);
  const files = scaffoldFiles(slug);
  // The scaffold must satisfy the schema the site builds with, or the site would not build.
  parseLabMeta(files["lab.json"] as string, join(dir, "lab.json"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const USAGE = "Usage: npm run new-lab -- <slug> [--dir <labs folder>]";

function main(argv: string[]): number {
  let slug: string | undefined;
  let labsDir = LABS_DIR;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { dir: { type: "string" } },
      allowPositionals: true,
    });
    if (positionals.length > 1)
      throw new Error(`one slug at a time, got ${positionals.join(", ")}`);
    slug = positionals[0];
    if (values.dir !== undefined) labsDir = resolve(values.dir);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!slug) {
    console.error(USAGE);
    return 2;
  }
  try {
    const dir = createLab(slug, labsDir);
    const shown = relative(process.cwd(), dir) || dir;
    console.log(`Created ${shown}/ with lab.json, instructions.mdx, starter/, solution/ and checks/.

Next:
  1. Write the tasks in ${shown}/instructions.mdx ("## 1. …" headings) and the summary in lab.json.
  2. Write one describe("N. <task title>") per task in ${shown}/checks/.
  3. Write the reference solution in ${shown}/solution/ (it starts as a copy of the starter's
     editable files; read-only files such as protocol.ts live in starter/ only).
  4. npm run check-labs -- ${slug}     until it prints ✓
  5. npm start, then open /labs/${slug}/ (drafts are listed only under npm start)
  6. When it is ready to publish, remove "draft": true from ${shown}/lab.json`);
    return 0;
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = main(process.argv.slice(2));
}
