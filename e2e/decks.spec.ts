import { gzipSync } from "node:zlib";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** Every deck, with its slide count as the content collection renders it. */
const DECKS = [
  "akka-in-practice",
  "persistence-in-event-driven-actors",
  "event-sourced-chat",
  "mastering-event-sourcing",
  "akka-persistence-basics",
];
const deck = (slug: string, suffix = "") => `/talks/${slug}/${suffix}`;
const AKKA = "akka-in-practice";

const current = (page: Page) => page.locator(".deck-slide:not([hidden])");
const hash = (page: Page) => page.evaluate(() => location.hash);

/** Collects console errors, uncaught errors and failed responses of a page the fixture does not watch. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  return problems;
}

async function openDeck(page: Page, slug = AKKA, at = "") {
  await page.goto(deck(slug, at));
  await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
}

test.describe("every deck", () => {
  for (const slug of DECKS) {
    test(`${slug} renders more than 20 slides, each reachable, with no console error`, async ({
      page,
    }) => {
      test.setTimeout(90_000);
      await openDeck(page, slug);
      const count = await page.locator(".deck-slide").count();
      expect(count).toBeGreaterThan(20);
      await expect(current(page)).toHaveCount(1);
      await expect(current(page).locator("h1")).toBeVisible();
      await expect(current(page).locator(".slide-credit")).toBeVisible();
      // Every slide has a real heading and shows when linked to.
      for (let n = 1; n <= count; n++) {
        await page.evaluate((h) => {
          location.hash = h;
        }, `#${n}`);
        await expect(page.locator("[data-deck-counter]")).toHaveText(`${n} / ${count}`);
        await expect(current(page).locator(".slide > :is(h1,h2,h3)").first()).toBeVisible();
      }
      // Every deck links the Runtime vs Akka reference.
      await expect(page.getByRole("link", { name: "vs Akka" })).toHaveAttribute(
        "href",
        "/runtime-vs-akka/",
      );
      // The presenter view of the deck loads cleanly too.
      await page.goto(deck(slug, "presenter/"));
      await expect(page.locator("[data-pane=current] .slide")).toBeVisible();
    });
  }
});

test.describe("navigation", () => {
  test("arrows walk steps before slides; Home and End jump", async ({ page }) => {
    await openDeck(page, AKKA, "#7");
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#8");
    const code = current(page).locator("pre[data-highlight-steps]");
    await expect(code.locator(".line.hl-on")).toHaveCount(0);
    await page.keyboard.press("Space");
    expect(await hash(page)).toBe("#8.1");
    // Step 1 lights lines 1–2 and dims the rest.
    await expect(code.locator(".line.hl-on")).toHaveCount(2);
    await expect(code.locator(".line.hl-dim").first()).toBeVisible();
    await page.keyboard.press("PageDown");
    expect(await hash(page)).toBe("#8.2");
    await page.keyboard.press("ArrowLeft");
    expect(await hash(page)).toBe("#8.1");
    await page.keyboard.press("Shift+Space");
    await page.keyboard.press("PageUp");
    expect(await hash(page)).toBe("#7");
    await page.keyboard.press("End");
    await expect(page.locator("[data-deck-counter]")).toHaveText("34 / 34");
    await page.keyboard.press("Home");
    expect(await hash(page)).toBe("#1");
    await expect(current(page).locator("h1")).toContainText("Event sourcing in practice");
  });

  test("a <Step> block is hidden until its step", async ({ page }) => {
    await openDeck(page, AKKA, "#17");
    const step = current(page).locator("[data-step]");
    await expect(step).toBeHidden();
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#17.1");
    await expect(step).toBeVisible();
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#18");
  });

  test("toolbar buttons and swipes move too", async ({ page }) => {
    await openDeck(page, AKKA, "#3");
    await page.getByRole("button", { name: "Next" }).click();
    expect(await hash(page)).toBe("#4");
    await page.getByRole("button", { name: "Previous" }).click();
    expect(await hash(page)).toBe("#3");
    await page.locator(".deck-stage").dispatchEvent("touchstart", {
      touches: [{ identifier: 1, clientX: 600, clientY: 300 }],
    });
    await page.locator(".deck-stage").dispatchEvent("touchend", {
      changedTouches: [{ identifier: 1, clientX: 300, clientY: 310 }],
    });
    expect(await hash(page)).toBe("#4");
  });

  test("a deep link opens its slide and step, and the back button returns", async ({ page }) => {
    await openDeck(page, AKKA, "#8.2");
    await expect(current(page).locator("h2")).toHaveText("A capacity pool as a plain actor");
    await expect(current(page).locator(".line.hl-on").first()).toBeVisible();
    await page.goto(deck(AKKA, "#3"));
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#5");
    await page.goBack();
    expect(await hash(page)).toBe("#4");
    await expect(page.locator("[data-deck-counter]")).toHaveText("4 / 34");
    await page.goBack();
    await expect(page.locator("[data-deck-counter]")).toHaveText("3 / 34");
    await page.goForward();
    await expect(page.locator("[data-deck-counter]")).toHaveText("4 / 34");
  });

  test("a stable slide id opens its slide; a lab's slide link uses it", async ({ page }) => {
    await openDeck(page, "akka-persistence-basics", "#bank-table");
    await expect(current(page).locator("h2")).toHaveText("A bank account");
    await page.goto("/labs/bank-account/");
    const link = page.locator("a.slide-link", { hasText: "snapshot policies" });
    await expect(link).toHaveAttribute(
      "href",
      /\/talks\/akka-persistence-basics\/#snapshot-policy$/,
    );
    await page.goto((await link.getAttribute("href")) ?? "");
    await expect(current(page).locator("h2")).toHaveText("Snapshot policy");
  });

  test("a runtime-only badge links to its entry on the Runtime vs Akka page", async ({ page }) => {
    await openDeck(page, AKKA, "#crash-demo");
    const badge = current(page).locator("a.runtime-only");
    await expect(badge).toHaveAttribute("href", "/runtime-vs-akka/#cluster-simulation");
    await page.goto("/runtime-vs-akka/#cluster-simulation");
    await expect(page.locator("article#cluster-simulation h3")).toContainText("runtime only");
  });

  test("the overview opens with O, closes with Esc, and picks a slide", async ({ page }) => {
    await openDeck(page, AKKA, "#2");
    await page.keyboard.press("o");
    await expect(page.locator(".deck")).toHaveAttribute("data-view", "overview");
    await expect(page.locator(".deck-slide:visible")).not.toHaveCount(1);
    await expect(page.locator(".deck-slide").nth(1).locator(".slide-pick")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.locator(".deck")).toHaveAttribute("data-view", "slide");
    await expect(current(page)).toHaveCount(1);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Go to slide 13:" }).click();
    await expect(page.locator(".deck")).toHaveAttribute("data-view", "slide");
    expect(await hash(page)).toBe("#13");
    await expect(current(page).locator("h2")).toHaveText("The toolkit above the actors");
  });

  test("G goes to a slide by number", async ({ page }) => {
    await openDeck(page);
    await page.keyboard.press("g");
    const input = page.getByLabel("Slide number");
    await expect(input).toBeFocused();
    await input.fill("14");
    await page.keyboard.press("Enter");
    // The dialog's close event, which moves the deck, is a task of its own after the key.
    await expect.poll(() => hash(page)).toBe("#14");
    await expect(page.locator("dialog[open]")).toHaveCount(0);
  });

  test("? shows the help overlay, Esc hides it", async ({ page }) => {
    await openDeck(page);
    await page.keyboard.press("Shift+?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(help).toBeVisible();
    await expect(help).toContainText("presenter view");
    // Keys do not move the deck behind an open dialog.
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#1");
    await page.keyboard.press("Escape");
    await expect(help).toBeHidden();
  });

  test("B blacks out and brings the slide back", async ({ page }) => {
    await openDeck(page);
    await page.keyboard.press("b");
    await expect(page.locator(".deck-blackout")).toBeVisible();
    await page.keyboard.press(".");
    await expect(page.locator(".deck-blackout")).toBeHidden();
  });

  test("keys typed in an input or an opted-out editor do not move the deck", async ({ page }) => {
    await openDeck(page, AKKA, "#3");
    await page.evaluate(() => {
      const input = document.createElement("input");
      input.id = "probe";
      const editor = document.createElement("div");
      editor.id = "editor";
      editor.tabIndex = 0;
      editor.dataset.deckKeys = "off";
      document.body.append(input, editor);
    });
    await page.locator("#probe").focus();
    for (const key of ["ArrowRight", "Space", "o", "g", "End"]) await page.keyboard.press(key);
    expect(await hash(page)).toBe("#3");
    await expect(page.locator("#probe")).toHaveValue(" og");
    await page.locator("#editor").focus();
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#3");
    await page.locator("#editor").blur();
    await page.keyboard.press("ArrowRight");
    expect(await hash(page)).toBe("#4");
  });

  test("slide changes are announced in a live region", async ({ page }) => {
    await openDeck(page);
    const status = page.locator("[aria-live=polite][data-deck-status]");
    await page.keyboard.press("ArrowRight");
    await expect(status).toHaveText("Slide 2 of 34: Where we are going");
    await page.goto(deck(AKKA, "#8"));
    await page.keyboard.press("ArrowRight");
    await expect(status).toHaveText("Step 1 of 3");
    // Hidden slides are out of the accessibility tree and inert; there is no application role.
    await expect(page.locator(".deck-slide[hidden]")).toHaveCount(33);
    expect(
      await page
        .locator(".deck-slide[hidden]")
        .evaluateAll((els) => els.every((e) => (e as HTMLElement).inert)),
    ).toBe(true);
    await expect(page.locator("[role=application]")).toHaveCount(0);
  });
});

test.describe("scaling", () => {
  for (const viewport of [
    { width: 1600, height: 900 },
    { width: 700, height: 900 },
  ]) {
    test(`the 16:9 canvas fits a ${viewport.width}×${viewport.height} window`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await openDeck(page, AKKA, "#7");
      const box = await current(page).locator(".slide-frame").boundingBox();
      if (!box) throw new Error("no slide frame");
      expect(box.width / box.height).toBeCloseTo(16 / 9, 2);
      const fit = Math.min(viewport.width / 1280, viewport.height / 720);
      expect(box.width).toBeCloseTo(1280 * fit, 0);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height + 0.5);
      // The slide inside is scaled, not reflowed: its heading keeps its place on the canvas.
      const heading = await current(page).locator("h2").boundingBox();
      expect(heading && (heading.x - box.x) / box.width).toBeCloseTo(72 / 1280, 2);
    });
  }
});

test.describe("first paint (boot.ts), before the deck script runs", () => {
  /** Holds the deck page's module script until the returned function is called. */
  async function holdDeckScript(page: Page, slug: string): Promise<() => void> {
    const src = await deckScript(page, slug);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(`**${src}`, async (route) => {
      await released;
      await route.continue();
    });
    return release;
  }
  const frame = (page: Page, n: number) =>
    page.locator(".deck-slide").nth(n).locator(".slide-frame").boundingBox();

  test("slide 1 is already on screen as presented, alone, and stays where it is", async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1000, height: 700 });
    const release = await holdDeckScript(page, AKKA);
    await page.goto(deck(AKKA), { waitUntil: "commit" });
    await expect(page.locator(".deck-toolbar")).toBeVisible();
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "boot");
    await expect(page.locator(".deck-slide:visible")).toHaveCount(1);
    await expect(page.locator(".deck-slide").first().locator("h1")).toBeVisible();
    await expect(page.locator(".slide-notes").first()).toBeHidden();
    const before = await frame(page, 0);
    expect(before?.width).toBeCloseTo(1000, 0);
    release();
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
    await expect(page.locator("[data-deck-counter]")).toHaveText("1 / 34");
    await expect(current(page)).toHaveCount(1);
    expect(await frame(page, 0)).toEqual(before);
  });

  test("a deep link shows no slide until the deck script opens the linked one", async ({
    page,
  }) => {
    const release = await holdDeckScript(page, AKKA);
    await page.goto(deck(AKKA, "#7"), { waitUntil: "commit" });
    await expect(page.locator(".deck-toolbar")).toBeVisible();
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "boot");
    await expect(page.locator(".deck-slide:visible")).toHaveCount(0);
    release();
    await expect(page.locator("[data-deck-counter]")).toHaveText("7 / 34");
    await expect(current(page).locator("h2")).toBeVisible();
  });

  test("a deck script that never takes over leaves the reading stack, not a dead slide", async ({
    page,
  }) => {
    const src = await deckScript(page, AKKA);
    await page.route(`**${src}`, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
    );
    await page.goto(deck(AKKA));
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "read");
    await expect(page.locator(".deck-slide:visible")).toHaveCount(34);
    await expect(page.locator(".slide-notes").first()).toBeVisible();
  });
});

test.describe("presenter view", () => {
  test("stays in sync with the audience window both ways, steps included", async ({
    page,
    context,
  }) => {
    await openDeck(page, AKKA, "#7");
    // S opens the presenter view in a session this window joins.
    const popup = context.waitForEvent("page");
    await page.keyboard.press("s");
    const presenter = await popup;
    const problems = watch(presenter);
    // It opens where the audience is.
    await expect(presenter.locator("[data-presenter-position]")).toContainText("Slide 7 of 34");
    await expect(presenter.locator("[data-presenter-notes]")).toContainText(/\w+/);
    await expect(presenter.locator("[data-presenter-clock]")).toHaveText(/\d{1,2}:\d{2}/);
    await expect(presenter.locator("[data-presenter-elapsed]")).toHaveText(/^\d+:\d{2}$/);

    // Presenter drives: next slide, then a step of its code block.
    await presenter.keyboard.press("ArrowRight");
    await presenter.keyboard.press("ArrowRight");
    await expect(page.locator("[data-deck-counter]")).toHaveText("8 / 34");
    await expect.poll(() => hash(page)).toBe("#8.1");
    await expect(current(page).locator(".line.hl-on")).toHaveCount(2);
    await expect(presenter.locator("[data-presenter-next-label]")).toHaveText("Next: step 2 of 3");
    await expect(presenter.locator("[data-pane=next] h2")).toHaveText(
      "A capacity pool as a plain actor",
    );

    // Audience drives back.
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await expect(presenter.locator("[data-presenter-position]")).toContainText("Slide 7 of 34");
    await expect(presenter.locator("[data-pane=current] h2")).toHaveText("What an actor is");
    await page.keyboard.press("End");
    await expect(presenter.locator("[data-presenter-next-label]")).toHaveText("End of the deck");

    // Black-out from the presenter reaches the audience.
    await presenter.keyboard.press("b");
    await expect(page.locator(".deck-blackout")).toBeVisible();
    expect(problems).toEqual([]);
  });

  test("demo commands cross between windows as events", async ({ page, context }) => {
    await openDeck(page);
    const popup = context.waitForEvent("page");
    await page.keyboard.press("s");
    const other = await popup;
    const problems = watch(other);
    await expect(other.locator("[data-presenter-position]")).toContainText("Slide 1");
    // The listener must be in place before the command is sent, or the event can pass unseen.
    await other.evaluate(() => {
      const w = window as unknown as { demoReceived: Promise<unknown> };
      w.demoReceived = new Promise((resolve) =>
        document.addEventListener("deck:demo", (e) => resolve((e as CustomEvent).detail), {
          once: true,
        }),
      );
    });
    await page.evaluate(() =>
      document.dispatchEvent(
        new CustomEvent("deck:demo-send", { detail: { id: "bank", command: { deposit: 5 } } }),
      ),
    );
    const received = await other.evaluate(
      () => (window as unknown as { demoReceived: Promise<unknown> }).demoReceived,
    );
    expect(received).toEqual({ id: "bank", command: { deposit: 5 } });
    expect(problems).toEqual([]);
  });
});

test.describe("reading and printing", () => {
  test("reading mode stacks every slide with its notes", async ({ page }) => {
    await page.goto(deck(AKKA, "?mode=read"));
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "read");
    await expect(page.locator(".deck-slide:visible")).toHaveCount(34);
    await expect(page.locator(".slide-notes").first()).toBeVisible();
    await expect(page.locator(".deck-toolbar")).toBeHidden();
    await expect(page.locator(".deck-slide").nth(16).locator("[data-step]")).toBeVisible();
  });

  test("print gives one page per slide", async ({ page }) => {
    await openDeck(page, AKKA, "#8.1");
    await page.emulateMedia({ media: "print" });
    await expect(page.locator(".deck-slide:visible")).toHaveCount(34);
    await expect(page.locator(".deck-toolbar")).toBeHidden();
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdfPages(pdf)).toBe(34);
  });

  test("?print-steps gives one page per step", async ({ page }) => {
    await page.goto(deck(AKKA, "?print-steps"));
    await expect(page.locator(".deck")).toHaveAttribute("data-mode", "print-steps");
    // 34 slides plus one page per step: 3 + 3 + 1 + 1 + 3.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdfPages(pdf)).toBe(34 + 11);
  });
});

test("a deck page without demos ships at most 50 KB of JavaScript (gzip) and never Monaco", async ({
  page,
}) => {
  const scripts: Promise<Buffer>[] = [];
  const urls: string[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") {
      urls.push(response.url());
      scripts.push(response.body());
    }
  });
  await openDeck(page);
  const inline = await page
    .locator("script:not([src])")
    .evaluateAll((els) => els.map((e) => e.textContent ?? ""));
  const bodies = [...(await Promise.all(scripts)), ...inline.map((s) => Buffer.from(s))];
  const gzipKb = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0) / 1024;
  expect(urls.length).toBeGreaterThan(0);
  expect(gzipKb).toBeLessThanOrEqual(50);
  expect(urls.filter((u) => /monaco/i.test(u))).toEqual([]);
});

/** The src of a deck page's module script, from its HTML. */
async function deckScript(page: Page, slug: string): Promise<string> {
  const html = await (await page.request.get(deck(slug))).text();
  const src = html.match(/<script type="module" src="([^"]+)"/)?.[1];
  if (!src) throw new Error(`${deck(slug)}: no module script`);
  return src;
}

/** Page count of a PDF, from its page objects. */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}
