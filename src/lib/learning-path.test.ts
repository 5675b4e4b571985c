import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labsAfter, orderedTalks, STAGES, talkBefore } from "./learning-path";

/** Front matter `order:` of each deck, read from the files the site builds from. */
const talks = readdirSync("content/talks")
  .filter((f) => f.endsWith(".mdx"))
  .map((f) => {
    const text = readFileSync(join("content/talks", f), "utf8");
    return {
      id: f.replace(/\.mdx$/, ""),
      data: {
        order: Number(text.match(/^order: (\d+)$/m)?.[1]),
        title: text.match(/^title: "(.*)"$/m)?.[1] ?? "",
        minutes: Number(text.match(/^minutes: (\d+)$/m)?.[1]),
      },
    };
  });
const labs = readdirSync("labs").map((id) => ({
  id,
  data: JSON.parse(readFileSync(join("labs", id, "lab.json"), "utf8")) as {
    talks: string[];
    title: string;
  },
}));

describe("the learning path", () => {
  it("runs basics → mastering → persistence and replay → chat → in practice", () => {
    expect(orderedTalks(talks).map((t) => t.id)).toEqual([
      "akka-persistence-basics",
      "mastering-event-sourcing",
      "persistence-in-event-driven-actors",
      "event-sourced-chat",
      "akka-in-practice",
    ]);
    expect(Object.keys(STAGES).sort()).toEqual(talks.map((t) => t.id).sort());
  });

  it("every lab names a talk to watch first, and follows it on the path", () => {
    for (const lab of labs) expect(talkBefore(lab, talks), lab.id).toBeDefined();
    const basics = talks.find((t) => t.id === "akka-persistence-basics");
    expect(basics && labsAfter(basics, labs).map((l) => l.id)).toEqual(["bank-account"]);
  });

  it("each deck's minutes allow about a minute per slide", () => {
    for (const talk of talks) {
      const slides =
        (readFileSync(join("content/talks", `${talk.id}.mdx`), "utf8").match(/^---$/gm)?.length ??
          0) - 1;
      expect(talk.data.minutes, talk.id).toBeGreaterThanOrEqual(Math.floor(slides * 0.9));
    }
  });
});
