import type { LabMeta } from "./schema";

/**
 * Build-time access to a lab's files through Vite, so the site rebuilds when a lab changes.
 * Everything a lab page needs in the browser is gathered here into one serialisable object.
 */
const sources = import.meta.glob<string>("../../labs/*/{starter,solution,checks}/**/*.ts", {
  query: "?raw",
  import: "default",
  eager: true,
});

const instructions = import.meta.glob("../../labs/*/instructions.mdx");

export interface LabBundle {
  slug: string;
  title: string;
  timeoutSeconds: number;
  editable: string[];
  readonly: string[];
  /** `@runtime` exports the editable files may not use (lab.json `withheld`). */
  withheld: string[];
  /** Starter version of every editable and read-only file. */
  starter: Record<string, string>;
  /** Solution version of the editable files (read-only files live only in starter/). */
  solution: Record<string, string>;
  /** Check files, keyed `checks/<name>.test.ts`, in run order. */
  checks: Record<string, string>;
  /** Cluster labs: what replays a seed for the trace view. */
  trace?: { file: string; export: string };
}

function folder(slug: string, name: "starter" | "solution" | "checks"): Record<string, string> {
  const prefix = `../../labs/${slug}/${name}/`;
  const files: Record<string, string> = {};
  for (const path of Object.keys(sources).sort()) {
    if (!path.startsWith(prefix)) continue;
    const relative = path.slice(prefix.length);
    files[name === "checks" ? `checks/${relative}` : relative] = sources[path] as string;
  }
  return files;
}

export function labBundle(slug: string, meta: LabMeta): LabBundle {
  const starter = folder(slug, "starter");
  const solution = folder(slug, "solution");
  const checks = folder(slug, "checks");
  // starter/ holds every file the learner sees; solution/ only the editable ones. A read-only
  // file lives once, in starter/, so the browser, the grader and check-labs run the same copy.
  for (const file of [...meta.editable, ...meta.readonly]) {
    if (!(file in starter))
      throw new Error(`labs/${slug}/lab.json: ${file} is missing from starter/`);
  }
  for (const file of meta.editable) {
    if (!(file in solution))
      throw new Error(`labs/${slug}/lab.json: ${file} is missing from solution/`);
  }
  for (const file of meta.readonly) {
    if (file in solution)
      throw new Error(
        `labs/${slug}/solution/${file}: ${file} is read-only, so it lives only in starter/; delete this copy`,
      );
  }
  if (meta.trace && !(meta.trace.file in starter))
    throw new Error(
      `labs/${slug}/lab.json: trace.file ${meta.trace.file} is missing from starter/`,
    );
  if (Object.keys(checks).length === 0) throw new Error(`labs/${slug}/checks/ has no *.test.ts`);
  const pick = (from: Record<string, string>, names: string[]) =>
    Object.fromEntries(names.map((n) => [n, from[n] as string]));
  return {
    slug,
    title: meta.title,
    timeoutSeconds: meta.timeoutSeconds,
    editable: meta.editable,
    readonly: meta.readonly,
    withheld: meta.withheld,
    starter: pick(starter, [...meta.editable, ...meta.readonly]),
    solution: pick(solution, meta.editable),
    checks,
    ...(meta.trace ? { trace: meta.trace } : {}),
  };
}

/** The compiled instructions.mdx of a lab. */
export async function labInstructions(slug: string) {
  const load = instructions[`../../labs/${slug}/instructions.mdx`];
  if (!load) throw new Error(`labs/${slug}/instructions.mdx is missing`);
  // biome-ignore lint/suspicious/noExplicitAny: an MDX module's component type
  return ((await load()) as { default: any }).default;
}
