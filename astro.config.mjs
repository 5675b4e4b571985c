// @ts-check

import { fileURLToPath } from "node:url";
import { satteri } from "@astrojs/markdown-satteri";
import mdx from "@astrojs/mdx";
import { defineConfig } from "astro/config";
import { runtimeDeclarations } from "./src/labs/runtime-dts.mjs";
import { katexMath } from "./src/markdown/katex-math.mjs";
import { deckModulePreload } from "./src/slides/module-preload.ts";
import { highlightStepsTransformer } from "./src/slides/shiki-steps.ts";
import { slideBreaks } from "./src/slides/slide-breaks.ts";

// The site must work under a sub-path (for example a GitHub Pages project site), so the
// base comes from the environment and every link goes through `import.meta.env.BASE_URL`.
const base = process.env.SITE_BASE ?? "/";

export default defineConfig({
  output: "static",
  site: process.env.SITE_URL ?? "http://127.0.0.1:4321",
  base,
  trailingSlash: "ignore",
  // Math in decks (talk 4's equations): Sätteri parses `$…$`/`$$…$$`, katexMath renders it.
  // Decks: slideBreaks marks each top-level `---`, the Shiki transformer carries ```ts {1|3-4}
  // line-highlight steps into the HTML (src/slides).
  markdown: {
    processor: satteri({ features: { math: true }, hastPlugins: [katexMath, slideBreaks] }),
    shikiConfig: { transformers: [highlightStepsTransformer] },
  },
  // Deck pages: modulepreload links for their scripts' chunks (src/slides/module-preload.ts).
  integrations: [mdx(), deckModulePreload()],
  vite: {
    // The lab editor shows the runtime's types and TSDoc in Monaco (virtual:runtime-dts).
    plugins: [runtimeDeclarations()],
    resolve: {
      alias: { "@runtime": fileURLToPath(new URL("./src/runtime/index.ts", import.meta.url)) },
    },
  },
  server: { host: "127.0.0.1", port: 4321 },
});
