import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");

describe("the README's promises about Node", () => {
  const readme = read("README.md");
  const pkg = JSON.parse(read("package.json"));

  it("names the same oldest Node as package.json's engines, so npm does not warn about this package", () => {
    const stated = readme.match(/with Node\.js (\d+) or later/)?.[1];
    expect(stated).toBeDefined();
    expect(pkg.engines.node).toBe(`>=${stated}`);
  });

  it("says how many EBADENGINE warnings to expect: one per dependency that needs a newer Node", () => {
    const lock = JSON.parse(read("package-lock.json"));
    const needsNewer = Object.entries<{ engines?: { node?: string } }>(lock.packages)
      .filter(
        ([path, p]) => path !== "" && Number(/^>=\s*(\d+)/.exec(p.engines?.node ?? "")?.[1]) > 20,
      )
      .map(([path]) => path);
    const words = [
      "zero",
      "one",
      "two",
      "three",
      "four",
      "five",
      "six",
      "seven",
      "eight",
      "nine",
      "ten",
    ];
    expect(readme).toContain(`(${words[needsNewer.length] ?? needsNewer.length} today:`);
  });
});
