import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * A newcomer's whole walk, as one story: the home page, "start here", a deck presented with an
 * audience window, the deck's lab, a failing run, the fix, Done, the download, and the grader's
 * verdict on that download. Screenshots at a laptop's and a phone's size go to
 * `test-results/newcomer/`, which CI keeps as an artifact.
 */
const SHOTS = join("test-results", "newcomer");
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Pastes text into the open editor tab as a learner does (select all, then paste). */
async function paste(page: Page, file: string, text: string) {
  await page.getByRole("tab", { name: new RegExp(`^${file.replace(".", "\\.")}`) }).click();
  await page.locator("#editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    (document.activeElement ?? document.body).dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

test("a newcomer goes from the home page to a graded submission", async ({ page, context }) => {
  test.setTimeout(240_000);
  await page.setViewportSize(LAPTOP);

  // Home → the talks, in the recommended order, "start here" first.
  await page.goto("/");
  await shot(page, "1-home-1280");
  await page.getByRole("link", { name: "Browse the talks" }).click();
  const first = page.locator("main li").filter({ hasText: "Start here" }).first();
  await expect(first).toBeVisible();
  await shot(page, "2-talks-1280");
  await first.locator("h2 a, h3 a").first().click();
  await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
  const deckUrl = page.url();

  // Presenting: S opens the presenter, and the audience window follows it.
  const popup = context.waitForEvent("page");
  await page.keyboard.press("s");
  const presenter = await popup;
  await expect(presenter.locator("[data-presenter-position]")).toContainText("Slide 1 of");
  await presenter.keyboard.press("ArrowRight");
  await expect(page.locator("[data-deck-counter]")).toHaveText(/^2 \//);
  await shot(page, "3-deck-1280");
  await shot(presenter, "4-presenter-1280");
  await presenter.close();

  // The deck's closing slides link its lab: walk back from the end to the first that does.
  await page.keyboard.press("End");
  const labLink = page.locator('.deck-slide:not([hidden]) a[href*="/labs/"]').first();
  for (let back = 0; back < 4 && (await labLink.count()) === 0; back++)
    await page.keyboard.press("PageUp");
  await expect(labLink).toBeVisible();
  await labLink.click();
  await expect(page).toHaveURL(/\/labs\/[\w-]+\/$/);
  const slug = (page.url().match(/\/labs\/([\w-]+)\/$/) as RegExpMatchArray)[1] as string;
  await expect(page.locator("#editor[data-ready=true] .monaco-editor")).toBeVisible({
    timeout: 30_000,
  });

  // A first run of the starter fails.
  const results = page.locator("#results");
  await page.getByRole("button", { name: /Run checks/ }).click();
  await expect(page.locator('#results[data-runs="1"]')).toBeAttached({ timeout: 60_000 });
  await expect(results.locator("li[data-status=fail]").first()).toBeVisible();
  await shot(page, "5-lab-failing-1280");

  // The fix: the learner's answer (here, the reference solution typed in) passes every check.
  const meta = JSON.parse(readFileSync(`labs/${slug}/lab.json`, "utf8")) as { editable: string[] };
  for (const file of meta.editable)
    await paste(page, file, readFileSync(`labs/${slug}/solution/${file}`, "utf8"));
  await page.getByRole("button", { name: /Run checks/ }).click();
  await expect(page.locator('#results[data-runs="2"]')).toBeAttached({ timeout: 60_000 });
  await expect(results.locator(".summary")).toHaveText(/^All \d+ checks pass\.$/, {
    timeout: 60_000,
  });
  await shot(page, "6-lab-passing-1280");

  // Download, then grade the download as an instructor would.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download submission" }).click(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "newcomer-"));
  try {
    const zip = join(dir, download.suggestedFilename());
    writeFileSync(zip, readFileSync(await download.path()));
    const out = join(dir, "out");
    const grade = spawnSync("npm", ["run", "--silent", "grade", "--", slug, zip, "--out", out], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(grade.status, `${grade.stdout}\n${grade.stderr}`).toBe(0);
    const graded = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(graded.status).toBe("pass");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Done, on the labs index.
  await page.goto("/labs/");
  await expect(page.locator(`[data-progress-for="${slug}"]`)).toHaveText(/^Done/);
  await shot(page, "7-labs-done-1280");

  // The same places on a phone.
  await page.setViewportSize(PHONE);
  await page.goto("/");
  await shot(page, "8-home-390");
  await page.goto(deckUrl);
  await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
  await shot(page, "9-deck-390");
  await page.goto(`/labs/${slug}/`);
  await expect(page.locator("#editor[data-ready=true] .monaco-editor")).toBeAttached({
    timeout: 30_000,
  });
  await shot(page, "10-lab-390");
});
