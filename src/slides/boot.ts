import { CANVAS_HEIGHT, CANVAS_WIDTH } from "./dom";

/** How a deck page shows its slides: one at a time, stacked with notes, or one printed page per step. */
export type DeckMode = "present" | "read" | "print-steps";

/** The mode a deck page opens in, from its query string (`?mode=read`, `?print-steps`). */
export function deckMode(search: string): DeckMode {
  const params = new URLSearchParams(search);
  if (params.get("mode") === "read") return "read";
  if (params.has("print-steps")) return "print-steps";
  return "present";
}

/** What the boot needs from the window; a parameter, so a test can hand it a fake one. */
export interface BootWindow {
  innerWidth: number;
  innerHeight: number;
  location: { search: string; hash: string };
  addEventListener(type: "load", listener: () => void): void;
}

/**
 * Runs inline as the deck's markup opens, before the browser has parsed, styled or painted a
 * slide. Presenting, the first paint is then slide 1 on its scaled canvas (nothing, when the
 * address names another slide), and the browser never styles or lays out the other slides as a
 * reading stack first: that stack, 30–40 slides of highlighted code, cost more than everything
 * else before the deck script could run. `data-mode="boot"` until the deck script takes over
 * and writes "present"; if it never does (its module failed to load), the page falls back at
 * `load` to the readable stack it is without JavaScript.
 *
 * Serialised into the page with `Function.prototype.toString`, so it must refer to nothing but
 * its parameters and the browser's globals.
 */
export function bootDeck(
  root: HTMLElement,
  mode: (search: string) => DeckMode,
  view: BootWindow,
  canvas: { width: number; height: number },
): void {
  if (mode(view.location.search) !== "present") return;
  root.dataset.mode = "boot";
  if (view.location.hash.length > 1) root.dataset.bootHash = "";
  // The stage fills the viewport when presenting, so this is the scale the deck script will set.
  const scale = Math.min(view.innerWidth / canvas.width, view.innerHeight / canvas.height);
  root.style.setProperty("--slide-scale", String(Math.max(0.05, scale)));
  view.addEventListener("load", () => {
    if (root.dataset.mode !== "boot") return;
    root.dataset.mode = "read";
    root.style.removeProperty("--slide-scale");
  });
}

/** The inline script for the deck page: `bootDeck` on the element the script sits in. */
export function bootScript(): string {
  const canvas = JSON.stringify({ width: CANVAS_WIDTH, height: CANVAS_HEIGHT });
  return `(${bootDeck.toString()})(document.currentScript.parentElement, ${deckMode.toString()}, window, ${canvas});`;
}
