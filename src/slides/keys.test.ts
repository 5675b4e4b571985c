import { describe, expect, it } from "vitest";
import { type KeyTarget, keyAction } from "./keys";

const body: KeyTarget = { tagName: "BODY", closest: () => null };
const press = (key: string, mods: Record<string, boolean> = {}, target: KeyTarget | null = body) =>
  keyAction({ key, ...mods }, target);

describe("keys to deck actions", () => {
  it("maps the documented keys", () => {
    const table: [string, Record<string, boolean>, string][] = [
      ["ArrowRight", {}, "next"],
      [" ", {}, "next"],
      ["PageDown", {}, "next"],
      ["ArrowLeft", {}, "previous"],
      [" ", { shiftKey: true }, "previous"],
      ["PageUp", {}, "previous"],
      ["Home", {}, "first"],
      ["End", {}, "last"],
      ["o", {}, "overview"],
      ["O", { shiftKey: true }, "overview"],
      ["Escape", {}, "overview"],
      ["g", {}, "goto"],
      ["f", {}, "fullscreen"],
      ["b", {}, "blackout"],
      [".", {}, "blackout"],
      ["s", {}, "presenter"],
      ["?", { shiftKey: true }, "help"],
    ];
    for (const [key, mods, action] of table) expect(press(key, mods), key).toBe(action);
  });

  it("leaves unknown keys and browser shortcuts alone", () => {
    expect(press("x")).toBeNull();
    expect(press("f", { ctrlKey: true })).toBeNull();
    expect(press("ArrowRight", { altKey: true })).toBeNull();
    expect(press("s", { metaKey: true })).toBeNull();
  });

  it("never fires while typing or inside an opted-out editor", () => {
    for (const tagName of ["INPUT", "TEXTAREA", "SELECT", "input"]) {
      expect(press("ArrowRight", {}, { tagName, closest: () => null })).toBeNull();
    }
    expect(
      press("b", {}, { tagName: "DIV", isContentEditable: true, closest: () => null }),
    ).toBeNull();
    const inMonaco: KeyTarget = {
      tagName: "DIV",
      closest: (selector) => (selector === '[data-deck-keys="off"]' ? {} : null),
    };
    expect(press(" ", {}, inMonaco)).toBeNull();
    expect(press("ArrowRight", {}, { tagName: "DIV", closest: () => null })).toBe("next");
  });

  it("lets Space and Enter press a focused button, but arrows still move", () => {
    const button: KeyTarget = { tagName: "BUTTON", closest: () => null };
    expect(press(" ", {}, button)).toBeNull();
    expect(press("Enter", {}, button)).toBeNull();
    expect(press("ArrowRight", {}, button)).toBe("next");
  });

  it("works with no target at all", () => expect(press("End", {}, null)).toBe("last"));
});
