import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeKind } from "../code-kind";
import { fencesOf, snippetRegion } from "./regions";

const DECKS = "content/talks";
const SNIPPETS = "src/slides/snippets";

const blocks = readdirSync(DECKS)
  .filter((f) => f.endsWith(".mdx"))
  .flatMap((file) =>
    fencesOf(readFileSync(join(DECKS, file), "utf8")).map((fence) => ({
      where: `${DECKS}/${file}:${fence.line}`,
      ...fence,
    })),
  );

describe("deck code blocks", () => {
  it.each(blocks.map((b) => [b.where, b] as const))(
    "%s says what it is: runtime code from a tested file, Akka's API, or a sketch",
    (where, block) => {
      const kind = codeKind(block.meta);
      expect(
        kind,
        `${where}: add runtime=<deck>#<region>, akka or sketch to the fence`,
      ).toBeDefined();
      if (kind?.kind !== "runtime") return;
      const file = join(SNIPPETS, `${kind.deck}.ts`);
      const test = join(SNIPPETS, `${kind.deck}.test.ts`);
      expect(existsSync(file), `${where}: ${file} does not exist`).toBe(true);
      expect(snippetRegion(readFileSync(file, "utf8"), kind.region, file), where).toBe(block.code);
      // A test per snippet: its name starts with the region's name.
      expect(
        readFileSync(test, "utf8"),
        `${where}: ${test} has no test for ${kind.region}`,
      ).toMatch(new RegExp(`it\\(\\s*"(?:[a-z0-9-]+ \\+ )*${kind.region}(?: \\+ [a-z0-9-]+)*:`));
    },
  );

  it("the chat deck's runtime code is all checked (the deck that once showed broken code)", () => {
    const chat = blocks.filter((b) => b.where.includes("event-sourced-chat"));
    expect(chat.filter((b) => codeKind(b.meta)?.kind === "runtime").length).toBeGreaterThanOrEqual(
      6,
    );
  });
});

describe("snippet regions", () => {
  const file = [
    "import x from 'y';",
    "  // #region demo",
    "  const a = 1;",
    "  // #hide",
    "  const hidden = 2;",
    "  // #show",
    "    return a;",
    "  // #endregion demo",
  ].join("\n");

  it("cut, hide and dedent", () => {
    expect(snippetRegion(file, "demo")).toBe("const a = 1;\n  return a;");
  });

  it("a slide that drifts from its file is caught, and a missing region is named", () => {
    expect(snippetRegion(file, "demo")).not.toBe("const a = 2;\n  return a;");
    expect(() => snippetRegion(file, "other", "chat.ts")).toThrow(
      /chat.ts: no "\/\/ #region other"/,
    );
  });

  it("fences carry their language and meta", () => {
    expect(
      fencesOf("a\n```ts {1|2} runtime=chat#x\nline1\nline2\n```\n```scala akka\nval x = 1\n```"),
    ).toEqual([
      { lang: "ts", meta: "{1|2} runtime=chat#x", code: "line1\nline2", line: 2 },
      { lang: "scala", meta: "akka", code: "val x = 1", line: 6 },
    ]);
  });
});
