import { expect, test } from "./fixtures";

test("home page links to the talks and labs indexes", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("event sourcing");
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  // Counts are separate words: Astro drops the space between two expressions on one line.
  await expect(page.getByRole("main")).toContainText(/\b\d+ decks? so far\./);
  await expect(page.getByRole("main")).toContainText(/\b\d+ labs? so far\./);

  await page.getByRole("link", { name: "Browse the talks" }).click();
  await expect(page).toHaveURL(/\/talks\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Talks" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Akka Persistence/ })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Labs" }).click();
  await expect(page).toHaveURL(/\/labs\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Labs" })).toBeVisible();
});

test("every talk on the index opens", async ({ page }) => {
  await page.goto("/talks/");
  const links = await page
    .locator("main .card h2 a")
    .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute("href") ?? ""));
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) {
    const res = await page.goto(link);
    expect(res?.status(), link).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  }
});

test("skip link moves focus to the main content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

test("theme toggle switches to dark and the choice survives a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const toggle = page.locator("[data-theme-toggle]");
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
});

test("an unknown address gets the 404 page", async ({ browser }) => {
  // A 404 is the expected answer here, so this test opens its own page without the watchdog.
  const page = await browser.newPage();
  const res = await page.goto("/no-such-page/");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.close();
});
