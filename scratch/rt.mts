import { gradeBatch } from "/work/grader-trust/src/grader/batch.ts";
import { loadLab } from "/work/grader-trust/src/grader/lab.ts";
import { releaseVitestChildren } from "/work/grader-trust/src/grader/run-vitest.ts";
const which = process.argv[2];
const lab = loadLab(which === "split" ? "split-brain" : "bank-account");
const t = performance.now();
const outcomes = await gradeBatch(lab, `/tmp/gt-b/${which}`, { skipStaticChecks: true, jobs: 2, timeoutSeconds: 60 });
for (const [name, o] of outcomes) {
  const r = o.results;
  const msgs = [r.message ?? "", ...r.tests.filter((t) => t.status !== "pass").map((t) => `${t.message ?? ""} ${t.output ?? ""}`)];
  console.log(name.padEnd(34), o.couldNotGrade, r.status, r.tests.filter((t) => t.status === "pass").length, "/", r.tests.length, "|", msgs.join(" ## ").replace(/\n/g, " ⏎ ").slice(0, 400));
}
console.log("seconds", (performance.now() - t) / 1000);
await releaseVitestChildren();
