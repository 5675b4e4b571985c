// @ts-check
/**
 * Builds the runtime's type declarations (with their TSDoc) for Monaco, so learners get
 * IntelliSense and hover docs for `@runtime` in the lab editor. Served to the browser as the
 * virtual module `virtual:runtime-dts`; lab pages import it lazily with the editor.
 */
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

/** Vite plugin serving {@link emitRuntimeDeclarations} as `virtual:runtime-dts`. */
export function runtimeDeclarations() {
  const id = "virtual:runtime-dts";
  const resolved = `\0${id}`;
  return {
    name: "workshop:runtime-dts",
    /** @param {string} source */
    resolveId(source) {
      return source === id ? resolved : undefined;
    },
    /** @param {string} loaded */
    load(loaded) {
      if (loaded !== resolved) return undefined;
      return `export default ${JSON.stringify(emitRuntimeDeclarations())};`;
    },
  };
}
