/**
 * Build-time slide analysis over the HTML that MDX renders for a deck. slide-breaks.ts has
 * marked each top-level `---` with `data-slide-break`; the components (Notes, Layout, Columns)
 * emit fixed markers, so plain string work is enough and needs no HTML parser at build time.
 */

export const SLIDE_LAYOUTS = [
  "title",
  "section",
  "two-columns",
  "code",
  "demo",
  "default",
] as const;
export type SlideLayout = (typeof SLIDE_LAYOUTS)[number];

/** One slide after splitting: its content HTML without notes, the notes apart, and facts about it. */
export interface SlideSource {
  html: string;
  notes: string;
  layout: SlideLayout;
  title: string;
  /** The stable id a `<SlideId>` gave the slide, if any. */
  id?: string;
}

const BREAK = /<hr\b[^>]*\bdata-slide-break\b[^>]*>/g;
const NOTES = /<aside\b[^>]*\bdata-notes\b[^>]*>([\s\S]*?)<\/aside>/g;

/** Cuts a deck's HTML at its slide breaks; empty chunks (a stray leading or doubled `---`) go. */
export function splitSlides(html: string): string[] {
  return html
    .split(BREAK)
    .map((chunk) => chunk.trim())
    .filter(
      (chunk) =>
        textOf(chunk) !== "" || /<(img|svg|pre|table|video|iframe)\b|data-demo/.test(chunk),
    );
}

/** Separates speaker notes (the <Notes> component's markup) from what the audience sees. */
export function extractNotes(html: string): { html: string; notes: string } {
  const notes: string[] = [];
  const rest = html.replace(NOTES, (_, inner: string) => {
    notes.push(inner.trim());
    return "";
  });
  return { html: rest.trim(), notes: notes.join("\n") };
}

/** Text content of an HTML fragment: tags dropped, the common entities decoded, spaces collapsed. */
export function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, "")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<[^>]+>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = {
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    nbsp: " ",
  };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X"))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return named[name.toLowerCase()] ?? whole;
  });
}

/** The first heading's text, which names the slide in the overview, the go-to list and announcements. */
export function slideTitle(html: string, fallback: string): string {
  const heading = html.match(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/);
  const text = heading ? textOf(heading[2] ?? "") : "";
  return text || fallback;
}

/**
 * The slide's layout: an explicit <Layout name=… /> wins; otherwise the first slide is the title,
 * a demo makes a full-bleed demo slide, <Columns> two columns, a lone h1 a section divider, and a
 * slide that is mostly one code block a code slide. `html` must be the slide without its notes.
 */
export function inferLayout(html: string, index: number, where = "slide"): SlideLayout {
  const explicit = html.match(/data-slide-layout="([^"]*)"/);
  if (explicit) {
    const name = explicit[1] as SlideLayout;
    if (!SLIDE_LAYOUTS.includes(name)) {
      throw new Error(
        `${where}: unknown layout "${explicit[1]}"; use one of ${SLIDE_LAYOUTS.join(", ")}`,
      );
    }
    return name;
  }
  if (index === 0) return "title";
  if (/\bdata-demo\b/.test(html)) return "demo";
  if (/class="columns"/.test(html)) return "two-columns";
  const headings = [...html.matchAll(/<h([1-6])\b/g)].map((m) => m[1]);
  if (headings.length === 1 && headings[0] === "1") return "section";
  const blocks = [...html.matchAll(/<pre\b[\s\S]*?<\/pre>/g)].map((m) => m[0]);
  if (blocks.length > 0) {
    const code = blocks.reduce((sum, block) => sum + textOf(block).length, 0);
    const prose = textOf(
      html.replace(/<pre\b[\s\S]*?<\/pre>/g, "").replace(/<h([1-6])\b[\s\S]*?<\/h\1>/g, ""),
    );
    if (code >= 2 * prose.length) return "code";
  }
  return "default";
}

const SLIDE_ID_MARKER = /<span\b[^>]*\bdata-slide-id="([^"]*)"[^>]*><\/span>/g;

/** Lifts the `<SlideId>` marker out of a slide's HTML; more than one is an error. */
export function extractSlideId(html: string, where = "slide"): { html: string; id?: string } {
  const ids: string[] = [];
  const rest = html.replace(SLIDE_ID_MARKER, (_, id: string) => {
    ids.push(id);
    return "";
  });
  if (ids.length > 1) throw new Error(`${where}: more than one <SlideId> (${ids.join(", ")})`);
  return ids[0] === undefined ? { html: rest } : { html: rest, id: ids[0] };
}

/** Everything the deck page needs per slide, from the whole rendered deck. */
export function analyseDeck(html: string, where = "deck"): SlideSource[] {
  return splitSlides(html).map((chunk, index) => {
    const { html: withId, notes } = extractNotes(chunk);
    const { html: content, id } = extractSlideId(withId, `${where}, slide ${index + 1}`);
    return {
      html: content,
      notes,
      layout: inferLayout(content, index, `${where}, slide ${index + 1}`),
      title: slideTitle(content, `Slide ${index + 1}`),
      ...(id === undefined ? {} : { id }),
    };
  });
}
