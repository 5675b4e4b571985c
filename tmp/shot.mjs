import { chromium } from "@playwright/test";
const [port, deck, slide, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
await page.goto(`http://127.0.0.1:${port}/talks/${deck}/#${slide}`);
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
await browser.close();
