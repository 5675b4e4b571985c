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
   * Points per task, by task number (`{ "1": 10, "3": 5 }`), for the scores in the Gradescope,
   * Classroom 50 and gradebook outputs. A task not listed is worth one point per check. Whole
   * points, as Classroom 50 requires; a task's score is its points times the share of its checks
   * that pass, rounded down, so only a task whose every check passes gets all of them.
   */
  points: z
    .record(
      z.string(),
      z.number().int("must be a whole number of points").positive("must be at least 1"),
    )
    .superRefine((points, ctx) => {
      for (const key of Object.keys(points)) {
        if (!/^[1-9]\d*$/.test(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `"${key}" is not a task number: use the number that starts the task's heading, such as "1"`,
          });
        }
      }
    })
    .optional(),
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
