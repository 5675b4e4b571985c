import { ActorSystem, ask, InMemoryJournal, VirtualScheduler } from "@runtime";
import { describe, expect, it } from "vitest";
import { type Command, type Reply, startSession, ticket } from "./persistence";

describe("persistence deck snippets", () => {
  it("session: one line in, the count is 1", async () => {
    const system = startSession();
    expect(
      await ask(system.ref, (replyTo) => ({ type: "count" as const, replyTo }), { timeout: 1_000 }),
    ).toBe(1);
    await system.terminate();
  });

  it("ticket: time and code are decided once; a rebuild at a later hour gets the same holds", async () => {
    const journal = new InMemoryJournal();
    const hold =
      (seat: string) =>
      (replyTo: Command["replyTo"]): Command => ({ type: "hold", seat, replyTo });
    const clock = new VirtualScheduler(9 * 3_600_000);
    const first = ActorSystem.create(ticket("t1").withJournal(journal), "first", {
      scheduler: clock,
    });
    const a = ask<Command, Reply>(first.ref, hold("A1"), { timeout: 1_000 });
    await clock.runUntilIdle();
    expect(await a).toEqual({ ok: true, holds: 1 });
    await clock.advanceBy(90 * 60_000);
    const b = ask<Command, Reply>(first.ref, hold("A2"), { timeout: 1_000 });
    await clock.runUntilIdle();
    await b;
    const stored = (await journal.read("ticket-t1", 1, 2)).map((r) => r.event);
    await first.terminate();

    const noon = new VirtualScheduler(12 * 3_600_000);
    let recovered: unknown;
    const second = ActorSystem.create(
      ticket("t1")
        .withJournal(journal)
        .receiveSignal((_s, signal) => {
          if (signal.type === "RecoveryCompleted") recovered = signal.state;
        }),
      "second",
      { scheduler: noon },
    );
    await noon.runUntilIdle();
    expect(recovered).toEqual({ holds: stored });
    expect(stored.map((e) => (e as { at: number }).at)).toEqual([9 * 3_600_000, 10.5 * 3_600_000]);
    await second.terminate();
  });
});
