import type { ShikiTransformer } from "shiki";
import { codeKind, codeLabel } from "./code-kind";
import { highlightSpec, parseHighlightSteps, stepsByLine } from "./highlight-ranges";

/**
 * A Shiki transformer for deck code blocks with line-highlight steps (```ts {1|3-4}).
 * Shiki sees the fence meta; the deck script only sees HTML. So the steps travel as data
 * attributes: `data-highlight-steps` (how many) on <pre>, `data-hl` (which steps) on each line.
 */
export const highlightStepsTransformer: ShikiTransformer = {
  name: "deck-highlight-steps",
  pre(node) {
    labelCodeKind(node, this.options.meta?.__raw, this.options.lang);
    const spec = highlightSpec(this.options.meta?.__raw);
    if (spec === undefined) return;
    const lineCount = this.source.replace(/\n$/, "").split("\n").length;
    const steps = parseHighlightSteps(
      spec,
      lineCount,
      `code block starting "${this.source.split("\n")[0]}"`,
    );
    node.properties["data-highlight-steps"] = String(steps.length);
    const byLine = stepsByLine(steps);
    let lineNumber = 0;
    const code = node.children.find(
      (child) => child.type === "element" && child.tagName === "code",
    );
    if (code?.type !== "element") return;
    for (const line of code.children) {
      if (line.type !== "element") continue;
      lineNumber++;
      const hl = byLine.get(lineNumber);
      if (hl) line.properties["data-hl"] = hl.join(" ");
    }
  },
};

type Element = Parameters<NonNullable<ShikiTransformer["pre"]>>[0];

/** Marks the block with its kind (code-kind.ts) and a visible label saying what the code is. */
function labelCodeKind(node: Element, meta: string | undefined, lang: string): void {
  const kind = codeKind(meta);
  if (!kind) return;
  node.properties["data-code-kind"] = kind.kind;
  node.children.unshift({
    type: "element",
    tagName: "span",
    properties: { className: ["code-label"] },
    children: [{ type: "text", value: codeLabel(kind, lang) }],
  });
}
