import { describe, expect, it } from "vitest";
import { staticImports } from "./deck-weight";

describe("deck weight: following a chunk's static imports", () => {
  it("finds named, bare and re-export imports, minified or not", () => {
    const code = `import{a as b}from"./keys.C5x.js";import "./side.js";export{c}from'./re.js';const x=1;`;
    expect(staticImports(code)).toEqual(["./keys.C5x.js", "./side.js", "./re.js"]);
  });

  it("leaves dynamic imports out: they load only when a demo asks", () => {
    expect(staticImports(`const m=()=>import("./monaco.js");`)).toEqual([]);
  });
});
