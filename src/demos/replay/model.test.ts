import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayLabModel, type ReplayView, type Rule } from "./model";

async function run(commands: unknown[]): Promise<ReplayView> {
  const model = new ReplayLabModel();
  for (const command of commands) await model.apply(command);
  return model.view();
}

const hold = { type: "hold" };
const rebuild = { type: "rebuild" };
const broken = (rule: Rule) => ({ type: "rule", rule, kept: false });

describe("replay lab model", () => {
  it("holds land at 09:00, 10:30 and 11:45, each expiring 30 minutes later", async () => {
    const view = await run([hold, hold, hold]);
    expect(view.journal.map((r) => r.at / 60_000)).toEqual([540, 630, 705]);
    expect(view.desk.holds.map((h) => h.expiresAt / 60_000)).toEqual([570, 660, 735]);
    expect(view.notices).toBe(3);
  });

  it("with every rule kept, the rebuilt desk is identical and nothing is sent again", async () => {
    const view = await run([hold, hold, hold, rebuild]);
    expect(view.rebuilds).toBe(1);
    expect(view.now).toBe(12 * 3_600_000);
    expect(view.diverged).toEqual([]);
    expect(view.desk).toEqual(view.before);
    expect(view.notices).toBe(3);
  });

  it("breaking the clock rule moves every expiry to noon plus 30 minutes", async () => {
    const view = await run([hold, hold, hold, broken("clock"), rebuild]);
    expect(view.desk.holds.map((h) => h.expiresAt / 60_000)).toEqual([750, 750, 750]);
    expect(view.diverged).toEqual([
      "seat A1 expires 09:30 → 12:30",
      "seat A2 expires 11:00 → 12:30",
      "seat A3 expires 12:15 → 12:30",
    ]);
    // Codes and notices are untouched: only the broken rule diverges.
    expect(view.before?.holds.map((h) => h.code)).toEqual(view.desk.holds.map((h) => h.code));
    expect(view.notices).toBe(3);
  });

  it("breaking the random rule draws new codes on replay", async () => {
    const view = await run([broken("random"), rebuild, hold, hold, rebuild]);
    expect(view.diverged).toHaveLength(2);
    expect(view.diverged[0]).toMatch(/^seat A1 code \d+ → \d+$/);
  });

  it("breaking the sends rule notifies the box office again on every rebuild", async () => {
    const view = await run([broken("sends"), rebuild, hold, hold, rebuild, rebuild]);
    expect(view.notices).toBe(6);
    expect(view.diverged).toEqual(["the box office got 2 notices again"]);
    expect(view.desk).toEqual(view.before);
  });

  it("a rule change applies from the next start, and a new hold clears the comparison", async () => {
    const model = new ReplayLabModel();
    await model.apply(hold);
    await model.apply(broken("clock"));
    const rebuilt = await model.apply(rebuild);
    // The process restarts at the next full hour.
    expect(rebuilt.diverged).toEqual(["seat A1 expires 09:30 → 10:30"]);
    const next = await model.apply(hold);
    expect(next.before).toBeNull();
    expect(next.diverged).toEqual([]);
  });

  it("a hold made while the clock rule was broken stays wrong after the fix: its event never recorded the time", async () => {
    const kept = { type: "rule", rule: "clock", kept: true };
    const view = await run([broken("clock"), rebuild, hold, kept, rebuild, hold, rebuild]);
    // A1 (recorded without its expiry) follows each rebuild's clock; A2 keeps its stored expiry.
    expect(view.diverged).toEqual(["seat A1 expires 11:30 → 13:30"]);
  });

  it("refuses an unknown rule", async () => {
    await expect(run([{ type: "rule", rule: "io", kept: false }])).rejects.toThrow(
      /rule must be one of clock, random, sends/,
    );
  });

  it("is a pure function of its log, and keeping all rules never diverges", async () => {
    const command = fc.oneof(
      fc.constant(hold),
      fc.constant(rebuild),
      fc.record({
        type: fc.constant("rule"),
        rule: fc.constantFrom("clock", "random", "sends"),
        kept: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 12 }), async (log) => {
        const a = await run(log);
        expect(await run(log)).toEqual(a);
        const kept = await run(log.filter((c) => c.type !== "rule"));
        expect(kept.diverged).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
