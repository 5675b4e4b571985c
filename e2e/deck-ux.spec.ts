import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * Decks as speakers and readers meet them: who follows whom, reading mode, the toolbar on a
 * phone and while presenting, projector-sized demo text, and the presenter window's tools.
 */
const DECKS = [
  "akka-in-practice",
  "persistence-in-event-driven-actors",
  "event-sourced-chat",
  "mastering-event-sourcing",
  "akka-persistence-basics",
];
const SLUG = "akka-in-practice";
const counter = (page: Page) => page.locator("[data-deck-counter]");

async function openDeck(page: Page, at = "", query = "") {
  await page.goto(`/talks/${SLUG}/${query}${at}`);
  await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
}

/** Opens the presenter from the audience window, as a speaker does with S. */
async function openPresenter(audience: Page): Promise<Page> {
  const popup = audience.waitForEvent("popup");
  await audience.keyboard.press("s");
  const presenter = await popup;
  await expect(presenter.locator("[data-presenter-position]")).toContainText("Slide");
  return presenter;
}

test.describe("who follows whom", () => {
  test("a reader's tabs are independent: a deep link lands where it points, and stays", async ({
    page,
    context,
  }) => {
    await openDeck(page, "#3");
    const other = await context.newPage();
    await openDeck(other, "#18");
    await expect(other.locator("[data-deck-counter]")).toHaveText(/^18 \//);
    await page.keyboard.press("End");
    await expect(counter(page)).not.toHaveText(/^3 \//);
    // Give a stray broadcast time to arrive before asserting that none did.
    await other.waitForTimeout(300);
    await expect(counter(other)).toHaveText(/^18 \//);
  });

  test("the presenter leads only the windows of its session", async ({ page, context }) => {
    await openDeck(page, "#5");
    const reader = await context.newPage();
    await openDeck(reader, "#2");
    const presenter = await openPresenter(page);
    await expect(presenter.locator("[data-presenter-position]")).toContainText("Slide 5 of");
    await expect(page).toHaveURL(/[?&]session=[\w-]+/);
    const session = new URL(page.url()).searchParams.get("session");
    expect(new URL(presenter.url()).searchParams.get("session")).toBe(session);

    await presenter.keyboard.press("End");
    const last = await page.locator(".deck-slide").count();
    await expect(counter(page)).toHaveText(`${last} / ${last}`);
    // A window opened from the presenter's link joins, and learns where the talk is.
    const link = await presenter.locator("a[data-audience-link]").getAttribute("href");
    expect(link).toContain(`session=${session}`);
    const joined = await context.newPage();
    await joined.goto(link?.replace(/#.*$/, "") ?? "");
    await expect(counter(joined)).toHaveText(`${last} / ${last}`);
    // The reader's tab never moved.
    await expect(counter(reader)).toHaveText(/^2 \//);
  });
});

test.describe("reading mode", () => {
  test("the toolbar's Read link keeps the slide, and reading mode scrolls to it", async ({
    page,
  }) => {
    await openDeck(page, "#12");
    const read = page.getByRole("link", { name: "Read", exact: true });
    await expect(read).toHaveAttribute("href", /\?mode=read#12$/);
    await page.keyboard.press("ArrowRight");
    await expect(read).toHaveAttribute("href", /#1[23](\.\d+)?$/);
    await page.goto(`/talks/${SLUG}/?mode=read#12`);
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "read");
    await expect(page.locator("#slide-12")).toBeInViewport();
    await expect(page.locator("#slide-1")).not.toBeInViewport();
  });
});

test.describe("toolbar", () => {
  test("every control is on screen on a 390 px phone", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openDeck(page);
    const tools = page.locator(".deck-toolbar").locator("a, button");
    expect(await tools.count()).toBeGreaterThan(5);
    for (const tool of await tools.all()) {
      const box = await tool.boundingBox();
      expect(box, (await tool.textContent()) ?? "").not.toBeNull();
      expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    }
  });

  test("steps aside while the pointer rests, and comes back on movement or focus", async ({
    page,
  }) => {
    await openDeck(page);
    const toolbar = page.locator(".deck-toolbar");
    await page.mouse.move(200, 200);
    await expect(toolbar).toHaveCSS("opacity", "1");
    await expect(toolbar).toHaveCSS("opacity", "0", { timeout: 6000 });
    await page.mouse.move(300, 300);
    await expect(toolbar).toHaveCSS("opacity", "1");
    await expect(toolbar).toHaveCSS("opacity", "0", { timeout: 6000 });
    // A keyboard user reaching the toolbar sees it.
    await page.locator(".deck-toolbar a").first().focus();
    await expect(toolbar).toHaveCSS("opacity", "1");
  });
});

test("demo text is at least 16 px on a 1024×768 projector, in every deck", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  const small: string[] = [];
  let measured = 0;
  for (const slug of DECKS) {
    await page.goto(`/talks/${slug}/`);
    const slides = page.locator(".deck-slide");
    const withDemo = await slides.evaluateAll((all) =>
      all.flatMap((s, i) => (s.querySelector("[data-demo]") ? [i + 1] : [])),
    );
    for (const n of withDemo) {
      await page.goto(`/talks/${slug}/#${n}`);
      const demo = page.locator(".deck-slide:not([hidden]) [data-demo]").first();
      await expect(demo).toHaveAttribute("data-demo-state", "live");
      const found = await demo.evaluate((root) => {
        const canvas = root.closest(".slide") as HTMLElement;
        const scale = canvas.getBoundingClientRect().width / 1280;
        const out: string[] = [];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let t = walker.nextNode(); t; t = walker.nextNode()) {
          const el = t.parentElement;
          if (!el || !t.textContent?.trim() || !el.getClientRects().length) continue;
          const px = Number.parseFloat(getComputedStyle(el).fontSize) * scale;
          if (px < 15.95) out.push(`${px.toFixed(1)} px "${t.textContent.trim().slice(0, 30)}"`);
        }
        return out;
      });
      measured++;
      small.push(...found.map((f) => `${slug} #${n}: ${f}`));
    }
  }
  expect(measured).toBeGreaterThan(5);
  expect(small).toEqual([]);
});

test.describe("presenter window", () => {
  test("the timer waits for the first slide change, and reset waits again", async ({ page }) => {
    await openDeck(page);
    const presenter = await openPresenter(page);
    const pacing = presenter.locator("[data-presenter-pacing]");
    await expect(pacing).toHaveText(/first slide change/);
    await presenter.waitForTimeout(1200);
    await expect(presenter.locator("[data-presenter-elapsed]")).toHaveText("0:00");
    // The audience's move counts too: either window may drive.
    await page.keyboard.press("ArrowRight");
    await expect(pacing).not.toHaveText(/first slide change/);
    await expect(presenter.locator("[data-presenter-elapsed]")).toHaveText("0:01", {
      timeout: 3000,
    });
    await presenter.getByRole("button", { name: "Reset timer" }).click();
    await expect(pacing).toHaveText(/first slide change/);
    await expect(presenter.locator("[data-presenter-elapsed]")).toHaveText("0:00");
  });

  test("notes zoom with + and − and with the buttons", async ({ page }) => {
    await openDeck(page);
    const presenter = await openPresenter(page);
    const notes = presenter.locator("[data-presenter-notes]");
    const size = () => notes.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    const before = await size();
    await presenter.keyboard.press("+");
    await presenter.keyboard.press("+");
    expect(await size()).toBeGreaterThan(before * 1.2);
    await presenter.getByRole("button", { name: /smaller notes/ }).click();
    await presenter.getByRole("button", { name: /smaller notes/ }).click();
    await presenter.keyboard.press("-");
    expect(await size()).toBeLessThan(before);
    await expect(presenter.locator("[data-notes-zoom]")).toHaveText("90%");
  });

  test("? opens its help, f asks for fullscreen", async ({ page }) => {
    await openDeck(page);
    const presenter = await openPresenter(page);
    await presenter.keyboard.press("?");
    const help = presenter.getByRole("dialog", { name: "Presenter shortcuts" });
    await expect(help).toBeVisible();
    await expect(help).toContainText("export:pdf");
    await presenter.keyboard.press("Escape");
    await expect(help).toBeHidden();
    await presenter.evaluate(() => {
      const w = window as unknown as { fullscreenAsked: number };
      w.fullscreenAsked = 0;
      document.documentElement.requestFullscreen = async () => {
        w.fullscreenAsked++;
      };
    });
    await presenter.keyboard.press("f");
    expect(
      await presenter.evaluate(
        () => (window as unknown as { fullscreenAsked: number }).fullscreenAsked,
      ),
    ).toBe(1);
  });

  for (const viewport of [
    { width: 800, height: 600 },
    { width: 900, height: 600 },
  ]) {
    test(`nothing is clipped at ${viewport.width}×${viewport.height}`, async ({ page }) => {
      await openDeck(page);
      const presenter = await openPresenter(page);
      await presenter.setViewportSize(viewport);
      for (const name of ["time", "current", "next", "notes"]) {
        const section = presenter.locator(`.presenter-${name}`);
        const box = await section.boundingBox();
        expect(box, name).not.toBeNull();
        expect((box?.y ?? 0) + (box?.height ?? 0), name).toBeLessThanOrEqual(viewport.height);
        expect((box?.x ?? 0) + (box?.width ?? 0), name).toBeLessThanOrEqual(viewport.width);
      }
      const time = presenter.locator(".presenter-time");
      const clipped = await time.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
      expect(clipped).toBe(false);
      for (const button of await time.getByRole("button").all())
        await expect(button).toBeInViewport();
    });
  }
});

test("the audience help says how to export a PDF", async ({ page }) => {
  await openDeck(page);
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toContainText(
    "export:pdf",
  );
});
