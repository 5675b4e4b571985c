import type { HastPluginEntry } from "satteri";

/** The attribute that marks a top-level `---` in a deck; split.ts cuts the rendered HTML there. */
export const SLIDE_BREAK_ATTRIBUTE = "data-slide-break";

/**
 * Marks each top-level thematic break (`---`) of a deck as a slide break. A `---` nested in a
 * component (a <Column>, a <Notes>) stays an ordinary rule, so only the author's separators
 * cut slides. Only deck files (`content/talks/`) are touched.
 */
export const slideBreaks: HastPluginEntry = (file) =>
  file.fileURL?.pathname.includes("/content/talks/")
    ? {
        name: "deck-slide-breaks",
        element: {
          filter: ["hr"],
          visit(node, ctx) {
            if (ctx.parent(node)?.type === "root") ctx.setProperty(node, SLIDE_BREAK_ATTRIBUTE, "");
          },
        },
      }
    : null;
