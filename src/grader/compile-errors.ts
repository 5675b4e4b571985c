import ts from "typescript";
import { locate, type SandboxProgram } from "./program";

/**
 * Syntax and type errors of a sandboxed submission, written the way a compiler writes them
 * (`account.ts:12:5: error TS2322: …`). A missing export gets its own sentence naming the export
 * and the file that needs it, because "has no exported member" buried in a check file is not
 * where a learner looks.
 */

/** TS codes for "module has no exported member X" and its variants. */
const MISSING_EXPORT = new Set([2305, 2614, 2724, 2459, 2460]);

/** At most this many errors are listed; the first ones are the ones to fix. */
const LIMIT = 20;

export function compileErrors(sandbox: SandboxProgram, order: readonly string[]): string[] {
  const { program } = sandbox;
  const files = order
    .map((name) => sandbox.fileOf(name))
    .filter((f): f is ts.SourceFile => f !== undefined);
  const found: string[] = [];
  for (const file of files) {
    const syntactic = program.getSyntacticDiagnostics(file);
    const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(file);
    for (const d of diagnostics) found.push(formatDiagnostic(sandbox, d));
  }
  const global = program.getGlobalDiagnostics().map((d) => formatDiagnostic(sandbox, d));
  const all = [...new Set([...found, ...global])];
  if (all.length <= LIMIT) return all;
  return [...all.slice(0, LIMIT), `… and ${all.length - LIMIT} more errors`];
}

function formatDiagnostic(sandbox: SandboxProgram, d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${text}`;
  const where = locate(sandbox, d.file, d.start);
  if (MISSING_EXPORT.has(d.code)) {
    const missing = missingExport(sandbox, d.file, d.start);
    if (missing)
      return `${missing.module} does not export "${missing.name}" (imported at ${where})`;
  }
  return `${where}: error TS${d.code}: ${text}`;
}

/** The imported name at `position` and the lab file it was imported from. */
function missingExport(
  sandbox: SandboxProgram,
  file: ts.SourceFile,
  position: number,
): { name: string; module: string } | undefined {
  let node: ts.Node | undefined = findNode(file, position);
  const name = node && ts.isIdentifier(node) ? node.text : undefined;
  while (node && !ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) {
    node = node.parent;
  }
  const specifier = node?.moduleSpecifier;
  if (!name || !specifier || !ts.isStringLiteral(specifier)) return undefined;
  const target = sandbox.checker.getSymbolAtLocation(specifier)?.valueDeclaration;
  const module =
    target && ts.isSourceFile(target) ? sandbox.display(target.fileName) : specifier.text;
  return { name, module };
}

function findNode(file: ts.SourceFile, position: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node) => {
    if (position >= node.getStart(file) && position < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  visit(file);
  return found;
}
