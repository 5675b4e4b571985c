import { describe, expect, it } from "vitest";
import { analyseDeck, extractNotes, inferLayout, slideTitle, splitSlides, textOf } from "./split";

const hr = "<hr data-slide-break/>";

describe("splitting a rendered deck", () => {
  it("cuts at marked breaks only, keeping ordinary rules inside a slide", () => {
    const html = `<h1>A</h1>${hr}<h2>B</h2><div class="column"><hr/></div>\n${hr}\n<h2>C</h2>`;
    expect(splitSlides(html)).toEqual([
      "<h1>A</h1>",
      '<h2>B</h2><div class="column"><hr/></div>',
      "<h2>C</h2>",
    ]);
  });

  it("accepts the marker however the serializer spells it, and drops empty chunks", () => {
    const html = `${hr}<p>one</p><hr data-slide-break="">  \n <hr data-slide-break /><p>two</p>${hr}`;
    expect(splitSlides(html)).toEqual(["<p>one</p>", "<p>two</p>"]);
  });

  it("keeps a slide that is only a picture", () => {
    expect(splitSlides(`<p>a</p>${hr}<svg viewBox="0 0 1 1"></svg>`)).toHaveLength(2);
  });

  it("lifts speaker notes out of the slide", () => {
    const { html, notes } = extractNotes(
      '<h2>T</h2><aside class="notes" data-notes aria-label="Speaker notes"><p>Say this</p></aside><p>body</p>',
    );
    expect(html).toBe("<h2>T</h2><p>body</p>");
    expect(notes).toBe("<p>Say this</p>");
  });

  it("reads text and titles with entities decoded", () => {
    expect(textOf("<p>a &amp; b&#39;s &lt;x&gt; &#x2192;</p>")).toBe("a & b's <x> →");
    expect(slideTitle('<h2 id="x">Split <code>brain</code> &amp; quorum</h2>', "Slide 3")).toBe(
      "Split brain & quorum",
    );
    expect(slideTitle("<p>no heading</p>", "Slide 3")).toBe("Slide 3");
  });
});

describe("inferring a slide's layout", () => {
  it("makes the first slide the title", () =>
    expect(inferLayout("<h1>Deck</h1><p>sub</p>", 0)).toBe("title"));
  it("makes a lone h1 a section", () =>
    expect(inferLayout("<h1>Part two</h1><p>x</p>", 4)).toBe("section"));
  it("does not make an h1 with other headings a section", () =>
    expect(inferLayout("<h1>A</h1><h2>B</h2>", 4)).toBe("default"));
  it("spots columns", () =>
    expect(inferLayout('<h2>A</h2><div class="columns">…</div>', 2)).toBe("two-columns"));
  it("spots a demo", () =>
    expect(inferLayout('<h2>A</h2><div data-demo="bank"></div>', 2)).toBe("demo"));
  it("makes a slide that is mostly code a code slide, and a wordy one default", () => {
    const code = `<pre><code>${"const x = 1;\n".repeat(8)}</code></pre>`;
    expect(inferLayout(`<h2>Code</h2>${code}<p>short</p>`, 3)).toBe("code");
    expect(inferLayout(`<h2>Code</h2>${code}<p>${"many words here ".repeat(20)}</p>`, 3)).toBe(
      "default",
    );
  });
  it("lets an explicit marker win, and names the slide for an unknown one", () => {
    expect(inferLayout('<span hidden data-slide-layout="code"></span><h1>x</h1>', 0)).toBe("code");
    expect(() =>
      inferLayout('<span data-slide-layout="wide"></span>', 2, "talk.mdx, slide 3"),
    ).toThrow(/talk.mdx, slide 3: unknown layout "wide"/);
  });

  it("analyses a whole deck", () => {
    const slides = analyseDeck(
      `<h1>Deck</h1>${hr}<h2>Point</h2><aside class="notes" data-notes><p>n</p></aside>${hr}<h1>Part</h1>`,
    );
    expect(slides.map((s) => [s.layout, s.title, s.notes])).toEqual([
      ["title", "Deck", ""],
      ["default", "Point", "<p>n</p>"],
      ["section", "Part", ""],
    ]);
  });
});
