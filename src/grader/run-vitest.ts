import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildEvent, ChildPlan, WireError, WireTask } from "./child/protocol";

/**
 * Runs the Vitest child for one plan and listens to its report channel (fd 3). The child and the
 * worker it forks share a process group, so a timeout kills both at once with SIGKILL: a
 * synchronous infinite loop never gets a chance to clean up, and does not need one.
 */

const CHILD = fileURLToPath(new URL("./child/vitest-run.ts", import.meta.url));
export const HARDEN = fileURLToPath(new URL("./child/harden.ts", import.meta.url));

/** Vitest itself needs time to start before the lab's own clock runs; this bounds that time. */
const STARTUP_LIMIT_MS = 60_000;

export type ChildOutcome =
  | { kind: "done"; files: WireTask[]; outputs: Record<string, string>; unhandled: WireError[] }
  | { kind: "timeout"; limitMs: number; running: string | undefined; started: boolean }
  | { kind: "crashed"; detail: string };

/** Child processes still running, killed if the grader itself is interrupted. */
const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pid of live) killGroup(pid);
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(2);
    });
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Marks the worker's stderr line that names a starting check (kept in sync with harden.ts). */
const TEST_START_MARK = "\u0000lab-grader:test-start ";

function parseName(json: string): string | undefined {
  try {
    const name = JSON.parse(json) as unknown;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

export function runVitestChild(
  plan: ChildPlan,
  options: { timeoutMs: number; tmpDir: string; cwd: string },
): Promise<ChildOutcome> {
  installExitHook();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--disable-warning=ExperimentalWarning",
        "--max-old-space-size=1024",
        CHILD,
        JSON.stringify(plan),
      ],
      {
        // fd 3 is the report channel; stdout and stderr are only kept for a crash report.
        stdio: ["ignore", "pipe", "pipe", "pipe"],
        detached: true,
        cwd: options.cwd,
        // A minimal environment: secrets of the CI job (tokens) must not reach learner code.
        env: {
          PATH: process.env.PATH ?? "",
          HOME: options.tmpDir,
          TMPDIR: options.tmpDir,
          NO_COLOR: "1",
          FORCE_COLOR: "0",
          NODE_ENV: "test",
        },
      },
    );
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);

    const running = new Map<string, string>();
    const finished = new Set<string>();
    let done: Extract<ChildOutcome, { kind: "done" }> | undefined;
    let outcome: ChildOutcome | undefined;
    let started = false;
    let log = "";
    const keepLog = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on("data", keepLog);
    // The worker names each check on stderr as it starts (see child/harden.ts).
    let announced: string | undefined;
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      for (let nl = stderr.indexOf("\n"); nl >= 0; nl = stderr.indexOf("\n")) {
        const line = stderr.slice(0, nl);
        stderr = stderr.slice(nl + 1);
        const at = line.indexOf(TEST_START_MARK);
        if (at >= 0) announced = parseName(line.slice(at + TEST_START_MARK.length)) ?? announced;
        else keepLog(Buffer.from(`${line}\n`));
      }
    });

    const finish = (result: ChildOutcome) => {
      outcome ??= result;
    };
    const kill = (limitMs: number) => {
      const current =
        announced !== undefined && !finished.has(announced)
          ? announced
          : [...running.values()].at(-1);
      finish({ kind: "timeout", limitMs, running: current, started });
      if (pid !== undefined) killGroup(pid);
    };
    let timer = setTimeout(() => kill(STARTUP_LIMIT_MS), STARTUP_LIMIT_MS);

    let buffer = "";
    const report = child.stdio[3] as NodeJS.ReadableStream | null;
    report?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const event = JSON.parse(line) as ChildEvent;
        if (event.type === "queued" && !started) {
          // The lab's own clock starts when the first check file is handed to the worker.
          started = true;
          clearTimeout(timer);
          timer = setTimeout(() => kill(options.timeoutMs), options.timeoutMs);
        } else if (event.type === "test-start") {
          running.set(event.id, event.name);
        } else if (event.type === "test-end") {
          const name = running.get(event.id);
          if (name !== undefined) finished.add(name);
          running.delete(event.id);
        } else if (event.type === "done") {
          done = {
            kind: "done",
            files: event.files,
            outputs: event.outputs,
            unhandled: event.unhandled,
          };
        }
      }
    });

    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (pid !== undefined) {
        live.delete(pid);
        // The worker may outlive a crashed child; nothing of this run may stay behind.
        killGroup(pid);
      }
      if (done) finish(done);
      finish({
        kind: "crashed",
        detail: `the Vitest child ended (${signal ?? `exit code ${code}`}) without a report.\n${log.trim()}`,
      });
      resolve(outcome as ChildOutcome);
    });
  });
}
