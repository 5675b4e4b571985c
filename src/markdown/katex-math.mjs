// @ts-check
// Renders `$…$` and `$$…$$` with KaTeX at build time, as a Sätteri hast plugin.
// Astro 7's default Markdown processor (Sätteri) parses math when its `math` feature is on, but
// leaves it as `<code class="language-math math-inline|math-display">`; remark-math and
// rehype-katex only run on the unified processor, which this project does not install.
// Sätteri plugins cannot return raw HTML, so KaTeX's markup is parsed back into hast.
// Pages that show math must load `katex/dist/katex.min.css` (a deck imports it itself).

import katex from "katex";
import { htmlToHast } from "satteri";

/** @param {any} node */
const isMath = (node) => (node?.properties?.className ?? []).includes("language-math");

/** @param {string} html */
function fragment(html) {
  /** @type {any[]} */
  let nodes = /** @type {any} */ (htmlToHast(html)).children;
  // htmlToHast parses a whole document; keep only what ended up in <body>.
  for (const tag of ["html", "body"]) {
    const element = nodes.find((n) => n.type === "element" && n.tagName === tag);
    if (element && "children" in element) nodes = element.children;
  }
  return nodes[0];
}

/**
 * @param {string} tex
 * @param {boolean} displayMode
 * @param {string | undefined} file
 */
function render(tex, displayMode, file) {
  try {
    // JSX has no namespace attributes, and HTML does not need MathML's xmlns.
    const html = katex.renderToString(tex, { displayMode, throwOnError: true });
    return fragment(html.replace(/ xmlns="[^"]*"/g, ""));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file ?? "Markdown"}: cannot render math \`${tex}\`: ${reason}`);
  }
}

/** @type {import("satteri").HastPluginDefinition} */
export const katexMath = {
  name: "katex-math",
  element: {
    filter: ["pre", "code"],
    visit(node, ctx) {
      const file = ctx.fileURL?.pathname;
      if (node.tagName === "pre") {
        const code = node.children.find((c) => c.type === "element" && c.tagName === "code");
        return isMath(code)
          ? render(ctx.textContent(/** @type {any} */ (code)), true, file)
          : undefined;
      }
      const classes = /** @type {string[]} */ (node.properties.className ?? []);
      return isMath(node) && classes.includes("math-inline")
        ? render(ctx.textContent(node), false, file)
        : undefined;
    },
  },
};
