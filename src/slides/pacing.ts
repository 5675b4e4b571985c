/** `m:ss` (or `h:mm:ss`) for a duration in milliseconds; negative durations are shown as 0. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * How far the speaker is from an even pace: positive when behind (more time spent than the slides
 * reached so far deserve), negative when ahead. The budget is spread evenly over the slides, and
 * reaching slide i (0-based) of n means i/(n−1) of the talk is done.
 */
export function pacingDelta(
  elapsedMs: number,
  slide: number,
  slideCount: number,
  minutes: number,
): number {
  const done = slideCount > 1 ? slide / (slideCount - 1) : 1;
  return elapsedMs - done * minutes * 60_000;
}

/** A short human reading of pacingDelta for the presenter: "on time", "2:10 behind", "0:45 ahead". */
export function describePacing(deltaMs: number): string {
  if (Math.abs(deltaMs) < 30_000) return "on time";
  return `${formatDuration(Math.abs(deltaMs))} ${deltaMs > 0 ? "behind" : "ahead"}`;
}
