import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * Live demos on the decks: each hydrates only near its slide, runs the real runtime in a worker,
 * and reacts to input; the presenter's commands reach the audience's copy of the demo.
 */

const AKKA = "akka-in-practice";
const PERSISTENCE = "persistence-in-event-driven-actors";
const CHAT = "event-sourced-chat";
const MASTERING = "mastering-event-sourcing";
const BASICS = "akka-persistence-basics";

/** Opens a deck at a slide, by number or (better: it survives new slides) by its stable id. */
async function openSlide(page: Page, slug: string, slide: number | string): Promise<void> {
  await page.goto(`/talks/${slug}/#${slide}`);
  await expect(page.locator(".deck")).toHaveAttribute("data-mode", "present");
  if (typeof slide === "number")
    await expect(page.locator("[data-deck-counter]")).toContainText(`${slide} /`);
  else
    await expect(page.locator(".deck-slide:not([hidden])")).toHaveAttribute("data-slide-id", slide);
}

const current = (page: Page) => page.locator(".deck-slide:not([hidden])");

/** A demo inside `scope`, once its worker has answered (with an empty log: "Ready"). */
async function liveDemo(scope: Locator, kind: string, fresh = true): Promise<Locator> {
  const demo = scope.locator(`[data-demo="${kind}"]`);
  await expect(demo).toHaveAttribute("data-demo-state", "live");
  if (fresh) await expect(demo.locator("[role=status]")).toHaveText(/Ready/);
  return demo;
}

/** URLs of the scripts and workers a page requests from now on. */
function scriptRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => {
    if (/\.js(\?|$)/.test(r.url())) urls.push(new URL(r.url()).pathname);
  });
  return urls;
}

test.describe("each deck has a live demo that reacts", () => {
  test("talks 1 and 3: the cluster demo reacts to a crash: detection, downing, shards move", async ({
    page,
  }) => {
    test.setTimeout(60_000);
    await openSlide(page, AKKA, "crash-demo");
    const demo = await liveDemo(current(page), "cluster");
    const status = demo.locator("[role=status]");
    const node3 = demo.locator('[data-node="node-3"]');
    await demo.getByRole("button", { name: "+5 s" }).click();
    await expect(status).toHaveText("+5 s: every entity answers.");
    await expect(node3.locator(".cluster-chip.is-entity").first()).toBeVisible();
    await demo.getByRole("combobox", { name: "Node" }).selectOption("node-3");
    await demo.getByRole("button", { name: "Crash" }).click();
    await expect(status).toContainText("node-3 crashed");
    await expect(node3).toHaveClass(/is-stopped/);
    await demo.getByRole("button", { name: "+5 s" }).click();
    await expect(demo.locator('[data-node="node-1"]')).toContainText("node-3: up, UNREACHABLE");
    await expect(demo.locator("[data-part=entities] tr.is-down").first()).toBeVisible();
    await demo.getByRole("button", { name: "+30 s" }).click();
    await demo.getByRole("button", { name: "+30 s" }).click();
    await expect(demo.locator("[data-part=lines]")).toContainText(
      "keep-majority): down-unreachable, downs node-3",
    );
    await expect(status).toHaveText("+30 s: every entity answers.");
    await expect(demo.locator("[data-part=entities] tr.is-down")).toHaveCount(0);
    await expect(demo.locator("[data-part=entities]")).toContainText(/was \d+(\.\d)? s/);
    await expect(demo.locator("[data-part=verdict]")).toBeHidden();
  });

  test("talk 1: the mailbox fills, the worker takes one message per step, restart loses its state", async ({
    page,
  }) => {
    await openSlide(page, AKKA, "mailbox-demo");
    const demo = await liveDemo(current(page), "mailbox");
    const status = demo.locator("[role=status]");
    const mailbox = demo.locator("[data-part=mailbox] .demo-mail");
    await demo.getByRole("button", { name: "Three senders at once" }).click();
    await expect(mailbox).toHaveCount(3);
    await demo.getByRole("button", { name: "Step: take one message" }).click();
    await expect(mailbox).toHaveCount(2);
    await expect(status).toHaveText("#1 job +1: total 1. 2 left in the mailbox.");
    await demo.getByRole("button", { name: "Send a crash" }).click();
    await demo.getByRole("button", { name: "Take them all" }).click();
    await expect(mailbox).toHaveCount(0);
    // Jobs 2 and 3 (total 6) were lost with the restart; the worker is a new incarnation.
    await expect(demo.locator("[data-part=worker]")).toContainText("incarnation 2");
    await expect(demo.locator("[data-part=total]")).toHaveText("total 0");
    await expect(demo.locator("[data-part=trace]")).toContainText(
      "#4 crash: the worker throws (its total was 6)",
    );

    // Resume keeps the state instead.
    await demo.getByRole("radio", { name: "resume" }).check();
    await expect(status).toHaveText("Started over with supervision: resume.");
    await demo.getByRole("button", { name: "Send a job" }).click();
    await demo.getByRole("button", { name: "Send a crash" }).click();
    await demo.getByRole("button", { name: "Send a job" }).click();
    await demo.getByRole("button", { name: "Take them all" }).click();
    await expect(demo.locator("[data-part=total]")).toHaveText("total 4");
    await expect(demo.locator("[data-part=worker]")).toContainText("incarnation 1");
  });

  test("talk 1: the read map lags on the other nodes, stays stale behind a cut, converges after", async ({
    page,
  }) => {
    await openSlide(page, AKKA, "read-side-demo");
    const demo = await liveDemo(current(page), "read-side");
    const copy = (node: string) => demo.locator(`[data-part=copy-${node}]`);
    await demo.getByRole("button", { name: "Reserve 3 seats" }).click();
    await expect(copy("node-1")).toHaveText("3");
    await expect(copy("node-3")).toHaveText("—");
    for (let i = 0; i < 5; i++) await demo.getByRole("button", { name: "+1 s" }).click();
    await expect(demo.locator("[role=status]")).toContainText("Every copy agrees.");
    await demo.getByRole("button", { name: "Cut node-3 off" }).click();
    await demo.getByRole("button", { name: "Reserve 3 seats" }).click();
    for (let i = 0; i < 5; i++) await demo.getByRole("button", { name: "+1 s" }).click();
    await expect(copy("node-2")).toHaveText("6");
    await expect(copy("node-3")).toHaveText("3");
    await expect(demo.locator("[data-part=state-node-3]")).toHaveText("cut off: stale");
    await demo.getByRole("button", { name: "Heal" }).click();
    for (let i = 0; i < 5; i++) await demo.getByRole("button", { name: "+1 s" }).click();
    await expect(copy("node-3")).toHaveText("6");
    await expect(demo).toHaveAttribute("data-converged", "true");
  });

  test("talk 1: three orders at once: persist stashes and rejects one, persistAsync overbooks", async ({
    page,
  }) => {
    await openSlide(page, AKKA, "persist-demo");
    const demo = await liveDemo(current(page), "persist-vs-async");
    const status = demo.locator("[role=status]");
    await demo.getByRole("button", { name: "Three orders at once" }).click();
    await expect(status).toContainText("persist accepted 2, persistAsync accepted 3.");
    await expect(status).toContainText("overbooked");
    await expect(demo.locator("[data-part=safe-heard] li").nth(2)).toHaveText(
      /no: full.*checked against 8/,
    );
    await expect(demo.locator("[data-part=risky-heard] li").nth(2)).toHaveText(
      /yes.*checked against 0/,
    );
    await expect(demo.locator("[data-part=risky-journal] li.is-bad")).toHaveCount(1);
    await expect(demo).toHaveAttribute("data-overbooked", "true");
  });

  test("talk 2: breaking the clock rule moves every expiry to the rebuild time", async ({
    page,
  }) => {
    await openSlide(page, PERSISTENCE, "replay-demo");
    const demo = await liveDemo(current(page), "replay-lab");
    const hold = demo.getByRole("button", { name: "Hold a seat" });
    for (let i = 0; i < 3; i++) await hold.click();
    await expect(demo.locator("[data-part=journal] li")).toHaveCount(3);
    await demo.getByRole("button", { name: "Restart and rebuild" }).click();
    await expect(demo.locator("[data-part=diverged]")).toHaveText("Rebuild 1: identical.");
    await demo.getByRole("checkbox", { name: /expiry decided in the command/ }).uncheck();
    await demo.getByRole("button", { name: "Restart and rebuild" }).click();
    await expect(demo.locator("[data-part=diverged] li")).toHaveText([
      "seat A1 expires 09:30 → 13:30",
      "seat A2 expires 11:00 → 13:30",
      "seat A3 expires 12:15 → 13:30",
    ]);
    await expect(demo.locator("[role=status]")).toHaveText(/Rebuilt at 13:00: 3 differences/);
  });

  test("talk 2: the rebuild benchmark replays every event, and labels the talk's figure as not measured here", async ({
    page,
  }) => {
    await openSlide(page, PERSISTENCE, "rebuild-benchmark");
    const demo = await liveDemo(current(page), "replay-benchmark");
    const status = demo.locator("[role=status]");
    await demo.getByRole("combobox", { name: "Events in all" }).selectOption("10000");
    await demo.getByRole("combobox", { name: "Actors" }).selectOption("100");
    await demo.getByRole("button", { name: "Run the rebuild" }).click();
    await expect(status).toHaveText(
      /^Run 1: 10,000 events replayed in [\d.]+ s, [\d,]+ per second; the recovered totals add up to every event\.$/,
    );
    await expect(demo.locator("[data-part=chart] li")).toHaveCount(2);
    await expect(demo.locator("[data-part=chart] li").nth(1)).toContainText("run 1: 100 × 100");
    await expect(demo.locator("[data-part=detail]")).toContainText(
      "the talk's 5 million would take",
    );
    await expect(demo.locator("[data-part=detail]")).toContainText("not measured here");
  });

  test("talk 3: a post becomes an event, the aggregate's message and a read-model row", async ({
    page,
  }) => {
    await openSlide(page, CHAT, "loop-demo");
    const demo = await liveDemo(current(page), "chat-thread");
    await demo.getByRole("button", { name: "Join" }).click();
    await demo.getByRole("textbox", { name: "Message" }).fill("hello, world");
    await demo.getByRole("textbox", { name: "Message" }).press("Enter");
    await expect(demo.locator("[data-part=events] li")).toHaveText([
      /@1\s*thread-general#1\s*ThreadCreated #general by alice/,
      /@2\s*thread-general#2\s*MemberIdsJoined \[alice\]/,
      /@3\s*thread-general#3\s*MessagesAdded alice: "hello, world"/,
    ]);
    await expect(demo.locator("[data-part=aggregate]")).toContainText("alice:hello, world");
    await expect(demo.locator("[data-part=read-model] tbody tr")).toHaveText([
      /#general\s*1\s*1\s*alice: hello, world/,
    ]);
    // bob is not a member: rejected, nothing stored.
    await demo.getByLabel("As").selectOption("bob");
    await demo.getByRole("textbox", { name: "Message" }).fill("hi");
    await demo.getByRole("button", { name: "Post" }).click();
    await expect(demo.locator("[role=status]")).toHaveText(
      "bob posts to #general: rejected, bob is not a member of #general. Nothing stored.",
    );
    await expect(demo.locator("[data-part=events] li")).toHaveCount(3);
    await demo.getByRole("button", { name: "Crash and recover" }).click();
    await expect(demo.locator("[role=status]")).toHaveText(/#general replayed 3 events/);
    await expect(demo.locator("[data-part=aggregate]")).toContainText("alice:hello, world");
  });

  test("talk 4: a deposit shows its event, a bad withdrawal is rejected, the slider rewinds", async ({
    page,
  }) => {
    await openSlide(page, MASTERING, "equations-demo");
    const demo = await liveDemo(current(page), "bank-console");
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

  test("talk 4: a transfer completes; with B blocked the workflow compensates A", async ({
    page,
  }) => {
    await openSlide(page, MASTERING, "transfer-demo");
    const demo = await liveDemo(current(page), "transfer-workflow");
    const status = demo.locator("[role=status]");
    await demo.getByRole("button", { name: "Transfer from A to B" }).click();
    await expect(status).toHaveText("Transfer #1: 50 left A and reached B.");
    await expect(demo.locator("[data-part=b-balance]")).toHaveText("50");
    await demo.getByRole("checkbox", { name: /B refuses deposits/ }).check();
    await expect(status).toHaveText("B is blocked: it refuses deposits.");
    await demo.getByRole("combobox", { name: "Amount" }).selectOption("20");
    await demo.getByRole("button", { name: "Transfer from A to B" }).click();
    await expect(status).toContainText("Transfer #2: A paid 20, B refused it");
    await expect(demo.locator("[data-part=a-balance]")).toHaveText("50");
    await expect(demo.locator("[data-part=a-journal] li")).toHaveText([
      /opened with 100/,
      /withdrew 50.*by #1/,
      /withdrew 20.*by #2/,
      /deposited 20.*by #2/,
    ]);
    await expect(demo.locator("[data-part=flow-state]")).toHaveText(
      "Transfer #2 (20): compensated: A paid back",
    );
    await expect(demo.locator("[data-part=flows] li.is-warn")).toHaveText(
      /compensation: paid back into A/,
    );
  });

  test("talk 4: a crash between steps: the restarted workflow re-sends, A does not pay twice", async ({
    page,
  }) => {
    await openSlide(page, MASTERING, "transfer-demo");
    const demo = await liveDemo(current(page), "transfer-workflow");
    const status = demo.locator("[role=status]");
    await demo.getByRole("checkbox", { name: /crash the workflows/ }).check();
    await expect(status).toContainText("Armed");
    await demo.getByRole("button", { name: "Transfer from A to B" }).click();
    await expect(status).toContainText("the workflows' process crashed");
    await expect(demo.locator("[data-part=a-balance]")).toHaveText("50");
    await demo.getByRole("button", { name: "Restart the workflows" }).click();
    await expect(status).toContainText("recognised 1 repeat and did not move the money twice");
    await expect(demo.locator("[data-part=a-balance]")).toHaveText("50");
    await expect(demo.locator("[data-part=b-balance]")).toHaveText("50");
  });

  test("talk 5: the read side lags the journal a moment, and a new fold rebuilds it by replay", async ({
    page,
  }) => {
    await openSlide(page, BASICS, "bank-demo");
    const bank = await liveDemo(current(page), "bank-console");
    const offset = bank.locator("[data-part=view-offset]");
    await bank.getByRole("button", { name: "deposit 50" }).click();
    await expect(offset).toHaveText("Projection offset 0: 1 event behind the journal.");
    await expect(offset).toHaveText("Projection offset 1: up to date.");
    await expect(bank.locator("[data-part=view-rows]")).toContainText("deposited in total50");
    await bank.getByRole("button", { name: "withdraw 30" }).click();
    await expect(offset).toHaveText("Projection offset 2: up to date.");
    await bank.getByLabel("The view's fold").selectOption("activity");
    await expect(bank.locator("[role=status]")).toHaveText(
      "The view's fold changed: rebuilt from the journal, 2 events replayed.",
    );
    await expect(bank.locator("[data-part=view-rows]")).toContainText("largest withdrawal30");
  });

  test("talk 5: the account's upper limit, and recovery replays only the tail after a snapshot", async ({
    page,
  }) => {
    await openSlide(page, BASICS, "bank-demo");
    const bank = await liveDemo(current(page), "bank-console");
    await bank.getByLabel("Command").fill("deposit 2000");
    await bank.getByLabel("Command").press("Enter");
    await expect(bank.locator("[role=status]")).toHaveText(
      "deposit 2000 rejected: the balance limit of 1000 would be exceeded. Nothing stored.",
    );

    await openSlide(page, BASICS, "snapshot-demo");
    const demo = await liveDemo(current(page), "snapshot-slider");
    const slider = demo.getByLabel(/Snapshot policy/);
    await slider.focus();
    // Stops: none, 20000, 5000, 1000 (start), 250, 50.
    await page.keyboard.press("ArrowRight");
    await expect(demo.locator("[role=status]")).toHaveText(
      /every 250: recovery loaded the snapshot at #2,250 and replayed 95 of 2,345 events in [\d.]+ ms; balance 9,380 equals the full replay's/,
    );
    await page.keyboard.press("Home");
    await expect(demo.locator("[role=status]")).toHaveText(
      /no snapshots: .* replayed 2,345 of 2,345/,
    );
    await expect(demo.locator("[data-part=chart] li")).toHaveCount(2);
    await expect(current(page)).toHaveAttribute("data-slide-id", "snapshot-demo");
  });
});

test.describe("loading", () => {
  test("no demo code loads on a slide far from demos; a demo loads when its slide comes near", async ({
    page,
  }) => {
    const scripts = scriptRequests(page);
    await openSlide(page, AKKA, 1);
    await page.waitForLoadState("networkidle");
    expect(scripts.filter((u) => /\/(ui|worker)[.-]/.test(u))).toEqual([]);
    const demo = page.locator('[data-demo="mailbox"]');
    await expect(demo).not.toHaveAttribute("data-demo-state", /./);
    // Slide 10 is next to the demo's slide 11: the demo hydrates ahead of time.
    await page.evaluate(() => {
      location.hash = "#10";
    });
    await expect(demo).toHaveAttribute("data-demo-state", "live");
    expect(scripts.some((u) => /\/worker-[\w-]+\.js$/.test(u))).toBe(true);
    expect(scripts.filter((u) => /monaco|editor\.api/i.test(u))).toEqual([]);
  });

  test("reading mode hydrates a demo when it scrolls near", async ({ page }) => {
    await page.goto(`/talks/${MASTERING}/?mode=read`);
    const demo = page.locator('[data-demo="bank-console"]').first();
    await expect(demo).not.toHaveAttribute("data-demo-state", /./);
    await demo.scrollIntoViewIfNeeded();
    await expect(demo).toHaveAttribute("data-demo-state", "live");
    await demo.getByRole("button", { name: "deposit 50" }).click();
    await expect(demo.locator("[data-part=balance]")).toHaveText("50");
  });
});

test.describe("motion", () => {
  for (const reducedMotion of ["reduce", "no-preference"] as const) {
    test(`a new journal row ${reducedMotion === "reduce" ? "does not animate" : "animates"} with prefers-reduced-motion: ${reducedMotion}`, async ({
      page,
    }) => {
      await page.emulateMedia({ reducedMotion });
      await openSlide(page, MASTERING, "equations-demo");
      const demo = await liveDemo(current(page), "bank-console");
      await demo.getByRole("button", { name: "deposit 50" }).click();
      const row = demo.locator("[data-part=journal] li.is-new");
      await expect(row).toHaveCount(1);
      const animation = await row.evaluate((el) => getComputedStyle(el).animationName);
      expect(animation).toBe(reducedMotion === "reduce" ? "none" : "demo-arrive");
    });
  }
});

test.describe("presenter and audience", () => {
  test("the presenter drives a demo and the audience replays its commands; a late window catches up", async ({
    page,
    context,
  }) => {
    await openSlide(page, MASTERING, "equations-demo");
    const audience = await liveDemo(current(page), "bank-console");
    // The audience works the demo before the presenter window exists.
    await audience.getByRole("button", { name: "deposit 50" }).click();
    await expect(audience.locator("[data-part=balance]")).toHaveText("50");

    const popup = context.waitForEvent("page");
    await page.keyboard.press("s");
    const presenter = await popup;
    await expect(presenter.locator("[data-presenter-position]")).toContainText("Slide 18");
    const driven = await liveDemo(presenter.locator("[data-pane=current]"), "bank-console", false);
    // It adopted the audience's log on hello.
    await expect(driven.locator("[data-part=balance]")).toHaveText("50");
    // The preview of the next slide never runs a demo.
    await expect(presenter.locator("[data-pane=next] [data-demo-state]")).toHaveCount(0);

    await driven.getByLabel("Command").fill("deposit 100");
    await driven.getByLabel("Command").press("Enter");
    await driven.getByLabel("Command").fill("withdraw 500");
    await driven.getByLabel("Command").press("Enter");
    await expect(driven.locator("[role=status]")).toHaveText(/withdraw 500 rejected/);
    // The presenter's typing did not move the deck.
    await expect(page.locator("[data-deck-counter]")).toContainText("18 /");
    await expect(audience.locator("[data-part=balance]")).toHaveText("150");
    await expect(audience.locator("[data-part=journal] li")).toHaveCount(2);
    await expect(audience.locator("[role=status]")).toHaveText(/withdraw 500 rejected/);
    // The slider travels too.
    await driven.getByLabel(/Time travel/).focus();
    await presenter.keyboard.press("ArrowLeft");
    await expect(audience.locator("[data-part=shown]")).toHaveText(
      "Replayed events 1–1: balance 50",
    );

    // Keys in the slider moved the slider, not the deck; outside it they move the deck. A step
    // there and back in the presenter rebuilds its demo from the log, in the same state.
    await presenter.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await presenter.keyboard.press("ArrowRight");
    await expect(page.locator("[data-deck-counter]")).toContainText("19 /");
    await presenter.keyboard.press("ArrowLeft");
    const again = await liveDemo(presenter.locator("[data-pane=current]"), "bank-console", false);
    await expect(again.locator("[data-part=journal] li")).toHaveCount(2);
    await expect(again.locator("[data-part=shown]")).toHaveText("Replayed events 1–1: balance 50");
  });
});

test.describe("accessibility", () => {
  const serious = async (builder: AxeBuilder) =>
    (await builder.analyze()).violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);

  test("axe finds no serious or critical violation on a whole deck page", async ({ page }) => {
    test.setTimeout(120_000);
    await openSlide(page, MASTERING, "equations-demo");
    await liveDemo(current(page), "bank-console");
    expect(await serious(new AxeBuilder({ page }))).toEqual([]);
  });

  for (const [slug, slide, kind] of [
    [AKKA, "mailbox-demo", "mailbox"],
    [CHAT, "loop-demo", "chat-thread"],
    [AKKA, "crash-demo", "cluster"],
    [AKKA, "persist-demo", "persist-vs-async"],
    [AKKA, "read-side-demo", "read-side"],
    [PERSISTENCE, "rebuild-benchmark", "replay-benchmark"],
    [MASTERING, "transfer-demo", "transfer-workflow"],
    [PERSISTENCE, "replay-demo", "replay-lab"],
    [BASICS, "snapshot-demo", "snapshot-slider"],
  ] as const) {
    test(`axe finds no serious or critical violation in the ${kind} demo (${slug} #${slide})`, async ({
      page,
    }) => {
      test.setTimeout(60_000);
      await openSlide(page, slug, slide);
      await liveDemo(current(page), kind);
      // The slide and the toolbar over it: the rest of the page is checked by the test above.
      const scope = new AxeBuilder({ page })
        .include(".deck-slide.is-current")
        .include(".deck-toolbar");
      expect(await serious(scope)).toEqual([]);
    });
  }
});
