/**
 * `npm run bench:labs [-- slug…]` (it builds the site first; E2E_PORT picks the preview port,
 * default 4342): wall times of each lab page's runs with the solution in the editor — the first
 * run after a page load, a run straight after it, and a warm run, started once the page says its
 * runner is at rest (every spare worker prepared) — and where a run's time goes: worker start to
 * first check, each check. The times are merged into bench/results.json.
 */
import { type ChildProcess, execSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";
import { spy, timeLabRuns } from "./lab-runs";
import { saveMetrics } from "./results-file";
import type { Metrics } from "./types";

const port = Number(process.env.E2E_PORT ?? 4342);
const base = `http://127.0.0.1:${port}`;
const slugs = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const labs =
  slugs.length > 0 ? slugs : ["bank-account", "chat-threads", "sharding-crash", "split-brain"];

async function serverUp(): Promise<boolean> {
  try {
    return (await fetch(`${base}/`)).ok;
  } catch {
    return false;
  }
}

let server: ChildProcess | undefined;
if (!(await serverUp())) {
  server = spawn("npx", ["astro", "preview", "--host", "127.0.0.1", "--port", String(port)], {
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 120 && !(await serverUp()); i++) await new Promise((r) => setTimeout(r, 500));
}

/**
 * CPU time (ms) of every thread of this browser's processes, polled while `during` runs, so
 * threads that end in between (a terminated check worker) still count. On a shared machine
 * wall time mostly measures the neighbours; CPU time measures the work.
 */
async function cpuDuring<T>(profile: string, during: () => Promise<T>): Promise<[T, number]> {
  const seen = new Map<string, [number, number]>();
  const poll = () => {
    const pids = execSync(`ps -eo pid,args | grep -F -- ${profile} | grep -v grep || true`)
      .toString()
      .split("\n")
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/)[0]);
    for (const pid of pids) {
      let tids: string[] = [];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
          const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          const ticks = Number(f[11]) + Number(f[12]);
          const key = `${pid}/${tid}`;
          const first = seen.get(key)?.[0] ?? ticks;
          seen.set(key, [first, ticks]);
        } catch {
          // The thread ended between listing and reading.
        }
      }
    }
  };
  poll();
  const baseline = new Set(seen.keys());
  let polling = true;
  const poller = (async () => {
    while (polling) {
      poll();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const result = await during();
  polling = false;
  await poller;
  poll();
  let ticks = 0;
  for (const [key, [first, last]] of seen) ticks += baseline.has(key) ? last - first : last;
  return [result, ticks * 10];
}

const metrics: Metrics = {};
try {
  for (const slug of labs) {
    const profile = mkdtempSync(join(tmpdir(), "lab-bench-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumExecutable(),
      args: chromiumArgs,
    });
    await context.addInitScript(spy);
    const page = await context.newPage();
    const runs = (await timeLabRuns(page, base, slug, (during) => cpuDuring(profile, during))).map(
      (r) => ({ ...r, cpuMs: r.measured }),
    );
    await context.close();
    const [first, rerun, warm] = runs;
    metrics[`labs.${slug}.first_run_ms`] = first?.wall ?? 0;
    metrics[`labs.${slug}.rerun_ms`] = rerun?.wall ?? 0;
    metrics[`labs.${slug}.warm_run_ms`] = warm?.wall ?? 0;
    console.log(
      `[${slug}] first_run_ms=${first?.wall} rerun_ms=${rerun?.wall} warm_run_ms=${warm?.wall} cpu_ms=${runs.map((r) => r.cpuMs).join(",")} (${first?.summary})`,
    );
    for (const [i, r] of runs.entries()) {
      console.log(
        `  run ${i + 1}: wall ${r.wall} ms, browser CPU ${r.cpuMs} ms, post→first check ${r.toFirstCheck.toFixed(0)} ms, worker timings ${JSON.stringify(r.timings)}`,
      );
      if (process.argv.includes("--tests")) console.log(r.tests.map((t) => `    ${t}`).join("\n"));
    }
  }
  saveMetrics(metrics, false);
  console.log("merged into bench/results.json");
} finally {
  if (server?.pid) process.kill(-server.pid);
}
