import type * as Monaco from "monaco-editor";
import {
  formatCompileDiagnostic,
  limitCompileErrors,
  MISSING_EXPORT_CODES,
} from "../compile-message";

/**
 * The page's type check, through Monaco's TypeScript worker (already running for the editor's
 * squiggles), over the same files as the grader's (src/grader/compile-errors.ts): editable and
 * read-only files, then the checks, each file's syntax errors or else its type errors, worded by
 * the shared src/labs/compile-message.ts.
 */

/** Lab files are models under this folder, checks under its `checks/`. */
export const LAB_ROOT = "file:///lab/";

/**
 * A check file as Monaco sees it. Checks import `@lab/<file>`; a URI file system has no path
 * mapping, so the import becomes `./../<file>` (as long as `@lab/`, so columns stay right).
 */
export function checkModelSource(source: string): string {
  return source.replace(/(["'])@lab\//g, "$1./../");
}

type Diagnostic = Awaited<
  ReturnType<Monaco.typescript.TypeScriptWorker["getSemanticDiagnostics"]>
>[number];
type MessageChain = Exclude<Diagnostic["messageText"], string>;

/** `ts.flattenDiagnosticMessageText(text, "\n")`, for the worker's plain-data diagnostics. */
export function flattenMessage(text: string | MessageChain, indent = 0): string {
  if (typeof text === "string") return text;
  let result = indent > 0 ? `\n${"  ".repeat(indent)}` : "";
  result += text.messageText;
  for (const next of text.next ?? []) result += flattenMessage(next, indent + 1);
  return result;
}

/** `account.ts` for `./account`, `./../account` or `@lab/account`; other specifiers as written. */
export function labFileOf(specifier: string): string {
  const local = /^(?:\.\/\.\.\/|\.\/|@lab\/)(.+)$/.exec(specifier)?.[1];
  if (local === undefined) return specifier;
  return /\.[cm]?[jt]sx?$/.test(local) ? local : `${local}.ts`;
}

/** The module an import at `offset` names: the `from "…"` that follows it. */
function importedFrom(text: string, offset: number): string | undefined {
  const from = /\bfrom\s*(["'])([^"']+)\1/g;
  from.lastIndex = offset;
  return from.exec(text)?.[2];
}

export async function compileErrors(
  monaco: typeof Monaco,
  /** Files as the learner knows them (`account.ts`, `checks/x.test.ts`), in the grader's order. */
  order: readonly string[],
): Promise<string[]> {
  const models = order
    .map((name) => ({ name, model: monaco.editor.getModel(monaco.Uri.parse(LAB_ROOT + name)) }))
    .filter((m): m is { name: string; model: Monaco.editor.ITextModel } => m.model !== null);
  const getWorker = await typeScriptWorker(monaco);
  const worker = await getWorker(...models.map((m) => m.model.uri));
  // One file at a time: the worker answers in order, so the editor's own squiggles for the file
  // being edited get in between instead of waiting for every file.
  const perFile: string[][] = [];
  for (const { name, model } of models) {
    const uri = model.uri.toString();
    const syntactic = await worker.getSyntacticDiagnostics(uri);
    const found = syntactic.length > 0 ? syntactic : await worker.getSemanticDiagnostics(uri);
    perFile.push(found.map((d) => diagnosticLine(name, model, d)));
  }
  return limitCompileErrors(perFile.flat());
}

/**
 * Monaco registers its TypeScript support a moment after the first TypeScript model appears,
 * and says "TypeScript not registered!" until then: wait for it (5 s at most).
 */
async function typeScriptWorker(monaco: typeof Monaco) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await monaco.typescript.getTypeScriptWorker();
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function diagnosticLine(name: string, model: Monaco.editor.ITextModel, d: Diagnostic): string {
  const text = flattenMessage(d.messageText);
  if (d.start === undefined) return formatCompileDiagnostic({ code: d.code, text });
  const at = model.getPositionAt(d.start);
  const where = `${name}:${at.lineNumber}:${at.column}`;
  if (!MISSING_EXPORT_CODES.has(d.code))
    return formatCompileDiagnostic({ code: d.code, text, where });
  const source = model.getValue();
  const imported = source.slice(d.start, d.start + (d.length ?? 0));
  const specifier = importedFrom(source, d.start);
  const missing =
    specifier !== undefined && /^[\w$]+$/.test(imported)
      ? { name: imported, module: labFileOf(specifier) }
      : undefined;
  return formatCompileDiagnostic({ code: d.code, text, where, ...(missing ? { missing } : {}) });
}
