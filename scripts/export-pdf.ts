/**
 * `npm run export:pdf -- <slug> [--steps]`: prints a built deck to `dist-pdf/<slug>.pdf`, one
 * page per slide (with --steps, one per step), through Playwright's Chromium. It serves `dist/`
 * itself on a free port, so no preview server needs to run; build first (`npx astro build`).
 */
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "@playwright/test";
import { chromiumArgs, chromiumExecutable } from "../e2e/chromium";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
};

const args = process.argv.slice(2);
const slug = args.find((a) => !a.startsWith("--"));
const steps = args.includes("--steps");
const dist = resolve(process.env.DIST_DIR ?? "dist");
const base = (process.env.SITE_BASE ?? "/").replace(/\/?$/, "/");

if (!slug || !/^[a-z0-9-]+$/.test(slug)) {
  console.error(
    "usage: npm run export:pdf -- <slug> [--steps]   (slug as in content/talks/<slug>.mdx)",
  );
  process.exit(2);
}
const page = join(dist, "talks", slug, "index.html");
if (!existsSync(page)) {
  console.error(
    `${page} does not exist: is "${slug}" a deck in content/talks/, and did you run \`npx astro build\`?`,
  );
  process.exit(1);
}

/** A static file server for dist/ under the site's base, enough for a deck page and its assets. */
const server = createServer((req, res) => {
  const path = decodeURIComponent((req.url ?? "/").split(/[?#]/)[0] ?? "/");
  if (!path.startsWith(base)) {
    res.writeHead(404).end();
    return;
  }
  let file = normalize(join(dist, path.slice(base.length)));
  if (!file.startsWith(dist)) {
    res.writeHead(403).end();
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  createReadStream(file).pipe(res);
});
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
const { port } = server.address() as AddressInfo;

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs });
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems: string[] = [];
  tab.on("pageerror", (e) => problems.push(e.message));
  tab.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await tab.goto(`http://127.0.0.1:${port}${base}talks/${slug}/${steps ? "?print-steps" : ""}`);
  await tab.waitForSelector(`.deck[data-mode="${steps ? "print-steps" : "present"}"]`, {
    state: "attached",
  });
  // Long slides are shrunk to fit once the browser is idle; print only after every one is done.
  await tab.waitForFunction(
    () => document.querySelectorAll(".slide:not([data-fitted])").length === 0,
  );
  await tab.evaluate(() => document.fonts.ready);
  if (problems.length > 0)
    throw new Error(`the deck page reported errors:\n${problems.join("\n")}`);
  const outDir = resolve("dist-pdf");
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${slug}${steps ? "-steps" : ""}.pdf`);
  await tab.pdf({ path: out, preferCSSPageSize: true, printBackground: true });
  const slides = await tab.locator(".deck-slide").count();
  console.log(`wrote ${out} (${slides} pages)`);
} finally {
  await browser.close();
  server.close();
}
