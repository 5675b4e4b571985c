import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findSlide, indexSlides, linkMatchesTitle, meaningfulWords } from "./slide-ids";

const LINK = /<SlideLink\s+talk="([^"]+)"\s+id="([^"]+)"\s*>([\s\S]*?)<\/SlideLink>/g;

/** Every `<SlideLink>` in the labs' instructions, with where it is. */
function labLinks() {
  return readdirSync("labs").flatMap((lab) => {
    const file = join("labs", lab, "instructions.mdx");
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(LINK)].map((m) => ({
      file,
      talk: m[1] ?? "",
      id: m[2] ?? "",
      text: (m[3] ?? "").replace(/\s+/g, " ").trim(),
    }));
  });
}

const decks = new Map<string, ReturnType<typeof indexSlides>>();
function deck(talk: string) {
  let slides = decks.get(talk);
  if (!slides) {
    const file = join("content/talks", `${talk}.mdx`);
    slides = indexSlides(readFileSync(file, "utf8"), file);
    decks.set(talk, slides);
  }
  return slides;
}

describe("lab → slide links", () => {
  const links = labLinks();

  it("every link names its slide by a stable id, never by number", () => {
    expect(links.length).toBeGreaterThanOrEqual(23);
    for (const lab of readdirSync("labs")) {
      const text = readFileSync(join("labs", lab, "instructions.mdx"), "utf8");
      expect(text, `labs/${lab}: a <SlideLink> by number rots when slides move`).not.toMatch(
        /<SlideLink[^>]*\bslide=/,
      );
    }
  });

  it.each(links.map((l) => [`${l.file} → ${l.talk}#${l.id}`, l] as const))(
    "%s exists and its text shares a word with the slide's title",
    (_, link) => {
      const slide = findSlide(deck(link.talk), link.id, `${link.file}`);
      expect(
        linkMatchesTitle(link.text, slide.title),
        `"${link.text}" shares no meaningful word with slide ${slide.number}, "${slide.title}"`,
      ).toBe(true);
    },
  );
});

describe("the slide index of a deck's source", () => {
  const source = `---
title: x
---

# Title

---

## A bank account

<SlideId id="bank-table" />

\`\`\`ts
---
\`\`\`

---
---

## Snapshots

<SlideId id="snapshots" />
`;

  it("cuts at top-level --- outside code fences, skips front matter and empty chunks", () => {
    expect(indexSlides(source)).toEqual([
      { number: 1, title: "Title" },
      { number: 2, id: "bank-table", title: "A bank account" },
      { number: 3, id: "snapshots", title: "Snapshots" },
    ]);
  });

  it("rejects a repeated or malformed id, and names the ids a deck has for an unknown one", () => {
    expect(() => indexSlides(source.replace('"snapshots"', '"bank-table"'), "d.mdx")).toThrow(
      /"bank-table" is on slides 2 and 3/,
    );
    expect(() => indexSlides(source.replace('"snapshots"', '"12"'), "d.mdx")).toThrow(
      /lower-case words/,
    );
    expect(() => findSlide(indexSlides(source), "nope", "lab.mdx")).toThrow(
      /no slide has the id "nope"; the deck's ids are bank-table, snapshots/,
    );
  });

  it("the word check catches a link that opens the wrong slide", () => {
    expect(linkMatchesTitle("the bank-account slide", "A bank account")).toBe(true);
    expect(linkMatchesTitle("snapshot policies", "Snapshot policy")).toBe(true);
    expect(linkMatchesTitle("why replay gets slow", "Try it: drive the account")).toBe(false);
    expect([...meaningfulWords("The rules of the game")]).toEqual(["rule", "game"]);
  });
});
