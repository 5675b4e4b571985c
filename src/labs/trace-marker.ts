/**
 * A cluster check asks for a link to the trace of a failing seed by putting a marker in its
 * assertion message: `[trace seed=123 lab=sharding-crash]`. The lab page turns each marker into
 * a "Show trace" button; the grader leaves the text as it is, where the seed is still readable.
 */
export interface TraceMarker {
  readonly seed: number;
  readonly lab: string;
  /** The marker's text, as it appears in the message. */
  readonly text: string;
  readonly index: number;
}

const MARKER = /\[trace seed=(-?\d+) lab=([\w-]+)\]/g;

/**
 * Every well-formed marker in `message`, in order; malformed ones are ordinary text.
 *
 * @example
 * parseTraceMarkers("seed 7 [trace seed=7 lab=split-brain]: lost a write");
 * // [{ seed: 7, lab: "split-brain", text: "[trace seed=7 lab=split-brain]", index: 7 }]
 */
export function parseTraceMarkers(message: string): TraceMarker[] {
  return [...message.matchAll(MARKER)].map((m) => ({
    seed: Number(m[1]),
    lab: m[2] as string,
    text: m[0],
    index: m.index ?? 0,
  }));
}

/**
 * The marker a check writes for `seed`.
 *
 * @example
 * expect(ok, `seed ${seed} ${traceMarker(seed, "sharding-crash")}`).toBe(true);
 */
export function traceMarker(seed: number, lab: string): string {
  return `[trace seed=${seed} lab=${lab}]`;
}
