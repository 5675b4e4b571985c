/**
 * Positions in the learner's own file for a position in its transpiled code. Sucrase keeps every
 * line where it was but not every column (`Effect` becomes `_runtime.Effect`), so stack frames
 * are mapped through the source map the transpile step appends to its output (./transpile.ts):
 * the browser and Node both report frames in the code they ran, never in its sources.
 */

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8,([^\n]*)\s*$/;

/** `code` with the source map of `mappings` inline, as its last line. */
export function withInlineSourceMap(code: string, map: object): string {
  return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(map))}`;
}

/** One line's segments: [generated column, source line, source column], all 0-based. */
type Segment = readonly [number, number, number];

export interface LineMap {
  /** 1-based line and column in the transpiled code → the same in the source, when mapped. */
  original(line: number, column: number): { line: number; column: number } | undefined;
}

/** The map a transpiled file carries inline, or undefined when it carries none. */
export function inlineSourceMap(code: string): LineMap | undefined {
  const encoded = INLINE_MAP.exec(code)?.[1];
  if (encoded === undefined) return undefined;
  let mappings: string;
  try {
    mappings = (JSON.parse(decodeURIComponent(encoded)) as { mappings?: unknown })
      .mappings as string;
  } catch {
    return undefined;
  }
  if (typeof mappings !== "string") return undefined;
  const lines = decodeMappings(mappings);
  return {
    original(line, column) {
      const segments = lines[line - 1];
      if (!segments || segments.length === 0) return undefined;
      const at = column - 1;
      let best: Segment | undefined;
      for (const s of segments) {
        if (s[0] > at) break;
        best = s;
      }
      best ??= segments[0] as Segment;
      // Inside a token the offset from its start carries over (sucrase maps token starts).
      return { line: best[1] + 1, column: best[2] + Math.max(0, at - best[0]) + 1 };
    },
  };
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Source map v3 `mappings` (Base64 VLQ), per generated line; segments without a source skipped. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(";")) {
    const segments: Segment[] = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceLine += fields[2] ?? 0;
        sourceColumn += fields[3] ?? 0;
        segments.push([column, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`not a source map segment: ${segment}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
