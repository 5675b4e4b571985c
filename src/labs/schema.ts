import { z } from "astro/zod";

/** A path inside a lab's `starter/` and `solution/` folders, such as `account.ts`. */
const labFile = z
  .string()
  .regex(/^[\w./-]+\.ts$/, "must be a relative .ts path")
  .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must stay inside the lab");

/** `labs/<slug>/lab.json`: everything the site, the browser runner and the grader need. */
export const labMetaSchema = z.object({
  title: z.string().min(1),
  summary: z.string().min(1),
  difficulty: z.enum(["beginner", "intermediate", "advanced"]),
  minutes: z.number().int().min(5).max(240),
  talks: z.array(z.string()).default([]),
  editable: z.array(labFile).min(1),
  readonly: z.array(labFile).default([]),
  /** Whole-run timeout for the checks, in seconds. */
  timeoutSeconds: z.number().positive().max(600).default(30),
  order: z.number().int().positive().default(100),
  /** A lab being written: listed under `npm start`, left out of every build. */
  draft: z.boolean().default(false),
  /**
   * Cluster labs: the lab file and export that replay one seed for the trace view, as
   * `(seed: number) => Promise<{ cluster: TraceRecord[]; sharding: ShardingRecord[] }>`.
   */
  trace: z
    .object({
      file: labFile,
      export: z.string().regex(/^[A-Za-z_$][\w$]*$/, "must be an export name"),
    })
    .optional(),
});

export type LabMeta = z.infer<typeof labMetaSchema>;
