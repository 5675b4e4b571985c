import { ActorSystem, ask, InMemoryJournal, InMemorySnapshotStore } from "@runtime";
import { describe, expect, it } from "vitest";
import { account, type Command, type Reply } from "./basics";

type Send = (replyTo: Command["replyTo"]) => Command;
const deposit =
  (amount: number): Send =>
  (replyTo) => ({ type: "deposit", amount, replyTo });
const withdraw =
  (amount: number): Send =>
  (replyTo) => ({ type: "withdraw", amount, replyTo });

describe("basics deck snippets", () => {
  it("account: the deck's table — 100, 70, then two rejections that store nothing", async () => {
    const journal = new InMemoryJournal();
    const system = ActorSystem.create(account("a1").withJournal(journal), "bank");
    const send = (make: Send) => ask<Command, Reply>(system.ref, make, { timeout: 1_000 });
    expect(await send(deposit(100))).toEqual({ ok: true, balance: 100 });
    expect(await send(withdraw(30))).toEqual({ ok: true, balance: 70 });
    expect(await send(withdraw(100))).toEqual({ ok: false, error: "would fall below 0" });
    expect(await send(deposit(2_000))).toEqual({ ok: false, error: "over the 1000 limit" });
    expect((await journal.read("account-a1", 1, 10)).map((r) => r.event)).toEqual([
      { type: "deposited", amount: 100 },
      { type: "withdrew", amount: 30 },
    ]);
    await system.terminate();
  });

  it("account: with snapshots every 100 events, a restart lands on the same balance", async () => {
    const journal = new InMemoryJournal();
    const snapshots = new InMemorySnapshotStore();
    const first = ActorSystem.create(
      account("a2").withJournal(journal).withSnapshotStore(snapshots),
      "first",
    );
    for (let i = 0; i < 250; i++)
      await ask<Command, Reply>(first.ref, i % 2 ? withdraw(3) : deposit(7), { timeout: 1_000 });
    await first.terminate();
    const second = ActorSystem.create(
      account("a2").withJournal(journal).withSnapshotStore(snapshots),
      "second",
    );
    const balance = await ask<Command, Reply>(
      second.ref,
      (replyTo) => ({ type: "balance", replyTo }),
      {
        timeout: 1_000,
      },
    );
    expect(balance).toEqual({ ok: true, balance: 125 * 4 });
    await second.terminate();
  });
});
