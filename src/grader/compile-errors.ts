import ts from "typescript";
import {
  formatCompileDiagnostic,
  limitCompileErrors,
  MISSING_EXPORT_CODES,
} from "../labs/compile-message";
import { locate, type SandboxProgram } from "./program";

/**
 * Syntax and type errors of a sandboxed submission, written the way a compiler writes them
 * (`account.ts:12:5: error TS2322: …`). A missing export gets its own sentence naming the export
 * and the file that needs it, because "has no exported member" buried in a check file is not
 * where a learner looks.
 */

export function compileErrors(sandbox: SandboxProgram, order: readonly string[]): string[] {
  const files = order
    .map((name) => sandbox.fileOf(name))
    .filter((f): f is ts.SourceFile => f !== undefined);
  const found: string[] = [];
  for (const file of files) {
    for (const d of sandbox.diagnostics(file)) found.push(formatDiagnostic(sandbox, d));
  }
  const global = sandbox.globalDiagnostics().map((d) => formatDiagnostic(sandbox, d));
  return limitCompileErrors([...found, ...global]);
}

function formatDiagnostic(sandbox: SandboxProgram, d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return formatCompileDiagnostic({ code: d.code, text });
  const where = locate(sandbox, d.file, d.start);
  const missing = MISSING_EXPORT_CODES.has(d.code)
    ? missingExport(sandbox, d.file, d.start)
    : undefined;
  return formatCompileDiagnostic({ code: d.code, text, where, ...(missing ? { missing } : {}) });
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
