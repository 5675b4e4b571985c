/**
 * The lab's files inside the grader's worker: loaded by the same module loader as in the browser
 * (src/labs/runner/loader.ts), each evaluated in one SES compartment whose globals hold only what
 * the lab grants (src/labs/runner/confine.ts). Check files reach them through generated bridge
 * modules (`@lab/<file>` → `<sandbox>/bridge/<file>`, written by ../lab-bridge.ts), so no lab
 * file is ever a module of the test runner: none of them can name `process`, Vitest's state or
 * its module loader, whatever it declares.
 *
 * The grader transpiled the files already: this worker never loads sucrase.
 */
import { labConfinement } from "../../labs/runner/confine.ts";
import { ModuleLoader } from "../../labs/runner/loader.ts";

export interface LabRegistry {
  /** Every lab file (editable and read-only) by path, with its transpiled code. */
  files: Record<string, { source: string; code: string }>;
  /** The learner's files, which get `@runtime` without the withheld exports. */
  editable: string[];
  /** lab.json `withheld`. */
  withheld: string[];
}

/**
 * One loader per worker, shared by every check file, as the browser shares one per run. As in
 * the browser, each check file sees lab modules of its own: before each check file, the setup
 * file (./harden.ts) calls `newCheckFile`, which forgets the loaded modules and binds every bridge
 * already evaluated (Vitest keeps them between files under `isolate: false`) to fresh instances.
 */
const LOADER = Symbol.for("lab-grader.lab-modules");

export interface LabModules {
  load(path: string): Record<string, unknown>;
  /** Binds a bridge's exports now and again for each later check file. */
  bind(rebind: () => void): void;
  newCheckFile(): void;
  /** A stack with each lab frame at the learner's line and column (the loader's `mapStack`). */
  mapStack(stack: string): string;
}

type Slot = Record<symbol, LabModules | undefined>;

/** The worker's lab modules, once a check file imported one; undefined before. */
export function currentLabModules(): LabModules | undefined {
  return (globalThis as unknown as Slot)[LOADER];
}

export function labModules(runtime: unknown, registry: LabRegistry): LabModules {
  const slot = globalThis as unknown as Slot;
  const existing = slot[LOADER];
  if (existing) return existing;
  const files: Record<string, string> = {};
  const precompiled = new Map<string, { source: string; code: string }>();
  for (const [path, file] of Object.entries(registry.files)) {
    files[path] = file.source;
    precompiled.set(path, file);
  }
  const loader = new ModuleLoader({
    files,
    checks: {},
    externals: { "@runtime": runtime },
    precompiled,
    editable: registry.editable,
    ...labConfinement({ runtime, withheld: registry.withheld }),
  });
  const bridges: (() => void)[] = [];
  const modules: LabModules = {
    load: (path) => loader.importFile(path),
    bind(rebind) {
      bridges.push(rebind);
      rebind();
    },
    newCheckFile() {
      loader.forgetFiles();
      for (const rebind of bridges) rebind();
    },
    mapStack: (stack) => loader.mapStack(stack),
  };
  Object.defineProperty(slot, LOADER, { value: modules });
  return modules;
}
