import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PersistView, PersistVsAsyncModel } from "./model";

async function run(commands: unknown[]): Promise<PersistView> {
  const model = new PersistVsAsyncModel();
  let view = await model.view();
  for (const command of commands) view = await model.apply(command);
  return view;
}

const ORDER = { type: "order" };
const FAIL = { type: "fail-next" };
const RESTART = { type: "restart" };

describe("persist versus persistAsync model", () => {
  it("without failures both sides store, remember and confirm every order", async () => {
    const view = await run([ORDER, ORDER]);
    for (const side of [view.safe, view.risky]) {
      expect(side.journal).toEqual([1, 2]);
      expect(side.memory).toEqual([1, 2]);
      expect(side.confirmations).toEqual([
        { order: 1, answer: "accepted" },
        { order: 2, answer: "accepted" },
      ]);
      expect(side.lost).toEqual([]);
    }
    expect(view.said).toMatch(/Order #2: both sides stored it/);
  });

  it("a failed write: the safe side never says yes, the risky side confirms an order the journal lacks", async () => {
    const view = await run([ORDER, FAIL, ORDER]);
    expect(view.armed).toBe(false);
    expect(view.safe.confirmations.at(-1)).toEqual({ order: 2, answer: "no answer" });
    expect(view.risky.confirmations.at(-1)).toEqual({ order: 2, answer: "accepted" });
    // Both journals miss #2; both actors stopped on the failure.
    expect(view.safe.journal).toEqual([1]);
    expect(view.risky.journal).toEqual([1]);
    expect([view.safe.alive, view.risky.alive]).toEqual([false, false]);
    expect(view.safe.memory).toBeNull();
    expect(view.safe.lost).toEqual([]);
    expect(view.risky.lost).toEqual([2]);
    expect(view.said).toMatch(/Confirmed but not in the journal: #2\./);
  });

  it("after a restart the risky side's memory no longer holds the confirmed order", async () => {
    const view = await run([ORDER, FAIL, ORDER, RESTART]);
    expect(view.safe.memory).toEqual([1]);
    expect(view.risky.memory).toEqual([1]);
    expect(view.risky.incarnation).toBe(2);
    expect(view.risky.lost).toEqual([2]);
    expect(view.said).toMatch(
      /recovered from their journals\. Confirmed but not in the journal: #2/,
    );
  });

  it("an order to a stopped side starts it again; numbering goes on after recovery", async () => {
    const view = await run([ORDER, FAIL, ORDER, ORDER]);
    expect(view.said).toMatch(/stopped safe and risky sides started again/);
    for (const side of [view.safe, view.risky]) {
      expect(side.alive).toBe(true);
      expect(side.incarnation).toBe(2);
      expect(side.journal).toEqual([1, 3]);
      expect(side.memory).toEqual([1, 3]);
    }
  });

  it("an armed failure waits for the next write, and reset clears everything", async () => {
    const armed = await run([FAIL, RESTART]);
    expect(armed.armed).toBe(true);
    const after = await run([FAIL, ORDER, { type: "reset" }, ORDER]);
    expect(after.placed).toBe(1);
    expect(after.risky.lost).toEqual([]);
    expect(after.safe.journal).toEqual([1]);
  });

  it("refuses a malformed command", async () => {
    const model = new PersistVsAsyncModel();
    await expect(model.apply({ type: "persistAsync" })).rejects.toThrow(/type must be one of/);
    await expect(model.apply("order")).rejects.toThrow(/expected an object/);
  });

  it("the view is a pure function of the log; the safe side never loses a confirmed order", async () => {
    const command = fc.constantFrom(ORDER, ORDER, FAIL, RESTART);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 10 }), async (log) => {
        const a = await run(log);
        const b = await run(log);
        expect(b).toEqual(a);
        expect(a.safe.lost).toEqual([]);
        // Every confirmation the safe caller holds is in its journal, in order.
        const confirmed = a.safe.confirmations.filter((c) => c.answer === "accepted");
        expect(confirmed.map((c) => c.order)).toEqual(a.safe.journal);
        // The risky side loses exactly the orders placed while a failure was armed.
        let armed = false;
        let placed = 0;
        const expected: number[] = [];
        for (const c of log) {
          if (c === FAIL) armed = true;
          if (c !== ORDER) continue;
          placed++;
          if (armed) expected.push(placed);
          armed = false;
        }
        expect(a.risky.lost).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
