/**
 * Code line-highlight steps, written as fence meta: ```ts {1|3-4|6-8}
 * Each `|`-separated group is one step; a group lists lines and ranges separated by commas.
 */

/** The brace group of a fence's meta string, or undefined when the fence has none. */
export function highlightSpec(meta: string | undefined): string | undefined {
  const match = meta?.match(/\{([^}]*)\}/);
  return match ? match[1] : undefined;
}

/**
 * Parses `1|3-4|6-8` into one sorted line list per step: [[1], [3, 4], [6, 7, 8]].
 * @param lineCount when given, a line beyond the block is an error rather than a silent no-op.
 * @param where names the source in error messages (file, block).
 */
export function parseHighlightSteps(
  spec: string,
  lineCount?: number,
  where = "code block",
): number[][] {
  const trimmed = spec.trim();
  if (trimmed === "") throw new Error(`${where}: empty line-highlight spec "{}"`);
  return trimmed.split("|").map((group, index) => {
    const lines = new Set<number>();
    for (const part of group.split(",")) {
      const token = part.trim();
      const range = token.match(/^(\d+)(?:\s*-\s*(\d+))?$/);
      if (!range) {
        throw new Error(
          `${where}: step ${index + 1} of "{${spec}}" has "${token}"; expected a line like 3 or a range like 3-5`,
        );
      }
      const from = Number(range[1]);
      const to = range[2] === undefined ? from : Number(range[2]);
      if (from < 1 || to < from) {
        throw new Error(
          `${where}: step ${index + 1} of "{${spec}}" has an empty or reversed range "${token}"`,
        );
      }
      if (lineCount !== undefined && to > lineCount) {
        throw new Error(
          `${where}: step ${index + 1} of "{${spec}}" highlights line ${to}, but the block has ${lineCount} lines`,
        );
      }
      for (let line = from; line <= to; line++) lines.add(line);
    }
    return [...lines].sort((a, b) => a - b);
  });
}

/** For each 1-based line, the 1-based steps that highlight it: the inverse of parseHighlightSteps. */
export function stepsByLine(steps: number[][]): Map<number, number[]> {
  const byLine = new Map<number, number[]>();
  steps.forEach((lines, index) => {
    for (const line of lines) byLine.set(line, [...(byLine.get(line) ?? []), index + 1]);
  });
  return byLine;
}
