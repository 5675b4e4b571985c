// @ts-check
/**
 * Builds the runtime's type declarations (with their TSDoc) for Monaco, so learners get
 * IntelliSense and hover docs for `@runtime` in the lab editor. Served to the browser as the
 * virtual module `virtual:runtime-dts`; lab pages import it lazily with the editor.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const runtimeDir = resolve(root, "src/runtime");

/**
 * Emits declarations for `src/runtime/index.ts` and everything it imports.
 * @returns {Record<string, string>} `runtime/<path>.d.ts` → contents
 */
export function emitRuntimeDeclarations() {
  /** @type {Record<string, string>} */
  const files = {};
  const program = ts.createProgram([resolve(runtimeDir, "index.ts")], {
    declaration: true,
    emitDeclarationOnly: true,
    removeComments: false,
    stripInternal: true,
    skipLibCheck: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  });
  const result = program.emit(undefined, (fileName, text) => {
    const rel = relative(runtimeDir, fileName).replaceAll("\\", "/");
    if (!rel.startsWith("..")) files[`runtime/${rel}`] = text;
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const message = ts.formatDiagnostics(errors, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => "\n",
    });
    throw new Error(`runtime declarations failed to emit:\n${message}`);
  }
  // A package entry so `import … from "@runtime"` resolves the way it does in the project.
  files["node_modules/@runtime/index.d.ts"] = 'export * from "../../runtime/index";\n';
  return files;
}

/**
 * What check files import besides `@runtime` and `@lab/…`, as Monaco needs it to type-check them
 * the way the grader does: fast-check's own declarations, and `vitest` as the names a check may
 * import (src/labs/worker/vitest-shim.ts), typed loosely where Vitest's types would need all of
 * Vitest. Only the page's type check reads these: the learner never opens a check in the editor.
 * @returns {Record<string, string>} `node_modules/<package>/….d.ts` → contents
 */
export function checkDeclarations() {
  const modules = resolve(root, "node_modules");
  const read = (/** @type {string} */ path) => readFileSync(resolve(modules, path), "utf8");
  return {
    "node_modules/fast-check/index.d.ts": read("fast-check/lib/fast-check.d.ts"),
    "node_modules/pure-rand/types/RandomGenerator.d.ts": read(
      "pure-rand/lib/types/RandomGenerator.d.ts",
    ),
    "node_modules/pure-rand/types/JumpableRandomGenerator.d.ts": read(
      "pure-rand/lib/types/JumpableRandomGenerator.d.ts",
    ),
    "node_modules/vitest/index.d.ts": VITEST_DECLARATIONS,
  };
}

const VITEST_DECLARATIONS = `type Awaitable<T> = T | PromiseLike<T>;
type Body = () => Awaitable<unknown>;
interface TestApi {
  (name: string, fn?: Body, timeout?: number): void;
  each<T extends readonly unknown[] | [unknown]>(
    cases: readonly T[],
  ): (name: string, fn: (...args: T) => Awaitable<unknown>, timeout?: number) => void;
  each<T>(
    cases: readonly T[],
  ): (name: string, fn: (...args: T[]) => Awaitable<unknown>, timeout?: number) => void;
}
export declare const it: TestApi;
export declare const test: TestApi;
export declare function describe(name: string, fn: () => void): void;
export declare const suite: typeof describe;
export declare function beforeAll(fn: Body, timeout?: number): void;
export declare function beforeEach(fn: Body, timeout?: number): void;
export declare function afterAll(fn: Body, timeout?: number): void;
export declare function afterEach(fn: Body, timeout?: number): void;
export declare function expect(actual: unknown, message?: string): any;
`;

/**
 * Vite plugin serving {@link emitRuntimeDeclarations} as `virtual:runtime-dts` and
 * {@link checkDeclarations} as `virtual:check-dts`.
 */
export function runtimeDeclarations() {
  /** @type {Record<string, () => Record<string, string>>} */
  const modules = {
    "\0virtual:runtime-dts": emitRuntimeDeclarations,
    "\0virtual:check-dts": checkDeclarations,
  };
  return {
    name: "workshop:runtime-dts",
    /** @param {string} source */
    resolveId(source) {
      return `\0${source}` in modules ? `\0${source}` : undefined;
    },
    /** @param {string} loaded */
    load(loaded) {
      const emit = modules[loaded];
      return emit ? `export default ${JSON.stringify(emit())};` : undefined;
    },
  };
}
