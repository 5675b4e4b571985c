import { describe, expect, it } from "vitest";
import { CAPACITY, type PersistView, PersistVsAsyncModel, SEATS_PER_ORDER } from "./model";

async function run(commands: unknown[]): Promise<PersistView> {
  const model = new PersistVsAsyncModel();
  let view = await model.view();
  for (const command of commands) view = await model.apply(command);
  return view;
}

const ORDER = { type: "order" };
const BURST = { type: "burst" };

describe("persist versus persistAsync model (EventsourcedSpec / PersistentActorSpec semantics)", () => {
  it("orders one at a time: both forms agree, because each callback ran before the next order", async () => {
    const view = await run([ORDER, ORDER, ORDER]);
    for (const side of [view.safe, view.risky]) {
      expect(side.answers.map((a) => a.accepted)).toEqual([true, true, false]);
      expect(side.reserved).toBe(2 * SEATS_PER_ORDER);
      expect(side.overbooked).toBe(false);
    }
  });

  it("three orders at once: persist stashes and rejects the third; persistAsync checks all three against stale state and overbooks", async () => {
    const view = await run([BURST]);
    expect(view.safe.answers).toEqual([
      { order: 1, accepted: true, checkedAgainst: 0 },
      { order: 2, accepted: true, checkedAgainst: SEATS_PER_ORDER },
      { order: 3, accepted: false, checkedAgainst: 2 * SEATS_PER_ORDER },
    ]);
    expect(view.safe.reserved).toBe(8);
    expect(view.risky.answers).toEqual([
      { order: 1, accepted: true, checkedAgainst: 0 },
      { order: 2, accepted: true, checkedAgainst: 0 },
      { order: 3, accepted: true, checkedAgainst: 0 },
    ]);
    expect(view.risky.reserved).toBe(3 * SEATS_PER_ORDER);
    expect(view.risky.reserved).toBeGreaterThan(CAPACITY);
    expect(view.risky.overbooked).toBe(true);
    expect(view.said).toMatch(/persist accepted 2, persistAsync accepted 3\..*overbooked/);
  });

  it("persistAsync's replies still wait for the write: every yes it gave is in its journal", async () => {
    const view = await run([BURST, ORDER]);
    const yes = view.risky.answers.filter((a) => a.accepted).map((a) => a.order);
    expect(view.risky.journal.map((e) => e.order)).toEqual(yes);
  });

  it("two runs of one log give equal views; reset empties both sides; bad commands are refused", async () => {
    expect(await run([BURST, ORDER])).toEqual(await run([BURST, ORDER]));
    const view = await run([BURST, { type: "reset" }]);
    expect(view.safe.journal).toEqual([]);
    expect(view.risky.answers).toEqual([]);
    await expect(run([{ type: "fail-next" }])).rejects.toThrow(/persist-vs-async/);
  });
});
