import type { Position } from "./navigation";

/**
 * Deep links: `#12` is slide 12, `#12.2` its second step (1-based slides, as people count them).
 * Returns undefined for a hash that is not a slide link, so ordinary anchors keep working.
 */
export function parseSlideHash(hash: string): Position | undefined {
  const match = hash.replace(/^#/, "").match(/^(\d+)(?:\.(\d+))?$/);
  if (!match) return undefined;
  const slide = Number(match[1]);
  if (slide < 1) return undefined;
  return { slide: slide - 1, step: match[2] === undefined ? 0 : Number(match[2]) };
}

/** The hash for a position; step 0 is left out so a slide's plain link stays short. */
export function formatSlideHash({ slide, step }: Position): string {
  return step > 0 ? `#${slide + 1}.${step}` : `#${slide + 1}`;
}
