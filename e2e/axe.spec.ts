import { readdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";

/** Every page of the built site, as a path under the base. */
function builtPages(): string[] {
  const dist = join(process.cwd(), "dist");
  return readdirSync(dist, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".html"))
    .map((f) => `/${f.replace(/index\.html$/, "")}`)
    .sort();
}

// One test per page, so a failure names it and two workers share the list.
for (const path of builtPages()) {
  test(`axe finds no serious or critical issue on ${path}`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    if (path.startsWith("/labs/") && path !== "/labs/")
      await expect(page.locator("#editor[data-ready=true] .monaco-editor")).toBeVisible({
        timeout: 45_000,
      });
    const violations = (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
    expect(violations).toEqual([]);
  });
}
