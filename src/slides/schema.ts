import { z } from "astro/zod";

/** Frontmatter of a deck in `content/talks/<slug>.mdx`. */
export const talkSchema = z.object({
  title: z.string().min(1),
  /** Position in the series, 1–5; drives the order on the index. */
  order: z.number().int().positive(),
  /** The credit line from the talk's outline, shown on the title slide. */
  credit: z.string().min(1),
  summary: z.string().min(1),
  /** Suggested speaking time in minutes, used by the presenter view's pacing timer. */
  minutes: z.number().int().positive(),
  labs: z.array(z.string()).default([]),
  draft: z.boolean().default(false),
});

export type TalkMeta = z.infer<typeof talkSchema>;
