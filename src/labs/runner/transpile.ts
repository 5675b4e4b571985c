import { transform } from "sucrase";
import { LabCompileError } from "./loader";
import { sesSafeSource } from "./ses-safe-source";
import { withInlineSourceMap } from "./source-map";

/**
 * Strips types and rewrites imports to `require`; errors come back as `file:line:col: …`. The
 * output keeps every line where it was and carries its source map inline, as its last line, so
 * a stack frame's column can be mapped back to the learner's file (./source-map.ts). Comments are
 * dropped and strings escaped first, so SES takes the text as it is (./ses-safe-source.ts).
 */
export function transpile(path: string, source: string): string {
  try {
    const { code, sourceMap } = transform(sesSafeSource(source), {
      transforms: ["typescript", "imports"],
      filePath: path,
      disableESTransforms: true,
      preserveDynamicImport: false,
      sourceMapOptions: { compiledFilename: path },
    });
    return sourceMap ? withInlineSourceMap(code, sourceMap) : code;
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const where = err.loc ? `${path}:${err.loc.line}:${err.loc.column + 1}` : path;
    const message = err.message
      .replace(/^Error transforming [^:]*: /, "")
      .replace(/\s*\(\d+:\d+\)\s*$/, "");
    throw new LabCompileError(`${where}: ${message}`);
  }
}
