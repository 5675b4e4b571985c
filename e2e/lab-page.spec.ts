import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * The lab page as a learner meets it (issue 16, labs; issue 14, honest progress): three panes on
 * a wide screen, tabs on a phone, results that lead with what failed, progress beside each task,
 * and runs of the shown solution that never count as the learner's.
 */

test.describe.configure({ timeout: 120_000 });

const SLUG = "bank-account";
const meta = JSON.parse(readFileSync(`labs/${SLUG}/lab.json`, "utf8")) as { editable: string[] };
const solutionOf = (file: string) => readFileSync(`labs/${SLUG}/solution/${file}`, "utf8");

/** Opens the lab and waits for Monaco (on a phone, mounted in the hidden Code pane). */
async function openLab(page: Page) {
  await page.goto(`/labs/${SLUG}/`);
  await expect(page.locator("#editor[data-ready=true] .monaco-editor")).toBeAttached({
    timeout: 30_000,
  });
}

async function run(page: Page, n: number) {
  await page.getByRole("button", { name: /Run checks/ }).click();
  await expect(page.locator(`#results[data-runs="${n}"]`)).toBeAttached({ timeout: 40_000 });
}

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

const box = async (page: Page, selector: string) => {
  const b = await page.locator(selector).boundingBox();
  if (!b) throw new Error(`${selector} has no box`);
  return b;
};

test("1280×800: instructions, code and results side by side, each pane scrolling on its own", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openLab(page);
  const instructions = await box(page, "#instructions-pane");
  const code = await box(page, "#code-pane");
  const results = await box(page, "#results-pane");
  expect(instructions.x + instructions.width).toBeLessThanOrEqual(code.x + 1);
  expect(code.x + code.width).toBeLessThanOrEqual(results.x + 1);
  for (const pane of [instructions, code, results]) {
    expect(pane.y + pane.height).toBeLessThanOrEqual(801);
  }
  // The editor fills its pane's height (not a fixed ~23 lines).
  const editor = await box(page, "#editor");
  expect(editor.height).toBeGreaterThan(code.height * 0.6);
  await expect(page.locator(".pane-tabs")).toBeHidden();

  // Scrolling the instructions moves neither the page nor the editor.
  const before = await box(page, "#editor");
  await page.locator("#instructions-pane").evaluate((el) => {
    el.scrollTop = 600;
  });
  expect(await page.locator("#instructions-pane").evaluate((el) => el.scrollTop)).toBeGreaterThan(
    0,
  );
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect((await box(page, "#editor")).y).toBe(before.y);
});

test("390×844: tabs choose the pane, the editor is one tap away and a run shows its results", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openLab(page);
  const tabs = page.getByRole("tablist", { name: "Lab panes" });
  await expect(tabs).toBeVisible();
  await expect(page.locator("#code-pane")).toBeHidden();
  await tabs.getByRole("tab", { name: "Code" }).click();
  await expect(page.locator("#instructions-pane")).toBeHidden();
  const editor = await box(page, "#editor");
  expect(editor.y).toBeLessThan(844);
  expect(editor.height).toBeGreaterThan(250);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  // Arrow keys move between the pane tabs, as in the WAI-ARIA tabs pattern.
  await tabs.getByRole("tab", { name: "Code" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(tabs.getByRole("tab", { name: "Instructions" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
  await tabs.getByRole("tab", { name: "Code" }).click();
  await run(page, 1);
  await expect(tabs.getByRole("tab", { name: /Results/ })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("#results .summary")).toBeInViewport();
});

test("results: passed checks folded, a failure is one line with its check's code and diff on demand; progress beside each task", async ({
  page,
}) => {
  await openLab(page);
  // The solution with one bug: task 2's boundary check fails, the others pass.
  for (const file of meta.editable) {
    const text = solutionOf(file);
    await paste(page, file, file === "account.ts" ? text.replace("> limit", ">= limit") : text);
  }
  await run(page, 1);
  const results = page.locator("#results");
  await expect(results.locator('.task[data-task="1"]')).toHaveAttribute("data-status", "pass");
  await expect(results.locator('.task[data-task="1"]')).not.toHaveAttribute("open", "");
  const failing = results.locator("li[data-status=fail]").first();
  await expect(failing).toBeVisible();
  const headline = failing.locator(".headline");
  await expect(headline).toBeVisible();
  expect((await headline.textContent())?.includes("\n")).toBe(false);
  // The check's own source and the full diff are there, folded until asked for.
  const code = failing.locator('details[data-more="code"]');
  await expect(code.locator("pre")).toBeHidden();
  await code.locator("summary").click();
  await expect(code.locator("pre")).toContainText("expect(");
  const diff = failing.locator('details[data-more="diff"]');
  if ((await diff.count()) > 0) {
    await expect(diff.locator("pre")).toBeHidden();
    await diff.locator("summary").click();
    await expect(diff.locator("pre")).toBeVisible();
  }
  // Passed checks are one line each: no headline, no code.
  await expect(results.locator("li[data-status=pass] .headline")).toHaveCount(0);
  await expect(results.locator("li[data-status=pass] details")).toHaveCount(0);

  // Each task heading in the instructions shows that task's progress.
  const badge = (task: number) =>
    page
      .locator(".instructions h2", { hasText: new RegExp(`^${task}\\.`) })
      .locator(".task-progress");
  await expect(badge(1)).toHaveText(/^(\d+)\/\1 ✓$/);
  await expect(badge(1)).toHaveAttribute("data-state", "pass");
  await expect(badge(2)).toHaveText(/^\d+\/\d+$/);
  await expect(badge(2)).toHaveAttribute("data-state", "fail");
});

test("a run of the shown solution never counts: labelled, not Done, gone on Restore; Download saves my code", async ({
  page,
}) => {
  await openLab(page);
  await page.getByRole("button", { name: "Show solution" }).click();
  await page
    .getByRole("dialog", { name: "Show the solution?" })
    .getByRole("button", { name: "Show solution" })
    .click();
  await run(page, 1);
  const results = page.locator("#results");
  await expect(results.locator(".summary")).toHaveText(/^All \d+ checks pass\.$/);
  await expect(results).toHaveAttribute("data-of", "solution");
  await expect(results).toContainText("do not count as your progress");
  await expect(page.locator(".task-progress").first()).toHaveAttribute("data-state", "solution");

  // The labs index does not call the lab Done.
  await page.waitForTimeout(400);
  await page.goto("/labs/");
  await expect(page.locator(`[data-progress-for="${SLUG}"]`)).not.toHaveText(/Done/);
  await openLab(page);
  await expect(page.locator("#lab-notice")).toContainText("The solution is shown");

  // Restoring my code takes the solution's results away.
  await page.getByRole("button", { name: "Restore my code" }).click();
  await expect(results).toHaveAttribute("data-of", "mine");
  await expect(results.locator(".summary")).toHaveCount(0);
  await expect(results).toContainText("No run of your own code yet.");
  await expect(page.locator(".task-progress")).toHaveCount(0);
  await expect(page.locator("#lab-notice")).toBeHidden();
});

test("suggestions near the editor's bottom edge are not clipped by it", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openLab(page);
  await page.locator("#editor .view-lines").click();
  await page.keyboard.press("ControlOrMeta+End");
  // Fill the editor so the cursor sits at its bottom edge.
  await page.keyboard.insertText(`${"\n".repeat(60)}const probe = Math.`);
  await page.keyboard.press("Control+Space");
  const widget = page.locator(".suggest-widget.visible");
  await expect(widget).toBeVisible();
  const w = await box(page, ".suggest-widget.visible");
  const editor = await box(page, "#editor");
  // Either it fits inside the editor or it pokes out of it, and its whole box is drawn on top.
  for (const y of [w.y + 4, w.y + w.height - 4]) {
    const hit = await page.evaluate(
      ([x, y]) => {
        const el = document.elementFromPoint(x as number, y as number);
        return !!el?.closest(".suggest-widget");
      },
      [w.x + w.width / 2, y],
    );
    expect(
      hit,
      `the suggestion list is visible at y=${y} (editor ends at ${editor.y + editor.height})`,
    ).toBe(true);
  }
});

test("words are not glued together and axe finds no serious issue, editor colours included", async ({
  page,
}) => {
  await openLab(page);
  await run(page, 1);
  await expect(page.locator("#editor-help")).toContainText("Editor ready. In the editor");
  const dialogText = await page.locator("#solution-dialog").textContent();
  expect(dialogText?.replace(/\s+/g, " ")).toContain("not lost: Restore my code");
  const violations = (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
  expect(violations).toEqual([]);
});
