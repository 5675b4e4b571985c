import { relative, sep } from "node:path";
import ts from "typescript";

/**
 * A TypeScript program over one sandbox: the submission's files, the lab's read-only files and the
 * checks. The compiler options are the lab editor's (src/labs/client/editor.ts), so the grader
 * reports the errors the learner already saw in Monaco, and no others.
 */

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
};

/**
 * Library and runtime files parse once per process, not once per submission: in a batch of 100
 * the lib files alone would otherwise cost seconds each time.
 */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

export interface SandboxProgram {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** Path of a sandbox file as the learner knows it: `account.ts`, `checks/x.test.ts`. */
  display(fileName: string): string;
  /** The sandbox file that `display` names, or undefined for lib and runtime files. */
  fileOf(displayName: string): ts.SourceFile | undefined;
}

export function createSandboxProgram(options: {
  /** Sandbox root, holding `lab/` and `checks/`. */
  root: string;
  /** Absolute paths of the files to type-check: lab files and checks. */
  rootNames: string[];
  /** Where `@runtime` points. */
  runtimeEntry: string;
}): SandboxProgram {
  const labDir = `${options.root}/lab`;
  const compilerOptions: ts.CompilerOptions = {
    ...COMPILER_OPTIONS,
    baseUrl: options.root,
    paths: { "@lab/*": [`${labDir}/*`], "@runtime": [options.runtimeEntry] },
  };
  const host = ts.createCompilerHost(compilerOptions, true);
  const inSandbox = (fileName: string) => fileName.startsWith(`${options.root}/`);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, shouldCreate) => {
    if (inSandbox(fileName)) return read(fileName, language, onError, shouldCreate);
    let file = sharedSourceFiles.get(fileName);
    if (!file) {
      file = read(fileName, language, onError, shouldCreate);
      if (file) sharedSourceFiles.set(fileName, file);
    }
    return file;
  };
  const program = ts.createProgram({
    rootNames: options.rootNames,
    options: compilerOptions,
    host,
  });
  const display = (fileName: string) => {
    const path = relative(options.root, fileName).split(sep).join("/");
    return path.startsWith("lab/") ? path.slice("lab/".length) : path;
  };
  return {
    program,
    checker: program.getTypeChecker(),
    display,
    fileOf(displayName) {
      return program
        .getSourceFiles()
        .find((f) => inSandbox(f.fileName) && display(f.fileName) === displayName);
    },
  };
}

/** `account.ts:3:14` for a position in a sandbox file. */
export function locate(sandbox: SandboxProgram, file: ts.SourceFile, position: number): string {
  const { line, character } = file.getLineAndCharacterOfPosition(position);
  return `${sandbox.display(file.fileName)}:${line + 1}:${character + 1}`;
}
