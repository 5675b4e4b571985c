import { describe, expect, it } from "vitest";
import { DemoLogs, type LogChange, MAX_LOG_LENGTH, windowLogs } from "./logs";

const relayed: Array<[string, unknown]> = [];
const logs = () => {
  relayed.length = 0;
  return new DemoLogs({ send: (id, command) => relayed.push([id, command]) });
};

describe("demo logs", () => {
  it("a local command is recorded, heard by the demo and relayed; a remote one is not relayed", () => {
    const l = logs();
    const heard: LogChange[] = [];
    l.subscribe("bank", (change) => heard.push(change));
    l.send("bank", { type: "deposit", amount: 5 });
    l.receive("bank", { type: "withdraw", amount: 2 });
    l.receive("other", { type: "x" });
    expect(l.log("bank")).toEqual([
      { type: "deposit", amount: 5 },
      { type: "withdraw", amount: 2 },
    ]);
    expect(relayed).toEqual([["bank", { type: "deposit", amount: 5 }]]);
    expect(heard.map((c) => c.kind)).toEqual(["append", "append"]);
  });

  it("adopts a peer's log only when it is longer, so two windows settle on one log", () => {
    const a = logs();
    a.send("d", 1);
    a.send("d", 2);
    const heard: LogChange[] = [];
    a.subscribe("d", (change) => heard.push(change));
    expect(a.adopt("d", [9])).toBe(false);
    expect(a.adopt("d", [1, 2])).toBe(false);
    expect(a.adopt("d", [1, 2, 3])).toBe(true);
    expect(a.log("d")).toEqual([1, 2, 3]);
    expect(heard).toEqual([{ kind: "replace", log: [1, 2, 3] }]);
    expect(a.entries()).toEqual([["d", [1, 2, 3]]]);
  });

  it("refuses an oversized log and stops growing at the cap", () => {
    const a = logs();
    expect(a.adopt("d", new Array(MAX_LOG_LENGTH + 1).fill(0))).toBe(false);
    a.adopt("d", new Array(MAX_LOG_LENGTH).fill(0));
    a.send("d", 1);
    expect(a.log("d")).toHaveLength(MAX_LOG_LENGTH);
    expect(relayed).toEqual([]);
  });

  it("windowLogs listens to the deck channel's events and relays through deck:demo-send", () => {
    const target = new EventTarget();
    const sent: unknown[] = [];
    target.addEventListener("deck:demo-send", (e) => sent.push((e as CustomEvent).detail));
    const w = windowLogs(target);
    target.dispatchEvent(new CustomEvent("deck:demo", { detail: { id: "m", command: "a" } }));
    target.dispatchEvent(
      new CustomEvent("deck:demo-log", { detail: { id: "m", log: ["a", "b"] } }),
    );
    target.dispatchEvent(new CustomEvent("deck:demo", { detail: { id: 7, command: "bad id" } }));
    w.send("m", "c");
    expect(w.log("m")).toEqual(["a", "b", "c"]);
    expect(sent).toEqual([{ id: "m", command: "c" }]);
  });
});
