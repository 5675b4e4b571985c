/**
 * A tiny CommonJS-style module loader for a lab's files and checks.
 *
 * Why not blob: URL ES modules? The checks need `vitest` and `@runtime` to resolve to objects that
 * already live in the worker's bundle; a `require()` we control hands them over directly, keeps
 * every module in one realm, and lets us name the file and line of a bad import. Sucrase strips
 * the types and turns `import`/`export` into `require`/`exports` while keeping line numbers, so
 * stack traces and compile errors point at the learner's own lines.
 */

import { inlineSourceMap, type LineMap } from "./source-map";
import { type SourceToken, sourceTokens, TokenType } from "./source-tokens";

/** A stack frame in a lab module, as `load` names them. */
const LAB_FRAME = /lab:\/\/\/([^\s():]+):(\d+):(\d+)/g;

/** Where a module specifier is allowed to point, by who imports it. */
export const LAB_PREFIX = "@lab/";

/**
 * Host modules only checks may import: the test API, and fast-check for the property checks.
 * Lab files stay runnable anywhere the runtime runs, so they get neither.
 */
export const CHECK_ONLY_MODULES: ReadonlySet<string> = new Set(["vitest", "fast-check"]);

/** What `load` puts before a module's code, on its first line: frames there are shifted by it. */
const WRAPPER_START = "(function (require, module, exports) {";

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
  /** Output of `transpile` made ahead of time, used only for the very same source. */
  precompiled?: ReadonlyMap<string, Precompiled>;
  /**
   * Strips types and rewrites imports (./transpile.ts). Optional when every file is precompiled:
   * the grader's worker gets its code transpiled by the grader and never loads sucrase.
   */
  transpile?: (path: string, source: string) => string;
  /**
   * Runs a module wrapper and returns its function: lab files go to a SES compartment
   * (./confine.ts); checks, which are trusted, to the worker's own indirect eval.
   */
  evaluateLab?: (code: string) => unknown;
  /** What the lab's read-only files get for a host module: `@runtime` hardened. */
  labExternals?: Readonly<Record<string, unknown>>;
  /** What its editable files get: hardened too, and without the exports the lab withholds. */
  editableExternals?: Readonly<Record<string, unknown>>;
  /** The learner's files; every lab file when omitted. */
  editable?: readonly string[];
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

/**
 * The module instances one check file sees, by path (copies under `<file>?copy=<name>`). Each
 * check file gets its own, as under Vitest's default `isolate`: what one check file did to a lab
 * module's state (a shard id handed out, a cache filled) never changes what the next one sees,
 * so a check's verdict does not depend on which check files ran before it.
 */
type ModuleScope = Map<string, Module>;

export class ModuleLoader {
  private readonly scopes = new Map<string, ModuleScope>();
  /** Modules loaded outside any check file (a trace replay, the grader's bridges). */
  private shared: ModuleScope = new Map();
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

  /** Loads a check file (and, through it, the learner's files), with modules of its own. */
  importCheck(path: string): Record<string, unknown> {
    if (!(path in this.input.checks)) throw new Error(`No check file named ${path}`);
    let scope = this.scopes.get(path);
    if (!scope) {
      scope = new Map();
      this.scopes.set(path, scope);
    }
    return this.load(path, scope);
  }

  /** Loads one of the learner's files on its own, outside any check (a trace replay). */
  importFile(path: string): Record<string, unknown> {
    if (!(withoutCopy(path) in this.input.files)) throw new Error(`No lab file named ${path}`);
    return this.load(path, this.shared);
  }

  /**
   * Forgets the modules `importFile` loaded: the next import evaluates each file afresh. The
   * grader's worker calls this before each check file, which isolates check files there the way
   * `importCheck` does here.
   */
  forgetFiles(): void {
    this.shared = new Map();
  }

  /**
   * `stack` with each frame of a lab module (`lab:///<file>:<line>:<col>`) at its place in the
   * learner's source rather than in the transpiled code the loader ran.
   */
  mapStack(stack: string): string {
    return stack.replace(LAB_FRAME, (frame, path: string, line: string, column: string) => {
      const map = this.mapOf(withoutCopy(path));
      let col = Number(column);
      if (line === "1") col -= WRAPPER_START.length;
      const at = map?.original(Number(line), col);
      return at ? `lab:///${path}:${at.line}:${at.column}` : frame;
    });
  }

  private readonly maps = new Map<string, LineMap | undefined>();

  private mapOf(path: string): LineMap | undefined {
    if (!this.maps.has(path)) {
      const code = this.compiled.get(path);
      this.maps.set(path, code === undefined ? undefined : inlineSourceMap(code));
    }
    return this.maps.get(path);
  }

  private compile(path: string, source: string): string {
    let code = this.compiled.get(path);
    const ahead = this.input.precompiled?.get(path);
    if (code === undefined && ahead?.source === source) {
      code = ahead.code;
      this.compiled.set(path, code);
    }
    if (code === undefined) {
      const transpile = this.input.transpile;
      if (!transpile) throw new LabCompileError(`${path}: no transpiled code for this file.`);
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

  private load(path: string, scope: ModuleScope): Record<string, unknown> {
    const cached = scope.get(path);
    if (cached) return cached.exports;
    const source = this.sourceOf(path);
    if (source === undefined) throw new Error(`No file named ${path}`);
    const code = this.compile(withoutCopy(path), source);
    const module: Module = { exports: {}, loaded: false };
    scope.set(path, module);
    // The scope travels with the module's own `require`: an `import()` that resolves later, while
    // another check file runs, still reaches this check file's modules.
    const require = (specifier: string) => this.require(path, specifier, code, scope);
    // One line of wrapper, on the same line as the code, keeps line numbers in stack traces.
    const wrapped = `${WRAPPER_START}${code}\n})\n//# sourceURL=lab:///${path}`;
    const factory = this.evaluate(path, wrapped) as (
      r: typeof require,
      m: Module,
      e: unknown,
    ) => void;
    factory(require, module, module.exports);
    module.loaded = true;
    return module.exports;
  }

  private evaluate(path: string, wrapped: string): unknown {
    if (!this.isCheck(path) && this.input.evaluateLab) return this.input.evaluateLab(wrapped);
    // Indirect eval: the module sees only globals, not this loader's scope.
    // biome-ignore lint/security/noGlobalEval: running transpiled code is the job
    const indirectEval = globalThis.eval;
    return indirectEval(wrapped);
  }

  private require(
    importer: string,
    specifier: string,
    importerCode: string,
    scope: ModuleScope,
  ): unknown {
    const isCheck = this.isCheck(importer);
    if (specifier in this.input.externals) {
      this.assertMayImport(importer, specifier);
      const forLab = isCheck
        ? undefined
        : (this.input.editable ?? [importer]).includes(importer)
          ? (this.input.editableExternals ?? this.input.labExternals)
          : this.input.labExternals;
      return forLab && specifier in forLab ? forLab[specifier] : this.input.externals[specifier];
    }
    const target = this.resolve(importer, specifier, isCheck);
    const exports = this.load(target, scope);
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

/**
 * Every module specifier in a source file, from `import`, `export … from`, `import()` and
 * `require()`: string tokens in those places, so a comment or a string that mentions `import("x")`
 * is not taken for one.
 */
export function importSpecifiers(source: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  const tokens = sourceTokens(source) ?? [];
  const text = (t: SourceToken | undefined) => (t ? source.slice(t.start, t.end) : "");
  tokens.forEach((token, i) => {
    if (token.type !== TokenType.string) return;
    const before = tokens[i - 1];
    const call = before?.type === TokenType.parenL ? tokens[i - 2] : undefined;
    const isSpecifier =
      before?.type === TokenType._import ||
      (before?.type === TokenType.name && text(before) === "from") ||
      call?.type === TokenType._import ||
      (call?.type === TokenType.name && text(call) === "require");
    if (!isSpecifier) return;
    const line = source.slice(0, token.start).split("\n").length;
    found.push({ specifier: text(token).slice(1, -1), line });
  });
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
