import { describe, expect, it } from "vitest";
import { modulePreloads, staticImports, withModulePreloads } from "./module-preload";

describe("following a chunk's static imports", () => {
  it("finds named, bare and re-export imports, minified or not", () => {
    const code = `import{a as b}from"./keys.C5x.js";import "./side.js";export{c}from'./re.js';const x=1;`;
    expect(staticImports(code)).toEqual(["./keys.C5x.js", "./side.js", "./re.js"]);
  });

  it("leaves dynamic imports out: they load only when a demo asks", () => {
    expect(staticImports(`const m=()=>import("./monaco.js");`)).toEqual([]);
  });
});

describe("modulepreload links for a deck page", () => {
  // The deck page as Astro builds it: its script imports the chunk it shares with the presenter
  // view, which imports Vite's preload helper; the demos are dynamic imports.
  const chunks: Record<string, string> = {
    "/_astro/deck.A1.js": `import{a}from"./keys.B2.js";a();`,
    "/_astro/keys.B2.js": `import{t}from"./preload-helper.C3.js";const d=()=>import("./ui.D4.js");export{t as a};`,
    "/_astro/preload-helper.C3.js": `export const t=1;`,
    "/_astro/ui.D4.js": `export const mount=1;`,
  };
  const html = `<html><head><title>Deck</title></head><body><script>boot()</script><script type="module" src="/_astro/deck.A1.js"></script></body></html>`;

  it("lists every chunk the page's module script imports statically, at any depth", () => {
    expect(modulePreloads(html, (path) => chunks[path])).toEqual([
      "/_astro/keys.B2.js",
      "/_astro/preload-helper.C3.js",
    ]);
  });

  it("resolves imports against the importing chunk, under a sub-path too", () => {
    const page = `<script type="module" src="/site/_astro/a.js"></script>`;
    const code: Record<string, string> = {
      "/site/_astro/a.js": `import"./lib/b.js";`,
      "/site/_astro/lib/b.js": `import"../c.js";`,
      "/site/_astro/c.js": ``,
    };
    expect(modulePreloads(page, (path) => code[path])).toEqual([
      "/site/_astro/lib/b.js",
      "/site/_astro/c.js",
    ]);
  });

  it("puts the links in the head, once", () => {
    const linked = withModulePreloads(
      html,
      modulePreloads(html, (path) => chunks[path]),
    );
    expect(linked).toContain(
      `<link rel="modulepreload" href="/_astro/keys.B2.js"><link rel="modulepreload" href="/_astro/preload-helper.C3.js"></head>`,
    );
    expect(withModulePreloads(linked, ["/_astro/keys.B2.js"])).toBe(linked);
  });

  it("leaves a page without module scripts as it is", () => {
    const page = "<html><head></head><body><p>Talks</p></body></html>";
    expect(
      withModulePreloads(
        page,
        modulePreloads(page, (path) => chunks[path]),
      ),
    ).toBe(page);
  });
});
