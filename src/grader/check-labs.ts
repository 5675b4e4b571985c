import { join, resolve } from "node:path";
import { LABS_DIR } from "../labs/lab-files.node.ts";
import { checkLab, type LabProblem, labFolders, variantVerdicts } from "./lab-rules";
import { releaseVitestChildren } from "./run-vitest";

/**
 * `npm run check-labs [-- [--every-check] <lab folder>…]`: validates every lab under labs/ (or
 * the folders given) and prints each problem as `labs/<slug>/<file>: <what to change> [rule]`,
 * then, per lab, the tasks each mutant fails. A mutant runs only the check files of the tasks it
 * must fail, unless `--every-check` asks for all of them.
 */
const everyCheck = process.argv.includes("--every-check");
const args = process.argv.slice(2).filter((a) => a !== "--every-check");
const folders =
  args.length > 0
    ? args.map((a) => resolve(a.includes("/") ? a : join(LABS_DIR, a)))
    : labFolders(LABS_DIR);

let problems: LabProblem[] = [];
for (const folder of folders) {
  const started = performance.now();
  const found = await checkLab(folder, { everyCheck });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const slug = folder.split(/[\\/]/).filter(Boolean).pop();
  if (found.length === 0) console.log(`✓ ${slug} (${seconds} s)`);
  for (const v of variantVerdicts.get(slug ?? "") ?? []) {
    const tasks = (list: number[]) => (list.length > 0 ? list.join(", ") : "none");
    const same = tasks(v.failing.node) === tasks(v.failing.browser);
    const failing = same
      ? tasks(v.failing.node)
      : `${tasks(v.failing.node)} in Node, ${tasks(v.failing.browser)} in the browser's runner`;
    console.log(`    ${v.kind} ${v.name}: tasks failing: ${failing}`);
  }
  for (const p of found) console.error(`✗ labs/${p.lab}/${p.file}: ${p.message} [${p.rule}]`);
  problems = [...problems, ...found];
}
if (folders.length === 0) console.log("No labs to check.");
process.exitCode = problems.length > 0 ? 1 : 0;
await releaseVitestChildren();
