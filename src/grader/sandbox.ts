import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Lab } from "./lab";
import { writeLabBridge } from "./lab-bridge";

/**
 * A fresh folder for one grading run, outside the submission's folder and the repository:
 *
 *     <tmp>/lab-grade-XXXX/
 *       bridge/, lab-modules.ts   how checks load the lab's files in a compartment (lab-bridge.ts)
 *       checks/       the checks (the lab's, or hidden ones)
 *       .tmp/         Vitest's scratch space (its TMPDIR)
 *       node_modules  → the repository's, so `vitest` resolves from the checks
 *
 * The worker that runs the learner's code may read this folder and node_modules, and nothing
 * else: the lab's solution is never copied here. (The type check reads the same files from
 * memory: program.ts.)
 */
export const REPO_DIR = fileURLToPath(new URL("../../", import.meta.url));
export const NODE_MODULES = realpathSync(join(REPO_DIR, "node_modules"));
export const RUNTIME_ENTRY = join(REPO_DIR, "src/runtime/index.ts");

export interface Sandbox {
  root: string;
  /** The lab's files as this run sees them: the submission's editable files, the lab's read-only ones. */
  labFiles: Readonly<Record<string, string>>;
  /** Where `@lab/<file>` points in the worker. */
  bridgeDir: string;
  checksDir: string;
  tmpDir: string;
  dispose(): void;
}

export function createSandbox(
  lab: Lab,
  files: Readonly<Record<string, string>>,
  checks: Readonly<Record<string, string>>,
): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "lab-grade-")));
  const tmpDir = join(root, ".tmp");
  mkdirSync(tmpDir, { recursive: true });
  const labFiles: Record<string, string> = {};
  for (const name of lab.meta.editable) labFiles[name] = files[name] ?? "";
  // Read-only files come from the lab, whatever the submission holds.
  for (const name of lab.meta.readonly) {
    labFiles[name] = readFileSync(join(lab.dir, "starter", name), "utf8");
  }
  writeLabBridge(root, lab, labFiles);
  for (const [name, text] of Object.entries(checks)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  symlinkSync(NODE_MODULES, join(root, "node_modules"), "dir");
  return {
    root,
    labFiles,
    bridgeDir: join(root, "bridge"),
    checksDir: join(root, "checks"),
    tmpDir,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
