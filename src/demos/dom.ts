/** Small DOM helpers shared by the demos' UI modules (no framework: demos stay light). */

/** The element marked `data-part="<name>"` inside a demo; its absence is a markup bug. */
export function part<T extends HTMLElement = HTMLElement>(root: HTMLElement, name: string): T {
  const found = root.querySelector<T>(`[data-part="${name}"]`);
  if (!found) throw new Error(`demo ${root.dataset.demoId ?? ""}: no [data-part="${name}"]`);
  return found;
}

type Child = Node | string | number | null | undefined | false;

/** Creates an element with attributes (`class`, `data-*`, aria…) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "number" ? String(child) : child);
  }
  return node;
}

/** Virtual ms as m:ss, for journal timestamps. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Keeps a scrolling list pinned to its end when new rows arrive. */
export function scrollToEnd(list: HTMLElement): void {
  list.scrollTop = list.scrollHeight;
}
