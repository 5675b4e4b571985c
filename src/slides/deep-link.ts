import type { Position } from "./navigation";

/**
 * Deep links: `#12` is slide 12, `#12.2` its second step (1-based slides, as people count them);
 * `#bank-table` is the slide with that stable id (`<SlideId>`), `#bank-table.2` its second step.
 * `ids` lists each slide's id in order (undefined for a slide without one). Returns undefined
 * for a hash that is not a slide link, so ordinary anchors keep working.
 */
export function parseSlideHash(
  hash: string,
  ids: readonly (string | undefined)[] = [],
): Position | undefined {
  const match = hash.replace(/^#/, "").match(/^([a-z0-9-]+)(?:\.(\d+))?$/i);
  if (!match?.[1]) return undefined;
  const step = match[2] === undefined ? 0 : Number(match[2]);
  if (/^\d+$/.test(match[1])) {
    const slide = Number(match[1]);
    return slide < 1 ? undefined : { slide: slide - 1, step };
  }
  const slide = ids.indexOf(match[1]);
  return slide < 0 ? undefined : { slide, step };
}

/** The hash for a position; step 0 is left out so a slide's plain link stays short. */
export function formatSlideHash({ slide, step }: Position): string {
  return step > 0 ? `#${slide + 1}.${step}` : `#${slide + 1}`;
}
