import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { labMetaSchema } from "./labs/schema";
import { talkSchema } from "./slides/schema";

/** One MDX deck per talk, in `content/talks/<slug>.mdx`. */
const talks = defineCollection({
  loader: glob({ pattern: "*.mdx", base: "./content/talks" }),
  schema: talkSchema,
});

/** One lab per folder, described by `labs/<slug>/lab.json`. */
const labs = defineCollection({
  loader: glob({
    pattern: "*/lab.json",
    base: "./labs",
    generateId: ({ entry }) => entry.split("/")[0] ?? entry,
  }),
  schema: labMetaSchema,
});

export const collections = { talks, labs };
