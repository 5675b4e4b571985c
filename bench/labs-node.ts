/**
 * `npx tsx bench/labs-node.ts <slug>…`: runs a lab's checks against its solution through the
 * browser's runner (src/labs/runner/core.ts) in Node and prints the total, the transpile time
 * and each check's time — where a run's time goes, without a browser.
 */
// Before the runtime loads, as in the browser's worker (src/labs/runner/lockdown.ts).
import "../src/labs/runner/lockdown.ts";
import * as fastCheck from "fast-check";
import { readLabFolder } from "../src/labs/lab-files.node.ts";
import { runChecks } from "../src/labs/runner/core.ts";
import * as runtime from "../src/runtime/index.ts";

const slugs = process.argv.slice(2);
for (const slug of slugs) {
  const files = { ...readLabFolder(slug, "starter"), ...readLabFolder(slug, "solution") };
  const starts = new Map<string, number>();
  const lines: string[] = [];
  const t0 = performance.now();
  const { results, timings } = await runChecks(
    { files, checks: readLabFolder(slug, "checks"), runtime, fastCheck, testTimeoutMs: 120_000 },
    {
      onTestStart: (t) => starts.set(t.id, performance.now()),
      onTestEnd: (t) =>
        lines.push(
          `  ${(performance.now() - (starts.get(t.id) ?? 0)).toFixed(0).padStart(6)} ms ${t.state} ${t.name.slice(0, 90)}`,
        ),
    },
  );
  console.log(
    `${slug}: ${results.status} total ${(performance.now() - t0).toFixed(0)} ms transpile ${timings.transpileMs.toFixed(0)} ms`,
  );
  console.log(lines.join("\n"));
}
