import ts from "typescript";

/**
 * The compiler options every lab type check uses: the grader's (`src/grader/program.ts`) and the
 * page's resolution of Vitest's declarations for Monaco (`runtime-dts.mjs`). One object, so the
 * page and CI cannot drift apart on what a check file's types are.
 * @type {import("typescript").CompilerOptions}
 */
export const CHECK_COMPILER_OPTIONS = Object.freeze({
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
});
