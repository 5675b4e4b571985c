import { createHash } from "node:crypto";
import { join } from "node:path";
import ts from "typescript";
import { CHECK_COMPILER_OPTIONS } from "../labs/check-compiler-options.mjs";

/**
 * The TypeScript program that the policy and the type check read, over one submission's files:
 * its editable files, the lab's read-only files and the checks. The compiler options are the lab
 * editor's (src/labs/client/editor.ts), so the grader reports the errors the learner already saw
 * in Monaco, and no others.
 *
 * A batch checks one submission after another against the same lab, so `LabTypeCheck` keeps the
 * files in memory under one fixed root per lab and builds each program from the previous one:
 * files that did not change keep their syntax trees and bindings. The check files, which are
 * most of the work, depend on the lab's files only through what those declare, that is their
 * `.d.ts` text (the "signature" by which `tsc --watch` decides what to check again). Their
 * diagnostics are kept per signature of the lab's files, so a submission that keeps the starter's
 * declarations (most do) costs only its own files. The policy and the lab's files are checked
 * afresh each time.
 */

/** The page resolves Vitest's declarations with the same options (one verdict in both places). */
export const COMPILER_OPTIONS: ts.CompilerOptions = CHECK_COMPILER_OPTIONS;

/**
 * Library and runtime files parse once per process, not once per submission: in a batch of 100
 * the lib files alone would otherwise cost seconds each time.
 */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

export interface SandboxProgram {
  program: ts.Program;
  checker: ts.TypeChecker;
  /** Path of a submission file as the learner knows it: `account.ts`, `checks/x.test.ts`. */
  display(fileName: string): string;
  /** The submission file that `display` names, or undefined for lib and runtime files. */
  fileOf(displayName: string): ts.SourceFile | undefined;
  /** Syntax errors of a submission file, or else its type errors. */
  diagnostics(file: ts.SourceFile): readonly ts.Diagnostic[];
  /** Errors that belong to no file (options, missing lib files). */
  globalDiagnostics(): readonly ts.Diagnostic[];
}

function digest(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** How many distinct signatures of a lab's files keep their checks' diagnostics. */
const KEPT_SIGNATURES = 32;

/** What a check file's diagnostics need to be found again: by file name, they are data. */
type KeptDiagnostic = Omit<ts.Diagnostic, "file"> & { fileName?: string };

/**
 * Type checks the submissions of one lab, one after another. The files live in memory under
 * `root`, a folder that does not exist: the checker reads nothing of a submission from disk, and
 * every submission's files have the same names, which is what lets a program reuse its
 * predecessor.
 */
export class LabTypeCheck {
  private readonly options: ts.CompilerOptions;
  private readonly host: ts.CompilerHost;
  /** This submission's files by absolute name. */
  private files = new Map<string, string>();
  /** Syntax trees of the files under `root`, kept while their text stays the same. */
  private readonly trees = new Map<string, ts.SourceFile>();
  private previous: ts.Program | undefined;
  /** Signature of the lab's files → check file name and version → its semantic diagnostics. */
  private readonly checkDiagnostics = new Map<string, Map<string, KeptDiagnostic[]>>();

  /**
   * @param root where the files appear to live; inside the repository, so that `vitest` and the
   *   runtime resolve from its node_modules as they do in a sandbox.
   * @param runtimeEntry where `@runtime` points (the runtime's sources, so errors name its real
   *   declarations).
   */
  constructor(
    private readonly root: string,
    runtimeEntry: string,
  ) {
    this.options = {
      ...COMPILER_OPTIONS,
      baseUrl: root,
      paths: { "@lab/*": [`${root}/lab/*`], "@runtime": [runtimeEntry] },
    };
    const host = ts.createCompilerHost(this.options, true);
    const disk = {
      getSourceFile: host.getSourceFile.bind(host),
      fileExists: host.fileExists.bind(host),
      readFile: host.readFile.bind(host),
      directoryExists: host.directoryExists?.bind(host),
      realpath: host.realpath?.bind(host),
    };
    host.fileExists = (name) => (this.inRoot(name) ? this.files.has(name) : disk.fileExists(name));
    host.readFile = (name) => (this.inRoot(name) ? this.files.get(name) : disk.readFile(name));
    host.directoryExists = (name) =>
      name === root || this.inRoot(name)
        ? [...this.files.keys()].some((f) => f.startsWith(`${name}/`))
        : (disk.directoryExists?.(name) ?? true);
    host.realpath = (name) => (this.inRoot(name) ? name : (disk.realpath?.(name) ?? name));
    host.getSourceFile = (name, language, onError, shouldCreate) => {
      if (this.inRoot(name)) return this.tree(name, language);
      let file = sharedSourceFiles.get(name);
      if (!file) {
        file = disk.getSourceFile(name, language, onError, shouldCreate);
        if (!file) return undefined;
        sharedSourceFiles.set(name, file);
      }
      return file;
    };
    this.host = host;
  }

  private inRoot(name: string): boolean {
    return name.startsWith(`${this.root}/`);
  }

  private tree(name: string, language: ts.ScriptTarget | ts.CreateSourceFileOptions) {
    const text = this.files.get(name);
    if (text === undefined) return undefined;
    const kept = this.trees.get(name);
    if (kept?.text === text) return kept;
    const file = ts.createSourceFile(name, text, language, true);
    this.trees.set(name, file);
    return file;
  }

  /**
   * A program over one submission: `lab` holds the lab's files (editable and read-only) by the
   * name lab code imports them, `checks` the check files by their path (`checks/x.test.ts`).
   */
  check(
    lab: Readonly<Record<string, string>>,
    checks: Readonly<Record<string, string>>,
  ): SandboxProgram {
    const root = this.root;
    const files = new Map<string, string>();
    for (const [name, text] of Object.entries(lab)) files.set(join(root, "lab", name), text);
    for (const [name, text] of Object.entries(checks)) files.set(join(root, name), text);
    this.files = files;
    for (const name of this.trees.keys()) if (!files.has(name)) this.trees.delete(name);

    const program = ts.createProgram({
      rootNames: [...files.keys()],
      options: this.options,
      host: this.host,
      oldProgram: this.previous,
    });
    this.previous = program;
    const checker = program.getTypeChecker();
    const labDir = `${root}/lab/`;
    const kept = this.keptFor(
      signature(
        program,
        [...files.keys()].filter((f) => f.startsWith(labDir)),
      ),
    );

    const display = (fileName: string) => {
      const path = fileName.startsWith(`${root}/`) ? fileName.slice(root.length + 1) : fileName;
      return path.startsWith("lab/") ? path.slice("lab/".length) : path;
    };
    const inRoot = (name: string) => this.inRoot(name);
    return {
      program,
      checker,
      display,
      fileOf(displayName) {
        return program
          .getSourceFiles()
          .find((f) => inRoot(f.fileName) && display(f.fileName) === displayName);
      },
      diagnostics(file) {
        const syntactic = program.getSyntacticDiagnostics(file);
        if (syntactic.length > 0 || file.fileName.startsWith(labDir)) {
          return syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(file);
        }
        const key = `${file.fileName}\0${digest(file.text)}`;
        let found = kept.get(key);
        if (!found) {
          found = program
            .getSemanticDiagnostics(file)
            .map(({ file: of, ...d }) => ({ ...d, fileName: of?.fileName }));
          kept.set(key, found);
        }
        return found.map(({ fileName, ...d }) => ({
          ...d,
          file: fileName === undefined ? undefined : program.getSourceFile(fileName),
        }));
      },
      globalDiagnostics: () => program.getGlobalDiagnostics(),
    };
  }

  private keptFor(signature: string): Map<string, KeptDiagnostic[]> {
    let kept = this.checkDiagnostics.get(signature);
    if (kept) {
      // Most recently used last, so the oldest is the first to go.
      this.checkDiagnostics.delete(signature);
    } else {
      kept = new Map();
      if (this.checkDiagnostics.size >= KEPT_SIGNATURES) {
        const oldest = this.checkDiagnostics.keys().next().value as string;
        this.checkDiagnostics.delete(oldest);
      }
    }
    this.checkDiagnostics.set(signature, kept);
    return kept;
  }
}

/**
 * What the lab's files declare, as their `.d.ts` text, with any problem in writing it: what a
 * check file that imports them can see. TypeScript's builder computes file signatures the same
 * way (a forced declaration emit, arguments its own `program.emit` takes but does not declare),
 * which the tests hold against fresh programs.
 */
function signature(program: ts.Program, fileNames: readonly string[]): string {
  const parts: string[] = [];
  const emit = program.emit as unknown as (
    file: ts.SourceFile,
    write: ts.WriteFileCallback,
    cancel: undefined,
    emitOnly: number,
    transformers: undefined,
    forceDtsEmit: boolean,
  ) => ts.EmitResult;
  for (const name of [...fileNames].sort()) {
    const file = program.getSourceFile(name);
    if (!file) continue;
    parts.push(name);
    emit(
      file,
      (_out, text, _bom, _onError, _sources, data) => {
        parts.push(text);
        const problems = (data as { diagnostics?: readonly ts.Diagnostic[] } | undefined)
          ?.diagnostics;
        for (const d of problems ?? []) {
          parts.push(`${d.start} ${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
        }
      },
      undefined,
      BUILDER_SIGNATURE,
      undefined,
      true,
    );
  }
  return digest(parts.join("\0"));
}

/** `EmitOnly.BuilderSignature`: declarations only, as the builder asks for a signature. */
const BUILDER_SIGNATURE = 2;

/** `account.ts:3:14` for a position in a submission file. */
export function locate(sandbox: SandboxProgram, file: ts.SourceFile, position: number): string {
  const { line, character } = file.getLineAndCharacterOfPosition(position);
  return `${sandbox.display(file.fileName)}:${line + 1}:${character + 1}`;
}
