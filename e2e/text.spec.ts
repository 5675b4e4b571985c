import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * Words glued together: a sentence end followed at once by a capital ("ready.In"), or a colon
 * followed at once by a letter ("lost:Restore"). Both come from markup that drops a space between
 * two elements or two expressions, so they are checked in the text a reader sees, with code left
 * out (where `a.B` and `file:line` are meant).
 */
const GLUED = [
  /\b[a-z]{2,}[.!?][A-Z][a-z]/g,
  /\b[A-Za-z]{2,}:[A-Za-z]{2,}/g,
  // A word run into inline code, either side.
  /[A-Za-z]⟨c⟩|⟨c⟩[A-Za-z]/g,
];

/** Every page of the built site, as a path under the base. */
function builtPages(): string[] {
  const dist = join(process.cwd(), "dist");
  const files = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith(".html"),
  );
  return files.map((f) => `/${relative(dist, join(dist, f)).replace(/index\.html$/, "")}`).sort();
}

/** The visible text, with code, keyboard keys and sample output taken out. */
async function proseText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const el of body.querySelectorAll(
      "pre, code, kbd, samp, script, style, template, .monaco-editor",
    ))
      el.remove();
    // innerText needs layout, so the copy joins the page, unseen, for the measurement.
    body.style.position = "absolute";
    body.style.left = "-99999px";
    document.documentElement.append(body);
    // biome-ignore lint/performance/useDomNodeTextContent: only layout puts spaces between blocks
    const text = body.innerText;
    body.remove();
    return text;
  });
}

test("no page glues two words together", async ({ page }) => {
  test.setTimeout(120_000);
  const pages = builtPages();
  expect(pages.length).toBeGreaterThan(10);
  const found: string[] = [];
  for (const path of pages) {
    // Decks in reading mode, so every slide and its notes are in the text.
    const url = /^\/talks\/[^/]+\/$/.test(path) ? `${path}?mode=read` : path;
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    const text = await proseText(page);
    for (const pattern of GLUED)
      for (const match of text.matchAll(pattern)) {
        const at = match.index ?? 0;
        found.push(`${url}: "…${text.slice(Math.max(0, at - 20), at + 25).replace(/\s+/g, " ")}…"`);
      }
  }
  expect(found).toEqual([]);
});
