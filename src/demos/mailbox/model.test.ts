import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MailboxModel, type MailboxView } from "./model";

async function run(commands: unknown[]): Promise<MailboxView> {
  const model = new MailboxModel();
  for (const command of commands) await model.apply(command);
  return model.view();
}

const job = { type: "send", kind: "job" };
const crash = { type: "send", kind: "crash" };
const step = { type: "step" };

describe("mailbox model", () => {
  it("messages wait in the mailbox and the worker takes one per step, in order", async () => {
    const model = new MailboxModel();
    await model.apply({ type: "send", kind: "job", count: 3 });
    expect(model.view().mailbox.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(model.view().worker.handled).toBe(0);
    await model.apply(step);
    expect(model.view().mailbox.map((m) => m.id)).toEqual([2, 3]);
    expect(model.view().worker).toMatchObject({ handled: 1, total: 1 });
    await model.apply({ type: "drain" });
    expect(model.view().mailbox).toEqual([]);
    expect(model.view().worker).toMatchObject({ handled: 3, total: 6, alive: true });
    expect(model.view().trace).toEqual([
      "#1 job +1: total 1",
      "#2 job +2: total 3",
      "#3 job +3: total 6",
    ]);
  });

  it("restart: the worker comes back empty and keeps the mail that was queued", async () => {
    const view = await run([
      { type: "strategy", strategy: "restart" },
      job,
      job,
      crash,
      job,
      step,
      step,
      step,
    ]);
    expect(view.worker).toEqual({ alive: true, incarnation: 2, handled: 0, total: 0 });
    expect(view.mailbox.map((m) => m.id)).toEqual([4]);
    expect(view.trace).toContain("worker restarted (incarnation 2): total back to 0");
    const after = await run([
      { type: "strategy", strategy: "restart" },
      job,
      job,
      crash,
      job,
      { type: "drain" },
    ]);
    expect(after.worker.total).toBe(4);
  });

  it("resume: the crashing message is dropped and the state is kept", async () => {
    const view = await run([
      { type: "strategy", strategy: "resume" },
      job,
      job,
      crash,
      job,
      { type: "drain" },
    ]);
    expect(view.worker).toEqual({ alive: true, incarnation: 1, handled: 3, total: 7 });
  });

  it("stop: the worker is gone and its mail, queued or new, goes to dead letters", async () => {
    const view = await run([
      { type: "strategy", strategy: "stop" },
      job,
      crash,
      job,
      job,
      step,
      step,
      job,
    ]);
    expect(view.worker.alive).toBe(false);
    expect(view.mailbox).toEqual([]);
    expect(view.deadLetters).toEqual([3, 4, 5]);
    expect(view.trace).toContain("parent: its worker has stopped (ChildFailed)");
  });

  it("rejects an unknown strategy", async () => {
    await expect(run([{ type: "strategy", strategy: "escalate" }])).rejects.toThrow(
      /strategy must be one of restart, resume, stop/,
    );
  });

  it("the view is a pure function of the log; mail is never lost or duplicated", async () => {
    const command = fc.oneof(
      fc.constant(job),
      fc.constant(crash),
      fc.constant({ type: "send", kind: "job", count: 3 }),
      fc.constant(step),
      fc.constant({ type: "drain" }),
      fc.constantFrom("restart", "resume", "stop").map((strategy) => ({
        type: "strategy",
        strategy,
      })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (log) => {
        const a = await run(log);
        expect(await run(log)).toEqual(a);
        // Every id sent since the last start is queued, taken, or a dead letter — exactly once.
        const queued = a.mailbox.map((m) => m.id);
        expect(new Set([...queued, ...a.deadLetters]).size).toBe(
          queued.length + a.deadLetters.length,
        );
        expect(queued).toEqual([...queued].sort((x, y) => x - y));
      }),
      { numRuns: 60 },
    );
  });
});
