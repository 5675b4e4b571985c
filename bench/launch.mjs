// Runs the benchmarks from an esbuild bundle rather than through tsx: tsx keeps function names
// by wrapping every closure, which would tax the runtime's hot paths in a way no real build does.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
// Inside the repository, so the bundle's bare imports (xstate, nact) resolve from node_modules.
const dir = mkdtempSync(join(root, "bench/.out-"));
const outfile = join(dir, "run.mjs");
await build({
  entryPoints: [join(root, "bench/run.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  outfile,
  packages: "external",
  alias: { "@runtime": join(root, "src/runtime/index.ts") },
  define: { "import.meta.url": JSON.stringify(pathToFileURL(join(root, "bench/run.ts")).href) },
  logLevel: "warning",
});
// bench/run.ts starts each section in a process of its own from this bundle.
process.env.BENCH_BUNDLE = outfile;
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
