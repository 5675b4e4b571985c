import { readLabFolder } from "/work/grader-trust/src/labs/lab-files.node.ts";
import { runChecks } from "/work/grader-trust/src/labs/runner/core.ts";
const r = await runChecks({ files: readLabFolder("bank-account", "solution"), checks: readLabFolder("bank-account", "checks"), runtime: await import("/work/grader-trust/src/runtime/index.ts"), fastCheck: await import("fast-check") });
console.log(r.results.status, r.results.message?.slice(0, 2000), r.results.tests.filter(t=>t.status!=="pass").map(t=>t.message).slice(0,2));
