/** What a key press asks the deck to do. */
export type DeckAction =
  | "next"
  | "previous"
  | "first"
  | "last"
  | "overview"
  | "goto"
  | "fullscreen"
  | "blackout"
  | "presenter"
  | "help";

export interface KeyPress {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The part of the focused element the mapping looks at; a DOM Element fits. */
export interface KeyTarget {
  tagName?: string;
  isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

/** Elements whose keys belong to the user: typing must never turn a slide. */
const EDITABLE = new Set(["INPUT", "TEXTAREA", "SELECT"]);
/** Space and Enter on these press them rather than moving the deck. */
const PRESSABLE = new Set(["BUTTON", "A", "SUMMARY"]);

/**
 * Maps a key press to a deck action, or null when the deck must leave it alone: with Ctrl, Alt or
 * Meta held (browser shortcuts), inside an input, a textarea, a select, something contenteditable,
 * or anything under `data-deck-keys="off"` (an embedded editor opts out this way).
 */
export function keyAction(
  press: KeyPress,
  target: KeyTarget | null | undefined,
): DeckAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (target) {
    if (target.isContentEditable) return null;
    if (target.tagName && EDITABLE.has(target.tagName.toUpperCase())) return null;
    if (target.closest?.('[data-deck-keys="off"]')) return null;
    const pressable = target.tagName && PRESSABLE.has(target.tagName.toUpperCase());
    if (pressable && (press.key === " " || press.key === "Enter")) return null;
  }
  switch (press.key) {
    case "ArrowRight":
    case "ArrowDown":
    case "PageDown":
      return "next";
    case " ":
      return press.shiftKey ? "previous" : "next";
    case "ArrowLeft":
    case "ArrowUp":
    case "PageUp":
      return "previous";
    case "Home":
      return "first";
    case "End":
      return "last";
    case "Escape":
      return "overview";
    case "?":
      return "help";
    case ".":
      return "blackout";
  }
  switch (press.key.toLowerCase()) {
    case "o":
      return "overview";
    case "g":
      return "goto";
    case "f":
      return "fullscreen";
    case "b":
      return "blackout";
    case "s":
      return "presenter";
  }
  return null;
}
