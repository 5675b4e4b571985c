/**
 * Snippet regions: the code a slide shows, cut from a type-checked file. A region runs from
 * `// #region <name>` to `// #endregion <name>`; lines between `// #hide` and `// #show` stay in
 * the file (so it compiles) but off the slide. The region is dedented as a whole.
 */
export function snippetRegion(source: string, name: string, where = "snippet file"): string {
  const lines = source.split("\n");
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`${where}: no "// #region ${name}"`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === `// #endregion ${name}`);
  if (end < 0) throw new Error(`${where}: "// #region ${name}" has no "// #endregion ${name}"`);
  const shown: string[] = [];
  let hidden = false;
  for (const line of lines.slice(start + 1, end)) {
    if (line.trim() === "// #hide") hidden = true;
    else if (line.trim() === "// #show") hidden = false;
    else if (!hidden) shown.push(line);
  }
  const indent = Math.min(
    ...shown.filter((l) => l.trim() !== "").map((l) => (l.match(/^ */)?.[0] ?? "").length),
  );
  return shown
    .map((l) => l.slice(Number.isFinite(indent) ? indent : 0))
    .join("\n")
    .trimEnd();
}

/** One fenced code block of an MDX deck: its language, its meta and its text. */
export interface Fence {
  lang: string;
  meta: string;
  code: string;
  line: number;
}

/** The fenced code blocks of a Markdown/MDX source, in order. */
export function fencesOf(source: string): Fence[] {
  const fences: Fence[] = [];
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]?.match(/^(`{3,})(\w*)\s*(.*)$/);
    if (!open?.[1]) continue;
    const close = lines.findIndex((l, j) => j > i && l.trim() === open[1]);
    if (close < 0) throw new Error(`line ${i + 1}: a code fence is never closed`);
    fences.push({
      lang: open[2] ?? "",
      meta: open[3] ?? "",
      code: lines
        .slice(i + 1, close)
        .join("\n")
        .trimEnd(),
      line: i + 1,
    });
    i = close;
  }
  return fences;
}
