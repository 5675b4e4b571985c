import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * Live demos on the decks: each hydrates only near its slide, runs the real runtime in a worker,
 * and reacts to input; the presenter's commands reach the audience's copy of the demo.
 */

const MASTERING = "mastering-event-sourcing";

async function openSlide(page: Page, slug: string, slide: number): Promise<void> {
  await page.goto(`/talks/${slug}/#${slide}`);
  await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
  await expect(page.locator("[data-deck-counter]")).toContainText(`${slide} /`);
}

const current = (page: Page) => page.locator(".deck-slide:not([hidden])");

/** A demo on the current slide, once its worker has answered. */
async function liveDemo(page: Page, kind: string): Promise<Locator> {
  const demo = current(page).locator(`[data-demo="${kind}"]`);
  await expect(demo).toHaveAttribute("data-demo-state", "live");
  await expect(demo.locator("[role=status]")).toHaveText(/Ready/);
  return demo;
}

test.describe("bank console (talk 4)", () => {
  test("a deposit shows its event, a bad withdrawal is rejected, the slider rewinds", async ({
    page,
  }) => {
    await openSlide(page, MASTERING, 18);
    const demo = await liveDemo(page, "bank-console");
    const status = demo.locator("[role=status]");
    const input = demo.getByLabel("Command");
    await input.fill("deposit 100");
    await input.press("Enter");
    await expect(status).toHaveText(/deposit 100: stored deposited 100; balance 100/);
    await expect(demo.locator("[data-part=journal] li")).toHaveCount(1);
    await input.fill("withdraw 130");
    await input.press("Enter");
    await expect(status).toHaveText(/withdraw 130 rejected: the balance would fall below 0/);
    await expect(demo.locator("[data-part=journal] li")).toHaveCount(1);
    await demo.getByRole("button", { name: "withdraw 30" }).click();
    await expect(demo.locator("[data-part=balance]")).toHaveText("70");

    const slider = demo.getByLabel(/Time travel/);
    await slider.focus();
    await page.keyboard.press("ArrowLeft");
    // The slider is an input: the deck must not have moved.
    await expect(page.locator("[data-deck-counter]")).toContainText("18 /");
    await expect(demo.locator("[data-part=shown]")).toHaveText("Replayed events 1–1: balance 100");
    await expect(demo.locator("[data-part=journal] li.is-future")).toHaveCount(1);
    await page.keyboard.press("End");
    await expect(demo.locator("[data-part=shown]")).toHaveText(/Now: after event #2, balance 70/);
  });
});
