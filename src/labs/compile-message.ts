/**
 * How a submission that does not type-check is reported, in words shared by the CI grader
 * (src/grader/compile-errors.ts, over a TypeScript program) and the lab page
 * (src/labs/client/typecheck.ts, over Monaco's TypeScript worker): one verdict, one wording.
 */

/** TS codes for "module has no exported member X" and its variants. */
export const MISSING_EXPORT_CODES: ReadonlySet<number> = new Set([2305, 2614, 2724, 2459, 2460]);

/** At most this many errors are listed; the first ones are the ones to fix. */
export const COMPILE_ERROR_LIMIT = 20;

export interface CompileDiagnostic {
  code: number;
  /** The flattened message text. */
  text: string;
  /** `account.ts:3:14`; absent for a diagnostic with no file. */
  where?: string;
  /** For a missing export: the name imported and the lab file it was imported from. */
  missing?: { name: string; module: string };
}

/** One line, the way a compiler writes it: `account.ts:12:5: error TS2322: …`. */
export function formatCompileDiagnostic(d: CompileDiagnostic): string {
  if (d.where === undefined) return `error TS${d.code}: ${d.text}`;
  if (d.missing && MISSING_EXPORT_CODES.has(d.code)) {
    return `${d.missing.module} does not export "${d.missing.name}" (imported at ${d.where})`;
  }
  return `${d.where}: error TS${d.code}: ${d.text}`;
}

/** Distinct lines, in order, cut at {@link COMPILE_ERROR_LIMIT}. */
export function limitCompileErrors(lines: readonly string[]): string[] {
  const all = [...new Set(lines)];
  if (all.length <= COMPILE_ERROR_LIMIT) return all;
  return [
    ...all.slice(0, COMPILE_ERROR_LIMIT),
    `… and ${all.length - COMPILE_ERROR_LIMIT} more errors`,
  ];
}

/** The run's message when the submission does not type-check. */
export function doesNotCompile(errors: readonly string[]): string {
  return `The submission does not compile:\n${errors.join("\n")}`;
}
