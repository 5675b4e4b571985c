/**
 * What a deck's code block is, written in its fence meta, so no slide passes off code as
 * something it is not:
 * - `runtime=<deck>#<region>`: runs on the workshop runtime. The block must equal that region
 *   of `src/slides/snippets/<deck>.ts`, which is type-checked, and a test of the same name in
 *   `<deck>.test.ts` runs it (snippets.test.ts holds both to this).
 * - `akka`: Akka's own API (Scala, Java, or a TypeScript transliteration), not the runtime's.
 * - `sketch`: an illustration of an idea or of the talk's own system; not runnable as shown.
 */
export type CodeKind =
  | { kind: "runtime"; deck: string; region: string }
  | { kind: "akka" }
  | { kind: "sketch" };

const RUNTIME = /(?:^|\s)runtime=([a-z0-9-]+)#([a-z0-9-]+)(?=\s|$)/;

/** Reads the kind from a fence's meta; undefined when the meta names none. */
export function codeKind(meta: string | undefined): CodeKind | undefined {
  const text = meta ?? "";
  const runtime = text.match(RUNTIME);
  const kinds: CodeKind[] = [];
  if (runtime?.[1] && runtime[2])
    kinds.push({ kind: "runtime", deck: runtime[1], region: runtime[2] });
  if (/(?:^|\s)akka(?=\s|$)/.test(text)) kinds.push({ kind: "akka" });
  if (/(?:^|\s)sketch(?=\s|$)/.test(text)) kinds.push({ kind: "sketch" });
  if (kinds.length > 1) throw new Error(`code block meta "${text}" names more than one kind`);
  return kinds[0];
}

/** The label shown above a block of this kind, in this language. */
export function codeLabel(kind: CodeKind, lang: string): string {
  const language =
    { scala: "Scala", java: "Java", ts: "TypeScript", typescript: "TypeScript" }[lang] ?? lang;
  switch (kind.kind) {
    case "runtime":
      return "Workshop runtime · run by the tests";
    case "akka":
      return lang === "ts" || lang === "typescript"
        ? "Akka's API, transliterated to TypeScript · not the workshop runtime"
        : `Akka's API (${language})`;
    case "sketch":
      return "Sketch · not runnable as shown";
  }
}
