/**
 * Stable slide ids, read from a deck's MDX source. A slide carries `<SlideId id="…" />`; links
 * from labs name the id, never the slide's position, so inserting a slide breaks nothing.
 * The source is enough here (no rendering): slides are cut at top-level `---` lines outside
 * code fences, as slide-breaks.ts cuts the rendered deck, and Deck.astro checks that both cuts
 * agree on every id's position, so this index cannot drift from what the deck shows.
 */

/** Lower-case words and dashes: short, readable in a URL, never mistaken for a slide number. */
export const SLIDE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const MARKER = /<SlideId\s+id=(?:"([^"]*)"|'([^']*)'|\{"([^"]*)"\})\s*\/>/g;

/** One slide of a deck's source: its 1-based number, its id if it has one, its heading. */
export interface IndexedSlide {
  number: number;
  id?: string;
  title: string;
}

/** The slides of a deck's MDX source, in order. Throws on a malformed or repeated id. */
export function indexSlides(source: string, where = "deck"): IndexedSlide[] {
  const chunks = slideChunks(source);
  const seen = new Map<string, number>();
  return chunks.map((chunk, index) => {
    const number = index + 1;
    const ids = [...chunk.matchAll(MARKER)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
    if (ids.length > 1) throw new Error(`${where}, slide ${number}: more than one <SlideId>`);
    const id = ids[0];
    if (id !== undefined) {
      if (!SLIDE_ID.test(id)) {
        throw new Error(
          `${where}, slide ${number}: slide id "${id}" must be lower-case words joined by dashes`,
        );
      }
      const earlier = seen.get(id);
      if (earlier !== undefined)
        throw new Error(`${where}: slide id "${id}" is on slides ${earlier} and ${number}`);
      seen.set(id, number);
    }
    return { number, ...(id === undefined ? {} : { id }), title: headingOf(chunk, number) };
  });
}

/** The slide with this id, or an error that lists the ids the deck has. */
export function findSlide(slides: IndexedSlide[], id: string, where: string): IndexedSlide {
  const slide = slides.find((s) => s.id === id);
  if (slide) return slide;
  const known = slides.flatMap((s) => (s.id ? [s.id] : []));
  throw new Error(
    `${where}: no slide has the id "${id}"; the deck's ids are ${known.join(", ") || "(none)"}`,
  );
}

/** Source chunks between top-level `---` lines, front matter and empty chunks dropped. */
function slideChunks(source: string): string[] {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  let start = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.indexOf("---", 1);
    start = end < 0 ? 0 : end + 1;
  }
  const chunks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  for (const line of lines.slice(start)) {
    const opener = line.match(/^(`{3,}|~{3,})/);
    if (opener?.[1]) {
      if (fence === undefined) fence = opener[1];
      else if (line.trim() === fence) fence = undefined;
    }
    if (fence === undefined && line.trim() === "---" && !/^\s/.test(line)) {
      chunks.push(current.join("\n"));
      current = [];
    } else current.push(line);
  }
  chunks.push(current.join("\n"));
  return chunks.filter((chunk) => chunk.trim() !== "");
}

function headingOf(chunk: string, number: number): string {
  let fence = false;
  for (const line of chunk.split("\n")) {
    if (/^(`{3,}|~{3,})/.test(line)) fence = !fence;
    if (fence) continue;
    const heading = line.match(/^#{1,6}\s+(.+?)\s*#*\s*$/);
    if (heading?.[1]) return plainText(heading[1]);
  }
  return `Slide ${number}`;
}

function plainText(markdown: string): string {
  return markdown
    .replace(/<[^>]+>/g, "")
    .replace(/[*_`]/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

const STOP_WORDS = new Set(
  "a an and are as at be by do does for from how in is it its of on or the their this to what when why with you your not no one two".split(
    " ",
  ),
);

/** The words of a text that carry meaning: lower-case, no stop words, a plural `s` dropped. */
export function meaningfulWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 2 && !STOP_WORDS.has(word))
      .map((word) =>
        word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word,
      ),
  );
}

/** Whether a link's text and its target's title share a meaningful word. */
export function linkMatchesTitle(linkText: string, title: string): boolean {
  const target = meaningfulWords(title);
  return [...meaningfulWords(linkText)].some((word) => target.has(word));
}
