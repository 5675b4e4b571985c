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
 *       lab/          the submission's editable files + the lab's read-only files (type check)
 *       bridge/, lab-modules.ts   how checks load those files in a compartment (lab-bridge.ts)
 *       checks/       the checks (the lab's, or hidden ones)
 *       .tmp/         Vitest's scratch space (its TMPDIR)
 *       node_modules  → the repository's, so `vitest` resolves from the checks
 *
 * The worker that runs the learner's code may read this folder and node_modules, and nothing
 * else: the lab's solution is never copied here.
 */
export const REPO_DIR = fileURLToPath(new URL("../../", import.meta.url));
export const NODE_MODULES = realpathSync(join(REPO_DIR, "node_modules"));
export const RUNTIME_ENTRY = join(REPO_DIR, "src/runtime/index.ts");

export interface Sandbox {
  root: string;
  labDir: string;
  /** Where `@lab/<file>` points in the worker. */
  bridgeDir: string;
  checksDir: string;
  tmpDir: string;
  /** Absolute paths of every lab file and check, for the type checker. */
  paths: string[];
  dispose(): void;
}

export function createSandbox(
  lab: Lab,
  files: Readonly<Record<string, string>>,
  checks: Readonly<Record<string, string>>,
): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "lab-grade-")));
  const labDir = join(root, "lab");
  const tmpDir = join(root, ".tmp");
  mkdirSync(tmpDir, { recursive: true });
  const paths: string[] = [];
  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    paths.push(path);
  };
  const labFiles: Record<string, string> = {};
  for (const name of lab.meta.editable) {
    labFiles[name] = files[name] ?? "";
    write(join(labDir, name), labFiles[name]);
  }
  // Read-only files come from the lab, whatever the submission holds.
  for (const name of lab.meta.readonly) {
    labFiles[name] = readFileSync(join(lab.dir, "starter", name), "utf8");
    write(join(labDir, name), labFiles[name]);
  }
  writeLabBridge(root, lab, labFiles);
  for (const [name, text] of Object.entries(checks)) write(join(root, name), text);
  symlinkSync(NODE_MODULES, join(root, "node_modules"), "dir");
  return {
    root,
    labDir,
    bridgeDir: join(root, "bridge"),
    checksDir: join(root, "checks"),
    tmpDir,
    paths,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
