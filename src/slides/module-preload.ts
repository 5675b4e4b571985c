import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AstroIntegration } from "astro";

/** Static imports of an ES module chunk: `import … from "./x.js"`, `import "./x.js"`, `export … from`. */
export function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(
    /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{},\s$]+from\s*)?["']([^"']+\.m?js)["']/g,
  )) {
    if (m[1]) found.add(m[1]);
  }
  return [...found];
}

/**
 * The chunks a page's module scripts import statically, at any depth, as URL paths: what the
 * browser would otherwise discover one level per round trip. `readModule` gives a chunk's code
 * by URL path, or undefined for one that is not part of the build (it is then left alone).
 */
export function modulePreloads(html: string, readModule: (path: string) => string | undefined) {
  const entries = [...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)]
    .map((m) => m[1] ?? "")
    .filter((src) => src.startsWith("/"));
  const seen = new Set(entries);
  const found: string[] = [];
  const queue = [...entries];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    const code = readModule(path);
    if (code === undefined) continue;
    for (const spec of staticImports(code)) {
      if (!spec.startsWith(".") && !spec.startsWith("/")) continue;
      const target = new URL(spec, `http://build${path}`).pathname;
      if (seen.has(target)) continue;
      seen.add(target);
      found.push(target);
      queue.push(target);
    }
  }
  return found;
}

/** The page with a `<link rel="modulepreload">` before `</head>` for each path it lacks one for. */
export function withModulePreloads(html: string, paths: readonly string[]): string {
  const links = paths
    .filter((path) => !html.includes(`rel="modulepreload" href="${path}"`))
    .map((path) => `<link rel="modulepreload" href="${path}">`)
    .join("");
  return links ? html.replace("</head>", `${links}</head>`) : html;
}

function htmlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".html"))
    .map((file) => join(dir, file));
}

/**
 * Build step for the deck pages (`talks/`): Astro leaves the browser to find a page script's
 * chunks one level at a time (the deck script, then the chunk it shares with the presenter
 * view, then Vite's preload helper), three round trips before the deck can answer a key. With a
 * modulepreload link for each, the browser fetches them all while it parses the page.
 */
export function deckModulePreload(): AstroIntegration {
  let base = "/";
  return {
    name: "deck-module-preload",
    hooks: {
      "astro:config:done": ({ config }) => {
        base = config.base.replace(/\/?$/, "/");
      },
      "astro:build:done": ({ dir, logger }) => {
        const root = fileURLToPath(dir);
        const readModule = (path: string) => {
          if (!path.startsWith(base)) return undefined;
          const file = join(root, path.slice(base.length));
          return existsSync(file) ? readFileSync(file, "utf8") : undefined;
        };
        let pages = 0;
        for (const file of htmlFiles(join(root, "talks"))) {
          const html = readFileSync(file, "utf8");
          const linked = withModulePreloads(html, modulePreloads(html, readModule));
          if (linked === html) continue;
          writeFileSync(file, linked);
          pages++;
        }
        logger.info(`modulepreload links on ${pages} deck page(s)`);
      },
    },
  };
}
