import { transform } from "sucrase";
import { LabCompileError } from "./loader";

/** Strips types and rewrites imports to `require`; errors come back as `file:line:col: …`. */
export function transpile(path: string, source: string): string {
  try {
    const { code } = transform(source, {
      transforms: ["typescript", "imports"],
      filePath: path,
      disableESTransforms: true,
      preserveDynamicImport: false,
    });
    return code;
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const where = err.loc ? `${path}:${err.loc.line}:${err.loc.column + 1}` : path;
    const message = err.message
      .replace(/^Error transforming [^:]*: /, "")
      .replace(/\s*\(\d+:\d+\)\s*$/, "");
    throw new LabCompileError(`${where}: ${message}`);
  }
}
