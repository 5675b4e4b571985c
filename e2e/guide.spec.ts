import { expect, test } from "./fixtures";

test("the labs page links to the instructor guide, which covers writing and grading labs", async ({
  page,
}) => {
  await page.goto("labs/");
  await page.getByRole("link", { name: /guide to writing labs/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Writing labs" })).toBeVisible();
  for (const heading of [
    "Create a lab",
    "Write checks that run in both places",
    "Use the runtime's simulation",
    "Set a timeout",
    "Grade in CI",
    "Points",
    "Grade a class",
    "Workflows on GitHub Actions",
  ]) {
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.getByText("npm run new-lab -- shopping-cart").first()).toBeVisible();
  await expect(page.locator("pre").filter({ hasText: "VirtualScheduler" })).toHaveCount(1);
  await expect(page.getByText('"points": { "1": 10, "2": 20 } in lab.json')).toBeVisible();
  await expect(page.locator("pre").filter({ hasText: "gradescope/results.json" })).toHaveCount(1);
});
