import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTransaction } from "./account";
import { BankConsoleModel, type BankView } from "./model";

async function run(commands: unknown[], limit: number | null = null): Promise<BankView> {
  const model = new BankConsoleModel(limit);
  for (const command of commands) await model.apply(command);
  return model.view();
}

describe("bank console model", () => {
  it("a deposit stores an event and the actor's balance follows", async () => {
    const model = new BankConsoleModel();
    const view = await model.apply({ type: "deposit", amount: 100 });
    expect(view.last).toEqual({
      ok: true,
      text: "deposit 100",
      events: [{ type: "deposited", amount: 100 }],
    });
    expect(view.balance).toBe(100);
    expect(view.journal).toEqual([
      { sequenceNr: 1, event: { type: "deposited", amount: 100 }, at: 30_000, balance: 100 },
    ]);
  });

  it("a rejected command stores nothing and says why", async () => {
    const model = new BankConsoleModel(1_000);
    await model.apply({ type: "deposit", amount: 100 });
    const low = await model.apply({ type: "withdraw", amount: 130 });
    expect(low.last).toMatchObject({ ok: false, reason: expect.stringMatching(/below 0/) });
    const high = await model.apply({ type: "deposit", amount: 2_000 });
    expect(high.last).toMatchObject({ ok: false, reason: expect.stringMatching(/limit of 1000/) });
    const zero = await model.apply({ type: "deposit", amount: 0 });
    expect(zero.last).toMatchObject({ ok: false, reason: expect.stringMatching(/positive/) });
    expect(zero.sequenceNr).toBe(1);
    expect(zero.balance).toBe(100);
  });

  it("without a limit (talk 5's console) only the lower bound holds", async () => {
    const view = await run([
      { type: "deposit", amount: 5_000 },
      { type: "withdraw", amount: 6_000 },
    ]);
    expect(view.balance).toBe(5_000);
    expect(view.last).toMatchObject({ ok: false, reason: expect.stringMatching(/below 0/) });
  });

  it("time travel replays the journal up to the slider and back to now", async () => {
    const model = new BankConsoleModel();
    await model.apply({ type: "deposit", amount: 100 });
    await model.apply({ type: "withdraw", amount: 30 });
    await model.apply({ type: "deposit", amount: 5 });
    const past = await model.apply({ type: "travel", to: 2 });
    expect(past.shown).toEqual({ sequenceNr: 2, balance: 70 });
    expect(past.balance).toBe(75);
    expect((await model.apply({ type: "travel", to: 0 })).shown).toEqual({
      sequenceNr: 0,
      balance: 0,
    });
    // Beyond the end clamps to the last event.
    expect((await model.apply({ type: "travel", to: 99 })).shown.sequenceNr).toBe(3);
    expect((await model.apply({ type: "travel", to: null })).shown).toEqual({
      sequenceNr: 3,
      balance: 75,
    });
  });

  it("reset starts from an empty journal", async () => {
    const view = await run([
      { type: "deposit", amount: 10 },
      { type: "reset" },
      { type: "deposit", amount: 3 },
    ]);
    expect(view.balance).toBe(3);
    expect(view.journal.map((r) => r.sequenceNr)).toEqual([1]);
  });

  it("refuses a malformed command, naming the field", async () => {
    const model = new BankConsoleModel();
    await expect(model.apply({ type: "deposit", amount: "lots" })).rejects.toThrow(
      /amount must be a whole number/,
    );
    await expect(model.apply({ type: "steal" })).rejects.toThrow(/type must be one of/);
    await expect(model.apply(null)).rejects.toThrow(/expected an object/);
  });

  it("the view is a pure function of the log, and the balance stays in bounds", async () => {
    const command = fc.oneof(
      fc.record({
        type: fc.constantFrom("deposit", "withdraw"),
        amount: fc.integer({ min: -5, max: 400 }),
      }),
      fc.record({ type: fc.constant("travel"), to: fc.option(fc.nat(12), { nil: null }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 12 }), async (log) => {
        const a = await run(log, 1_000);
        const b = await run(log, 1_000);
        expect(b).toEqual(a);
        for (const row of a.journal) {
          expect(row.balance).toBeGreaterThanOrEqual(0);
          expect(row.balance).toBeLessThanOrEqual(1_000);
        }
        expect(a.journal.at(-1)?.balance ?? 0).toBe(a.balance);
      }),
      { numRuns: 40 },
    );
  });
});

describe("parseTransaction", () => {
  it.each([
    ["deposit 50", { type: "deposit", amount: 50 }],
    ["  Withdraw 20 ", { type: "withdraw", amount: 20 }],
    ["d 7", { type: "deposit", amount: 7 }],
    ["+12", { type: "deposit", amount: 12 }],
    ["- 3", { type: "withdraw", amount: 3 }],
    ["withdraw -5", { type: "withdraw", amount: -5 }],
  ])("reads %j", (text, expected) => {
    expect(parseTransaction(text)).toEqual(expected);
  });

  it.each([
    ["", /type a command/],
    ["steal 50", /not a command/],
    ["deposit fifty", /not a whole number/],
    ["deposit 1.5", /not a whole number/],
  ])("explains %j", (text, message) => {
    const result = parseTransaction(text);
    expect(result).toHaveProperty("error");
    expect((result as { error: string }).error).toMatch(message);
  });
});

describe("bank console read side (CQRS view)", () => {
  it("the view lags the journal until its projection runs, then catches up from its offset", async () => {
    const model = new BankConsoleModel();
    await model.apply({ type: "deposit", amount: 100 });
    const lagging = await model.apply({ type: "withdraw", amount: 30 });
    expect(lagging.sequenceNr).toBe(2);
    expect(lagging.view.offset).toBe(0);
    expect(lagging.view.rows).toEqual([
      { label: "deposited in total", value: 0 },
      { label: "withdrawn in total", value: 0 },
    ]);
    const caught = await model.apply({ type: "project" });
    expect(caught.view).toMatchObject({ offset: 2, applied: 2, rebuilt: false });
    expect(caught.view.rows.map((r) => r.value)).toEqual([100, 30]);
    await model.apply({ type: "deposit", amount: 5 });
    const next = await model.apply({ type: "project" });
    expect(next.view).toMatchObject({ offset: 3, applied: 1 });
    expect(next.view.rows.map((r) => r.value)).toEqual([105, 30]);
  });

  it("switching the fold rebuilds the view from event 1, by replay", async () => {
    const view = await run([
      { type: "deposit", amount: 100 },
      { type: "withdraw", amount: 30 },
      { type: "withdraw", amount: 50 },
      { type: "fold", fold: "activity" },
    ]);
    expect(view.view).toMatchObject({ fold: "activity", offset: 3, applied: 3, rebuilt: true });
    expect(view.view.rows).toEqual([
      { label: "transactions", value: 3 },
      { label: "largest withdrawal", value: 50 },
    ]);
    await expect(run([{ type: "fold", fold: "sql" }])).rejects.toThrow(/fold must be one of/);
  });
});
