import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildEvent, ChildPlan, WireError, WireTask } from "./child/protocol";

/**
 * Runs plans in Vitest children and listens to their report channel (fd 3). A child and the
 * worker it forks share a process group, so a timeout kills both at once with SIGKILL: a
 * synchronous infinite loop never gets a chance to clean up, and does not need one. A child that
 * finished a plan normally waits for the next one, which spares a batch from loading Vitest for
 * every submission; a child that was killed is replaced.
 */

const CHILD = fileURLToPath(new URL("./child/vitest-run.ts", import.meta.url));
export const HARDEN = fileURLToPath(new URL("./child/harden.ts", import.meta.url));

/** Vitest itself needs time to start before the lab's own clock runs; this bounds that time. */
const STARTUP_LIMIT_MS = 60_000;

/** Marks the worker's stderr line that names a starting check (kept in sync with harden.ts). */
const TEST_START_MARK = "\u0000lab-grader:test-start ";

export type ChildOutcome =
  | { kind: "done"; files: WireTask[]; outputs: Record<string, string>; unhandled: WireError[] }
  | { kind: "timeout"; limitMs: number; running: string | undefined; started: boolean }
  | { kind: "crashed"; detail: string };

/** What one run listens to while it owns a child. */
interface RunListener {
  onEvent(event: ChildEvent): void;
  onAnnounce(name: string): void;
  onExit(detail: string): void;
}

class VitestChild {
  private readonly process: ChildProcess;
  private listener: RunListener | undefined;
  private log = "";
  alive = true;

  constructor() {
    this.process = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", "--max-old-space-size=1024", CHILD],
      {
        // fd 3 is the report channel; plans go in on stdin; stdout and stderr are for crashes.
        stdio: ["pipe", "pipe", "pipe", "pipe"],
        detached: true,
        // A minimal environment: secrets of the CI job (tokens) must not reach learner code.
        env: {
          PATH: process.env.PATH ?? "",
          NO_COLOR: "1",
          FORCE_COLOR: "0",
          NODE_ENV: "test",
        },
      },
    );
    live.add(this);
    this.process.stdout?.on("data", (chunk: Buffer) => this.keepLog(chunk.toString()));
    lines(this.process.stderr, (line) => {
      const at = line.indexOf(TEST_START_MARK);
      const name = at >= 0 ? parseName(line.slice(at + TEST_START_MARK.length)) : undefined;
      if (name !== undefined) this.listener?.onAnnounce(name);
      else this.keepLog(`${line}\n`);
    });
    lines(this.process.stdio[3] as NodeJS.ReadableStream, (line) => {
      this.listener?.onEvent(JSON.parse(line) as ChildEvent);
    });
    this.process.on("close", (code, signal) => {
      this.alive = false;
      live.delete(this);
      this.kill();
      this.listener?.onExit(
        `the Vitest child ended (${signal ?? `exit code ${code}`}) without a report.\n${this.log.trim()}`,
      );
    });
  }

  private keepLog(text: string): void {
    this.log = (this.log + text).slice(-4_000);
  }

  /** Kills the child and every process of its group (the worker running learner code). */
  kill(): void {
    const pid = this.process.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /**
   * An idle child must not keep the grader running: unreferenced, it lets the process exit,
   * and the exit hook then kills it.
   */
  hold(held: boolean): void {
    const handles = [this.process, ...this.process.stdio] as ({
      ref?(): void;
      unref?(): void;
    } | null)[];
    for (const handle of handles) {
      if (held) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** Asks the child to exit once idle, and resolves when it has. */
  end(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.process.once("close", () => resolve()));
    this.hold(true);
    this.process.stdin?.end();
    return closed;
  }

  run(plan: ChildPlan, timeoutMs: number): Promise<ChildOutcome> {
    return new Promise((resolve) => {
      const running = new Map<string, string>();
      const finished = new Set<string>();
      let announced: string | undefined;
      let started = false;
      let settled = false;
      const settle = (outcome: ChildOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.listener = undefined;
        resolve(outcome);
      };
      const stop = (limitMs: number) => {
        const current =
          announced !== undefined && !finished.has(announced)
            ? announced
            : [...running.values()].at(-1);
        settle({ kind: "timeout", limitMs, running: current, started });
        this.kill();
      };
      let timer = setTimeout(() => stop(STARTUP_LIMIT_MS), STARTUP_LIMIT_MS);
      this.listener = {
        onAnnounce: (name) => {
          announced = name;
        },
        onExit: (detail) => settle({ kind: "crashed", detail }),
        onEvent: (event) => {
          if (event.type === "queued" && !started) {
            // The lab's own clock starts when the first check file is handed to the worker.
            started = true;
            clearTimeout(timer);
            timer = setTimeout(() => stop(timeoutMs), timeoutMs);
          } else if (event.type === "test-start") {
            running.set(event.id, event.name);
          } else if (event.type === "test-end") {
            const name = running.get(event.id);
            if (name !== undefined) finished.add(name);
            running.delete(event.id);
          } else if (event.type === "done") {
            settle({
              kind: "done",
              files: event.files,
              outputs: event.outputs,
              unhandled: event.unhandled,
            });
          } else if (event.type === "failed") {
            settle({ kind: "crashed", detail: `Vitest could not run: ${event.message}` });
          }
        },
      };
      this.process.stdin?.write(`${JSON.stringify(plan)}\n`);
    });
  }
}

/** Children waiting for a plan. */
const idle: VitestChild[] = [];
/** Every child not yet ended, killed if the grader itself exits or is interrupted. */
const live = new Set<VitestChild>();

process.on("exit", () => {
  for (const child of live) child.kill();
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of live) child.kill();
    process.exit(2);
  });
}

/** Runs one plan in an idle child (or a new one); a child is reused only after a clean finish. */
export async function runVitestChild(plan: ChildPlan, timeoutMs: number): Promise<ChildOutcome> {
  let child = idle.pop();
  while (child && !child.alive) child = idle.pop();
  child ??= new VitestChild();
  child.hold(true);
  const outcome = await child.run(plan, timeoutMs);
  if (outcome.kind === "done" && child.alive) {
    child.hold(false);
    idle.push(child);
  } else {
    child.kill();
  }
  return outcome;
}

/** Ends the idle children and waits for them, so they leave cleanly (and their CPU time counts). */
export async function releaseVitestChildren(): Promise<void> {
  await Promise.all(idle.splice(0).map((child) => child.end()));
}

function lines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void) {
  let buffer = "";
  stream?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      onLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
}

function parseName(json: string): string | undefined {
  try {
    const name = JSON.parse(json) as unknown;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}
