import { describe, expect, it } from "vitest";
import { type BootWindow, bootDeck, bootScript, deckMode } from "./boot";

/** Enough of an element for the boot: its dataset and its inline style. */
function fakeRoot() {
  const style = new Map<string, string>();
  return {
    dataset: { mode: "read" } as Record<string, string | undefined>,
    style: {
      setProperty: (name: string, value: string) => style.set(name, value),
      removeProperty: (name: string) => style.delete(name),
      get: (name: string) => style.get(name),
    },
  };
}

function fakeWindow(search = "", hash = "", width = 1280, height = 720) {
  const onLoad: (() => void)[] = [];
  const view: BootWindow = {
    innerWidth: width,
    innerHeight: height,
    location: { search, hash },
    addEventListener: (_type, listener) => onLoad.push(listener),
  };
  const load = () => {
    for (const listener of onLoad) listener();
  };
  return { view, load };
}

const canvas = { width: 1280, height: 720 };
const boot = (root: ReturnType<typeof fakeRoot>, view: BootWindow) =>
  bootDeck(root as unknown as HTMLElement, deckMode, view, canvas);

describe("deck mode from the address", () => {
  it("presents by default, reads with ?mode=read, prints steps with ?print-steps", () => {
    expect(deckMode("")).toBe("present");
    expect(deckMode("?session=abc")).toBe("present");
    expect(deckMode("?mode=read")).toBe("read");
    expect(deckMode("?mode=present")).toBe("present");
    expect(deckMode("?print-steps")).toBe("print-steps");
    expect(deckMode("?mode=read&print-steps")).toBe("read");
  });
});

describe("deck boot (inline, before the slides are parsed)", () => {
  it("lays the page out for presenting at the scale the deck script will set", () => {
    const root = fakeRoot();
    boot(root, fakeWindow("", "", 1920, 1200).view);
    expect(root.dataset.mode).toBe("boot");
    expect(root.dataset.bootHash).toBeUndefined();
    // 1920/1280 = 1.5 across, 1200/720 ≈ 1.67 down: the narrower one fits.
    expect(root.style.get("--slide-scale")).toBe("1.5");
  });

  it("shows no slide while the address names one, so slide 1 never flashes first", () => {
    const root = fakeRoot();
    boot(root, fakeWindow("", "#12").view);
    expect(root.dataset.bootHash).toBe("");
  });

  it("leaves reading and step printing to the deck script", () => {
    for (const search of ["?mode=read", "?print-steps"]) {
      const root = fakeRoot();
      boot(root, fakeWindow(search).view);
      expect(root.dataset.mode).toBe("read");
      expect(root.style.get("--slide-scale")).toBeUndefined();
    }
  });

  it("falls back to the reading stack at load when the deck script never took over", () => {
    const root = fakeRoot();
    const { view, load } = fakeWindow();
    boot(root, view);
    load();
    expect(root.dataset.mode).toBe("read");
    expect(root.style.get("--slide-scale")).toBeUndefined();
  });

  it("keeps presenting at load once the deck script took over", () => {
    const root = fakeRoot();
    const { view, load } = fakeWindow();
    boot(root, view);
    root.dataset.mode = "present";
    load();
    expect(root.dataset.mode).toBe("present");
  });

  it("serialises into a script that runs on its own", () => {
    const root = fakeRoot();
    const { view } = fakeWindow("", "", 640, 360);
    // The page's script, with its globals handed in: nothing else may be in scope.
    new Function("document", "window", "location", bootScript())(
      { currentScript: { parentElement: root } },
      view,
      view.location,
    );
    expect(root.dataset.mode).toBe("boot");
    expect(root.style.get("--slide-scale")).toBe("0.5");
  });
});
