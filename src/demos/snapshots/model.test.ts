import { describe, expect, it } from "vitest";
import { fullReplayBalance, HISTORIES, INTERVALS, SnapshotSliderModel } from "./model";

/** A stopwatch that advances 1 ms per reading: deterministic, and the model's ms become 1. */
const fakeStopwatch = () => {
  let t = 0;
  return () => t++;
};

describe("snapshot slider model", () => {
  it("replays only the events after the latest snapshot, and lands on the full replay's state", async () => {
    const model = new SnapshotSliderModel(fakeStopwatch());
    const events = 2_345;
    const expected: Record<string, [number, number]> = {
      // every: [snapshot at, events replayed]
      none: [0, 2_345],
      "20000": [0, 2_345],
      "5000": [0, 2_345],
      "1000": [2_000, 345],
      "250": [2_250, 95],
      "50": [2_300, 45],
    };
    for (const every of INTERVALS) {
      const view = await model.apply({ type: "interval", every });
      const point = view.last;
      expect([point?.snapshotAt, point?.replayed]).toEqual(expected[String(every ?? "none")]);
      expect(point?.balance).toBe(fullReplayBalance(events));
      expect(point?.ms).toBe(1);
    }
    expect(model.view().points.map((p) => p.every)).toEqual([...INTERVALS]);
  });

  it("a longer history keeps the tail short with snapshots and long without", async () => {
    const model = new SnapshotSliderModel(fakeStopwatch());
    await model.apply({ type: "history", events: 23_456 });
    expect(model.view().points).toHaveLength(1);
    const none = await model.apply({ type: "interval", every: null });
    expect(none.last?.replayed).toBe(23_456);
    const often = await model.apply({ type: "interval", every: 50 });
    expect(often.last).toMatchObject({ snapshotAt: 23_450, replayed: 6 });
    expect(often.last?.balance).toBe(fullReplayBalance(23_456));
  });

  it("refuses values that are not on the slider", async () => {
    const model = new SnapshotSliderModel(fakeStopwatch());
    await expect(model.apply({ type: "interval", every: 7 })).rejects.toThrow(
      /every must be one of/,
    );
    await expect(model.apply({ type: "history", events: 10 })).rejects.toThrow(
      new RegExp(`events must be one of ${HISTORIES.join(", ")}`),
    );
  });
});
