import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { RUNTIME_ENTRY } from "./sandbox";

/**
 * The runtime as one ES module, built once per grader process, for Vitest runs to import as
 * `@runtime`. Each run starts a fresh Vitest, which would otherwise transform and serve the
 * runtime's hundred-odd source modules again for every submission; one module of the same code
 * made a batch about a fifth faster. Type checking still reads the sources (program.ts), so
 * compile errors name the runtime's real declarations.
 */
let bundle: string | undefined;

export function runtimeBundle(): string {
  if (bundle) return bundle;
  const dir = mkdtempSync(join(tmpdir(), "lab-grade-runtime-"));
  const outfile = join(dir, "runtime.mjs");
  buildSync({
    entryPoints: [RUNTIME_ENTRY],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile,
    logLevel: "error",
  });
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  bundle = outfile;
  return outfile;
}
