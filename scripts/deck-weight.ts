/**
 * `tsx scripts/deck-weight.ts [slug…]`: the JavaScript a built deck page makes the browser run,
 * gzipped, in KB. It reads `dist/` (run `astro build` first): the page's module scripts, inline
 * scripts, modulepreloads, and every chunk those import statically (dynamic imports load only
 * when a demo asks, so they are not counted). Prints one line per deck and, last, the heaviest
 * as `deck.js_gzip_kb <kb>` for the benchmark.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { staticImports } from "../src/slides/module-preload";

const dist = resolve(process.env.DIST_DIR ?? "dist");
const base = (process.env.SITE_BASE ?? "/").replace(/\/?$/, "/");

/** Maps a URL path in the built site to its file under dist/, or undefined for other origins. */
function fileFor(url: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(url) || url.startsWith("//")) return undefined;
  const path = url.split(/[?#]/)[0] ?? "";
  const local = path.startsWith(base) ? path.slice(base.length) : path.replace(/^\//, "");
  return join(dist, local);
}

/** The JavaScript files and inline scripts one built page loads eagerly. */
export function pageScripts(htmlFile: string): { files: string[]; inline: string[] } {
  const html = readFileSync(htmlFile, "utf8");
  const inline: string[] = [];
  const queue: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const attrs = m[1] ?? "";
    const src = attrs.match(/\bsrc="([^"]+)"/)?.[1];
    if (src) {
      const file = fileFor(src);
      if (file) queue.push(file);
    } else if (!/type="(application\/(ld\+)?json|importmap)"/.test(attrs)) {
      inline.push(m[2] ?? "");
      // An inline module can import chunks too.
      for (const spec of staticImports(m[2] ?? "")) {
        const file = fileFor(spec);
        if (file) queue.push(file);
      }
    }
  }
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) {
    const file = m[1] ? fileFor(m[1]) : undefined;
    if (file) queue.push(file);
  }
  const files = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (files.has(file)) continue;
    if (!existsSync(file))
      throw new Error(`${htmlFile}: references ${file}, which the build did not write`);
    files.add(file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      queue.push(spec.startsWith(".") ? resolve(dirname(file), spec) : (fileFor(spec) ?? spec));
    }
  }
  return { files: [...files], inline };
}

/** Gzipped size in KB of everything pageScripts finds, each file compressed on its own as served. */
export function deckJsGzipKb(slug: string): number {
  const { files, inline } = pageScripts(join(dist, "talks", slug, "index.html"));
  const bytes =
    files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0) +
    inline.reduce((sum, code) => sum + gzipSync(code).length, 0);
  return bytes / 1024;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const talks = join(dist, "talks");
  if (!existsSync(talks)) {
    console.error(`No built decks in ${talks}: run \`npx astro build\` first.`);
    process.exit(1);
  }
  const asked = process.argv.slice(2);
  const slugs =
    asked.length > 0
      ? asked
      : readdirSync(talks).filter((d) => existsSync(join(talks, d, "index.html")));
  let heaviest = 0;
  for (const slug of slugs) {
    const kb = deckJsGzipKb(slug);
    heaviest = Math.max(heaviest, kb);
    console.log(`${slug}: ${kb.toFixed(2)} KB gzip`);
  }
  console.log(`deck.js_gzip_kb ${heaviest.toFixed(2)}`);
}
