import { sourceTokens, TokenType } from "./source-tokens";

/**
 * SES refuses (or rewrites) any source text that contains `<!--`, `-->` or `import(` (also
 * `import //`, `import /*`), wherever it stands: its check is a pattern over the text, so a string
 * `"a --> b"` would run as `"a -- > b"`, and a comment mentioning `import(` refuses the file. The
 * program's meaning must not change, so the text is rewritten token by token (sucrase's own
 * tokenizer, the one the transpile step parses with; a pattern over raw source cannot tell a
 * string from code):
 * - comments become spaces, keeping every line break, so lines and columns stay where they were;
 * - in string and template text, a backslash goes before one character of each sequence
 *   (`--\>`, `<\!--`, `im\port(`): an identity escape, so the string's value is the same. Only a
 *   tagged template's `raw` text sees the backslash. Columns after such a string on its line move
 *   by one per sequence.
 * Code outside strings is left alone: `import(` there is the policy's to refuse, and a `x-->y`
 * stays SES's to refuse.
 */
export function sesSafeSource(source: string): string {
  const tokens = sourceTokens(source);
  if (!tokens) return source;
  let out = "";
  let at = 0;
  for (const token of tokens) {
    out += blankComments(source.slice(at, token.start));
    const text = source.slice(token.start, token.end);
    out +=
      token.type === TokenType.string || token.type === TokenType.template
        ? escapeSequences(text)
        : text;
    at = Math.max(at, token.end);
  }
  return out + blankComments(source.slice(at));
}

/** Text between tokens holds only white space and comments: keep the line breaks only. */
function blankComments(gap: string): string {
  return gap.replace(/[^\n\r\u2028\u2029\t ]/g, " ");
}

const SEQUENCES: readonly { find: string; escapeAt: number; followedBy?: RegExp }[] = [
  { find: "<!--", escapeAt: 1 },
  { find: "-->", escapeAt: 1 },
  { find: "import", escapeAt: 2, followedBy: /^\s*(?:\(|\/[/*])/ },
];

/**
 * Puts a backslash before the character at `escapeAt` of each sequence. That character is never
 * preceded by a backslash of its own (it follows `<`, `-` or `m`), so no existing escape changes.
 */
function escapeSequences(text: string): string {
  let result = text;
  for (const { find, escapeAt, followedBy } of SEQUENCES) {
    let from = 0;
    for (;;) {
      const i = result.indexOf(find, from);
      if (i < 0) break;
      from = i + find.length;
      if (followedBy && !followedBy.test(result.slice(i + find.length))) continue;
      result = `${result.slice(0, i + escapeAt)}\\${result.slice(i + escapeAt)}`;
      from += 1;
    }
  }
  return result;
}
