import { transform } from "sucrase";

/**
 * A tiny CommonJS-style module loader for a lab's files and checks.
 *
 * Why not blob: URL ES modules? The checks need `vitest` and `@runtime` to resolve to objects that
 * already live in the worker's bundle; a `require()` we control hands them over directly, keeps
 * every module in one realm, and lets us name the file and line of a bad import. Sucrase strips
 * the types and turns `import`/`export` into `require`/`exports` while keeping line numbers, so
 * stack traces and compile errors point at the learner's own lines.
 */

/** Where a module specifier is allowed to point, by who imports it. */
export const LAB_PREFIX = "@lab/";

/**
 * Host modules only checks may import: the test API, and fast-check for the property checks.
 * Lab files stay runnable anywhere the runtime runs, so they get neither.
 */
export const CHECK_ONLY_MODULES: ReadonlySet<string> = new Set(["vitest", "fast-check"]);

export class LabCompileError extends Error {
  override name = "LabCompileError";
}

export interface LoaderInput {
  /** The learner's file set, by path relative to the lab: `{ "account.ts": "…" }`. */
  files: Readonly<Record<string, string>>;
  /** Check files, by path: `{ "checks/account.test.ts": "…" }`. */
  checks: Readonly<Record<string, string>>;
  /** Modules that come from the host bundle: `vitest` (the shim), `fast-check` and `@runtime`. */
  externals: Readonly<Record<string, unknown>>;
  /** Output of {@link transpile} made ahead of time, used only for the very same source. */
  precompiled?: ReadonlyMap<string, Precompiled>;
}

/** A file transpiled ahead of the run (by a spare worker while the learner edits). */
export interface Precompiled {
  readonly source: string;
  readonly code: string;
}

interface Module {
  exports: Record<string, unknown>;
  loaded: boolean;
}

/** Strips types and rewrites imports to `require`; errors come back as `file:line:col: …`. */
export function transpile(path: string, source: string): string {
  try {
    const { code } = transform(source, {
      transforms: ["typescript", "imports"],
      filePath: path,
      disableESTransforms: true,
      preserveDynamicImport: false,
    });
    return code;
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const where = err.loc ? `${path}:${err.loc.line}:${err.loc.column + 1}` : path;
    const message = err.message
      .replace(/^Error transforming [^:]*: /, "")
      .replace(/\s*\(\d+:\d+\)\s*$/, "");
    throw new LabCompileError(`${where}: ${message}`);
  }
}

export class ModuleLoader {
  private readonly cache = new Map<string, Module>();
  private readonly compiled = new Map<string, string>();
  /** Milliseconds spent in sucrase, for the run's timings. */
  transpileMs = 0;

  constructor(private readonly input: LoaderInput) {}

  /** Transpiles every file up front, so a syntax error anywhere is reported before any check runs. */
  compileAll(): void {
    for (const [path, source] of [
      ...Object.entries(this.input.files),
      ...Object.entries(this.input.checks),
    ]) {
      this.compile(path, source);
      // Sucrase drops imports whose bindings go unused; an import that is not allowed is still
      // a mistake worth naming, so check every specifier in the source.
      for (const { specifier } of importSpecifiers(source)) {
        if (specifier in this.input.externals) this.assertMayImport(path, specifier);
        else this.resolve(path, specifier, this.isCheck(path));
      }
    }
  }

  private isCheck(path: string): boolean {
    return path in this.input.checks;
  }

  /** Loads a check file (and, through it, the learner's files). */
  importCheck(path: string): Record<string, unknown> {
    if (!(path in this.input.checks)) throw new Error(`No check file named ${path}`);
    return this.load(path);
  }

  /** Loads one of the learner's files on its own, outside any check (a trace replay). */
  importFile(path: string): Record<string, unknown> {
    if (!(path in this.input.files)) throw new Error(`No lab file named ${path}`);
    return this.load(path);
  }

  private compile(path: string, source: string): string {
    let code = this.compiled.get(path);
    const ahead = this.input.precompiled?.get(path);
    if (code === undefined && ahead?.source === source) {
      code = ahead.code;
      this.compiled.set(path, code);
    }
    if (code === undefined) {
      const started = now();
      code = transpile(path, source);
      this.transpileMs += now() - started;
      this.compiled.set(path, code);
    }
    return code;
  }

  private sourceOf(path: string): string | undefined {
    const file = withoutCopy(path);
    return this.input.files[file] ?? this.input.checks[file];
  }

  private load(path: string): Record<string, unknown> {
    const cached = this.cache.get(path);
    if (cached) return cached.exports;
    const source = this.sourceOf(path);
    if (source === undefined) throw new Error(`No file named ${path}`);
    const code = this.compile(withoutCopy(path), source);
    const module: Module = { exports: {}, loaded: false };
    this.cache.set(path, module);
    const require = (specifier: string) => this.require(path, specifier, code);
    // One line of wrapper, on the same line as the code, keeps line numbers in stack traces.
    const wrapped = `(function (require, module, exports) {${code}\n})\n//# sourceURL=lab:///${path}`;
    // Indirect eval: the module sees only globals, not this loader's scope.
    // biome-ignore lint/security/noGlobalEval: running the learner's transpiled code is the job
    const indirectEval = globalThis.eval;
    const factory = indirectEval(wrapped) as (r: typeof require, m: Module, e: unknown) => void;
    factory(require, module, module.exports);
    module.loaded = true;
    return module.exports;
  }

  private require(importer: string, specifier: string, importerCode: string): unknown {
    const isCheck = this.isCheck(importer);
    if (specifier in this.input.externals) {
      this.assertMayImport(importer, specifier);
      return this.input.externals[specifier];
    }
    const target = this.resolve(importer, specifier, isCheck);
    const exports = this.load(target);
    this.assertExports(importer, importerCode, specifier, target, exports);
    return exports;
  }

  /** Host modules are open to checks; lab files get only `@runtime`. */
  private assertMayImport(importer: string, specifier: string): void {
    if (CHECK_ONLY_MODULES.has(specifier) && !this.isCheck(importer)) {
      throw new LabCompileError(
        `${where(importer, this.sourceOf(importer), specifier)}: lab files may not import "${specifier}"; only checks do.`,
      );
    }
  }

  private resolve(importer: string, specifier: string, isCheck: boolean): string {
    const allowed = isCheck
      ? `a check may import only "vitest", "fast-check", "@runtime" and "${LAB_PREFIX}<file>"`
      : `a lab file may import only "@runtime" and other lab files ("./<file>")`;
    let base: string | undefined;
    // `@lab/<file>?copy=<name>`: a copy of the file loaded apart from the others, with module
    // state of its own, as each node of a cluster loads the code it runs (Vite, under the
    // grader's Vitest, treats a query the same way).
    const copy = isCheck ? /\?copy=[\w-]+$/.exec(specifier)?.[0] : undefined;
    const bare = copy === undefined ? specifier : specifier.slice(0, -copy.length);
    if (isCheck && bare.startsWith(LAB_PREFIX)) {
      base = bare.slice(LAB_PREFIX.length);
    } else if (!isCheck && (bare.startsWith("./") || bare.startsWith("../"))) {
      base = joinPath(dirname(importer), bare);
    }
    if (base !== undefined) {
      for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
        if (candidate in this.input.files) return `${candidate}${copy ?? ""}`;
      }
      const known = Object.keys(this.input.files).join(", ");
      throw new LabCompileError(
        `${where(importer, this.sourceOf(importer), specifier)}: cannot find "${specifier}" among the lab's files (${known}).`,
      );
    }
    throw new LabCompileError(
      `${where(importer, this.sourceOf(importer), specifier)}: cannot import "${specifier}": ${allowed}.`,
    );
  }

  /**
   * ES modules fail at link time when a named import is missing; CommonJS would hand back
   * `undefined` and fail later with a puzzling TypeError. Name the export instead.
   */
  private assertExports(
    importer: string,
    importerCode: string,
    specifier: string,
    target: string,
    exports: Record<string, unknown>,
  ): void {
    for (const name of namedImportsOf(importerCode, specifier)) {
      if (!(name in exports)) {
        throw new LabCompileError(
          `${target} does not export "${name}" (imported by ${where(importer, this.sourceOf(importer), specifier)}).`,
        );
      }
    }
  }
}

/**
 * The names an importer really uses from a specifier. Sucrase compiles
 * `import { a } from "./x"` into `var _x = require('./x')` and every use into `_x.a`, and drops
 * names used only as types, so reading the output avoids mistaking an interface for a missing
 * export.
 */
export function namedImportsOf(code: string, specifier: string): Set<string> {
  const names = new Set<string>();
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const binding = new RegExp(`var (_[\\w$]+) = require\\((['"])${escaped}\\2\\);`, "g");
  for (const m of code.matchAll(binding)) {
    const local = m[1] as string;
    const use = new RegExp(`\\b${local.replace(/\$/g, "\\$")}\\.([A-Za-z_$][\\w$]*)`, "g");
    for (const u of code.matchAll(use)) {
      if (u[1] !== "default") names.add(u[1] as string);
    }
  }
  return names;
}

/** Every module specifier in a source file, from `import`, `export … from`, `import()` and `require()`. */
export function importSpecifiers(source: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g;
  for (const m of source.matchAll(pattern)) {
    const line = source.slice(0, m.index).split("\n").length;
    found.push({ specifier: m[2] as string, line });
  }
  return found;
}

/** `account.ts:3` for the line that imports `specifier`, so the learner can jump to it. */
function where(path: string, source: string | undefined, specifier: string): string {
  if (!source) return path;
  const lines = source.split("\n");
  const index = lines.findIndex(
    (l) => l.includes(`"${specifier}"`) || l.includes(`'${specifier}'`),
  );
  return index < 0 ? path : `${path}:${index + 1}`;
}

/** `cart.ts` for `cart.ts?copy=node-2`: the file a copy was loaded from. */
function withoutCopy(path: string): string {
  const at = path.indexOf("?copy=");
  return at < 0 ? path : path.slice(0, at);
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function joinPath(dir: string, relative: string): string {
  const parts = dir ? dir.split("/") : [];
  for (const part of relative.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
