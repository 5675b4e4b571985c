import { describe, expect, it } from "vitest";
import { ACTOR_COUNTS, EVENT_COUNTS, REFERENCE_RATE, ReplayBenchmarkModel } from "./model";

/** A stopwatch that advances 1 ms per reading: deterministic, so a run takes exactly 1 ms. */
const fakeStopwatch = () => {
  let t = 0;
  return () => t++;
};

describe("replay benchmark model", () => {
  it("the talk's reference rate is five million over ninety seconds", () => {
    expect(Math.round(REFERENCE_RATE)).toBe(55_556);
  });

  it("recovers every stored event of every actor through the runtime", async () => {
    const model = new ReplayBenchmarkModel(fakeStopwatch());
    await model.apply({ type: "events", events: 10_000 });
    await model.apply({ type: "actors", actors: 100 });
    const view = await model.apply({ type: "run" });
    expect(view.last).toEqual({
      run: 1,
      actors: 100,
      events: 10_000,
      perActor: 100,
      ms: 1,
      rate: 10_000_000,
      recoveredTotal: 10_000,
    });
  });

  it("splits the events over the actors, dropping the remainder, and keeps the last runs", async () => {
    const model = new ReplayBenchmarkModel(fakeStopwatch());
    await model.apply({ type: "events", events: 10_000 });
    await model.apply({ type: "actors", actors: 1 });
    const one = await model.apply({ type: "run" });
    expect(one.last).toMatchObject({ actors: 1, perActor: 10_000, recoveredTotal: 10_000 });
    await model.apply({ type: "actors", actors: 1_000 });
    for (let i = 0; i < 8; i++) await model.apply({ type: "run" });
    const view = model.view();
    expect(view.runs).toHaveLength(8);
    expect(view.runs.map((r) => r.run)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(view.last).toMatchObject({ actors: 1_000, perActor: 10, recoveredTotal: 10_000 });
    const reset = await model.apply({ type: "reset" });
    expect(reset).toEqual({ actors: 1_000, events: 100_000, runs: [], last: null });
  });

  it("refuses counts that are not on the controls", async () => {
    const model = new ReplayBenchmarkModel(fakeStopwatch());
    await expect(model.apply({ type: "events", events: 7 })).rejects.toThrow(
      new RegExp(`events must be one of ${EVENT_COUNTS.join(", ")}`),
    );
    await expect(model.apply({ type: "actors", actors: 2 })).rejects.toThrow(
      new RegExp(`actors must be one of ${ACTOR_COUNTS.join(", ")}`),
    );
    await expect(model.apply({ type: "bench" })).rejects.toThrow(/type must be one of/);
  });

  it("two runs of one log agree on everything but the measured time", async () => {
    const log = [
      { type: "events", events: 10_000 },
      { type: "run" },
      { type: "actors", actors: 100 },
      { type: "run" },
    ];
    const views = [];
    for (const clock of [fakeStopwatch(), () => 0]) {
      const model = new ReplayBenchmarkModel(clock);
      for (const command of log) await model.apply(command);
      views.push(model.view().runs.map(({ ms: _ms, rate: _rate, ...rest }) => rest));
    }
    expect(views[1]).toEqual(views[0]);
  });
});
