import { chromium } from "@playwright/test";
const decks = ["akka-in-practice","persistence-in-event-driven-actors","event-sourced-chat","mastering-event-sourcing","akka-persistence-basics"];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
const port = process.argv[2];
for (const d of decks) {
  await page.goto(`http://127.0.0.1:${port}/talks/${d}/`);
  const n = await page.locator(".deck-slide").count();
  for (let i = 1; i <= n; i++) {
    await page.goto(`http://127.0.0.1:${port}/talks/${d}/#${i}`);
    await page.waitForTimeout(50);
    const has = await page.locator(".deck-slide:not([hidden]) .demo").count();
    if (!has) continue;
    await page.waitForTimeout(700);
    const r = await page.evaluate(() => {
      const slide = document.querySelector(".deck-slide:not([hidden]) .slide");
      const scale = slide.getBoundingClientRect().width / 1280;
      let min = 1e9, what = "";
      const walker = document.createTreeWalker(slide.querySelector(".demo"), NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (!t.textContent.trim()) continue;
        const el = t.parentElement; if (!el.getClientRects().length) continue;
        const fs = parseFloat(getComputedStyle(el).fontSize) * scale;
        if (fs < min) { min = fs; what = el.tagName + "." + el.className + ":" + t.textContent.trim().slice(0,20); }
      }
      return { min: Math.round(min*10)/10, what, scale: Math.round(scale*100)/100 };
    });
    console.log(d, i, JSON.stringify(r));
  }
}
await browser.close();
