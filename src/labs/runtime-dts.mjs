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
import { CHECK_COMPILER_OPTIONS } from "./check-compiler-options.mjs";

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
 * the way the grader does: fast-check's own declarations, and Vitest's (see
 * {@link vitestDeclarations}). Only the page's type check reads these: the learner never opens a
 * check in the editor.
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
    ...vitestDeclarations(),
  };
}

/** Where Vitest's declarations go in Monaco's file system, apart from the packages' own paths. */
const VITEST_TYPES = "node_modules/.vitest-types";

/**
 * Vitest's own declarations: every file `import … from "vitest"` reaches, resolved as the
 * grader's compiler resolves them (src/grader/program.ts: bundler resolution, no `types`).
 * Monaco resolves modules the Node 10 way, which cannot follow package `exports`
 * (`@vitest/utils/diff`), so each import between these files is rewritten to the relative path
 * of the file the grader reads. `expect` then has Vitest's exact types on the page: a check that
 * does not compile in CI does not compile here.
 * @returns {Record<string, string>}
 */
export function vitestDeclarations() {
  const options = CHECK_COMPILER_OPTIONS;
  const resolveFrom = (/** @type {string} */ specifier, /** @type {string} */ importer) =>
    ts.resolveModuleName(specifier, importer, options, ts.sys).resolvedModule?.resolvedFileName;
  const entry = resolveFrom("vitest", resolve(root, "check.ts"));
  if (!entry) throw new Error("vitest's declarations were not found in node_modules");
  const modules = resolve(root, "node_modules");
  // Monaco reads `.d.ts` files only: `.d.mts`/`.d.cts` keep their content under that name.
  const pathOf = (/** @type {string} */ file) =>
    `${VITEST_TYPES}/${relative(modules, file).replaceAll("\\", "/")}`.replace(
      /\.d\.[mc]ts$/,
      ".d.ts",
    );
  const importPath = (/** @type {string} */ from, /** @type {string} */ to) => {
    const path = relative(dirname(from), to)
      .replaceAll("\\", "/")
      .replace(/\.d\.ts$/, "");
    return path.startsWith(".") ? path : `./${path}`;
  };
  /** @type {Record<string, string>} */
  const files = {};
  const pending = [entry];
  while (pending.length > 0) {
    const file = /** @type {string} */ (pending.pop());
    const path = pathOf(file);
    if (path in files) continue;
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    /** @type {{ start: number; end: number; to: string }[]} */
    const edits = [];
    const visit = (/** @type {import("typescript").Node} */ node) => {
      const literal =
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
          ? node.moduleSpecifier
          : ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)
            ? node.argument.literal
            : ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)
              ? node.name
              : ts.isImportEqualsDeclaration(node) &&
                  ts.isExternalModuleReference(node.moduleReference)
                ? node.moduleReference.expression
                : undefined;
      if (literal && ts.isStringLiteral(literal)) {
        const target = resolveFrom(literal.text, file);
        if (target && /\.d\.[mc]?ts$/.test(target)) {
          pending.push(target);
          const to = importPath(path, pathOf(target));
          edits.push({ start: literal.getStart(source) + 1, end: literal.getEnd() - 1, to });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    let out = text;
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      out = out.slice(0, edit.start) + edit.to + out.slice(edit.end);
    }
    // Only the hidden check models read these, never a learner's hover: the docs can go.
    const printer = ts.createPrinter({ removeComments: true });
    files[path] = printer.printFile(ts.createSourceFile(path, out, ts.ScriptTarget.Latest, false));
  }
  files["node_modules/vitest/index.d.ts"] =
    `export * from "${importPath("node_modules/vitest/index.d.ts", pathOf(entry))}";\n`;
  return files;
}

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
