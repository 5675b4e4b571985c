import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { differences } from "./runtime-vs-akka";
import { clusterDifferences } from "./runtime-vs-akka-cluster";

const runtimeSource = ["downing/strategy.ts", "downing/split-brain-resolver.ts"]
  .map((f) => readFileSync(new URL(`../runtime/cluster/${f}`, import.meta.url), "utf8"))
  .join("\n");

describe("Runtime vs Akka: the cluster entries", () => {
  it("are on the page's list, each with its own id", () => {
    for (const d of clusterDifferences) expect(differences).toContain(d);
    const ids = differences.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("name options the split-brain resolver really has", () => {
    const options = clusterDifferences.flatMap((d) => (d.option ? [d.option] : []));
    expect(options.length).toBeGreaterThanOrEqual(7);
    for (const option of options) {
      const name = /(\w+)(?: = |: )/.exec(option)?.[1] ?? option;
      const field = name.includes(".") ? (name.split(".").pop() as string) : name;
      expect(runtimeSource, option).toMatch(new RegExp(`readonly ${field}\\?`));
    }
  });
});
