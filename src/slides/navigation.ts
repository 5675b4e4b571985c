/**
 * Where a deck is: a slide (0-based here, 1-based in URLs and on screen) and how many of that
 * slide's steps are revealed (0 = none). Pure, so the audience and presenter windows agree.
 */
export interface Position {
  slide: number;
  step: number;
}

/** Clamps a position into a deck whose slide i has `steps[i]` steps. */
export function clampPosition(position: Position, steps: readonly number[]): Position {
  if (steps.length === 0) return { slide: 0, step: 0 };
  const slide = Math.min(Math.max(0, Math.trunc(position.slide)), steps.length - 1);
  const step = Math.min(Math.max(0, Math.trunc(position.step)), steps[slide] ?? 0);
  return { slide, step };
}

/** One step forward: the next step of this slide, else the next slide from its start. */
export function nextPosition({ slide, step }: Position, steps: readonly number[]): Position {
  if (step < (steps[slide] ?? 0)) return { slide, step: step + 1 };
  if (slide < steps.length - 1) return { slide: slide + 1, step: 0 };
  return { slide, step };
}

/** One step back: undo the last step, else the previous slide fully revealed. */
export function previousPosition({ slide, step }: Position, steps: readonly number[]): Position {
  if (step > 0) return { slide, step: step - 1 };
  if (slide > 0) return { slide: slide - 1, step: steps[slide - 1] ?? 0 };
  return { slide, step };
}

export const samePosition = (a: Position, b: Position): boolean =>
  a.slide === b.slide && a.step === b.step;

/**
 * A slide's steps, in document order: each <Step> is one, each code block with `{1|3-4}` is one
 * per group. `offsets[i]` is how many steps come before fragment i.
 */
export function stepPlan(fragments: readonly number[]): { total: number; offsets: number[] } {
  const offsets: number[] = [];
  let total = 0;
  for (const size of fragments) {
    offsets.push(total);
    total += size;
  }
  return { total, offsets };
}

/**
 * Which of a fragment's groups is active at `step`: 0 before it starts, then 1..size, staying
 * on the last once later steps run (a code block keeps its final highlight).
 */
export function activeGroup(offset: number, size: number, step: number): number {
  return Math.min(size, Math.max(0, step - offset));
}
