import { parse } from "sucrase/dist/parser/index.js";
import { TokenType } from "sucrase/dist/parser/tokenizer/types.js";

/** A token of a TypeScript source file: its kind and where it stands. */
export interface SourceToken {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
}

export { TokenType };

/**
 * The tokens of a lab file, from sucrase's own parser (the one the transpile step uses), or
 * `undefined` when it does not parse: the transpile step then reports the syntax error at its
 * line. Between two tokens there is only white space and comments, so questions about strings,
 * comments and imports are answered here, never by a pattern over the raw text.
 */
export function sourceTokens(source: string): readonly SourceToken[] | undefined {
  try {
    return parse(source, false, true, false).tokens;
  } catch {
    return undefined;
  }
}
