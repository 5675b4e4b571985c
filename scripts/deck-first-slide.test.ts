import { describe, expect, it } from "vitest";
import { mainThreadCpuMs } from "./deck-first-slide";

// A renderer (pid 2) whose main thread (tid 1) parsed the page, a worker thread (tid 7), and
// the browser process (pid 1). Times in µs from the trace clock's origin.
const task = (pid: number, tid: number, ts: number, tdur: number) => ({
  name: "RunTask",
  ph: "X",
  pid,
  tid,
  ts,
  tdur,
  dur: tdur * 3,
});
const events = [
  { name: "navigationStart", ph: "R", pid: 2, tid: 1, ts: 1_000_000 },
  { name: "ParseHTML", ph: "X", pid: 2, tid: 1, ts: 1_020_000, tdur: 4_000 },
  task(2, 1, 1_010_000, 6_000),
  task(2, 1, 1_020_000, 5_000),
  task(2, 1, 1_090_000, 9_000),
  task(2, 1, 1_200_000, 50_000), // after the slide was shown
  task(2, 7, 1_030_000, 20_000), // a worker thread
  task(1, 1, 1_030_000, 20_000), // the browser process
  task(2, 1, 900_000, 30_000), // before navigation
];

describe("main-thread CPU until the first slide", () => {
  it("sums the thread time of the page's main-thread tasks between navigation and the slide", () => {
    expect(mainThreadCpuMs(events, 150)).toBe(20);
    expect(mainThreadCpuMs(events, 50)).toBe(11);
  });

  it("refuses a trace with no page load in it", () => {
    expect(() => mainThreadCpuMs(events.slice(2), 150)).toThrow(/ParseHTML/);
  });
});
