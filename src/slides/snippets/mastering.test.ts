import { ActorSystem, ask, InMemoryJournal, VirtualScheduler } from "@runtime";
import { describe, expect, it } from "vitest";
import {
  type AccountEvent,
  account,
  audited,
  bigAccounts,
  type ChangeCommand,
  type Command,
  fold,
} from "./mastering";

describe("mastering deck snippets", () => {
  it("fold: deposited 100, withdrew 50, in 40, withdrew 20 → 70, as on the slide's table", () => {
    const changes = [100, -50, 40, -20].map((amount) => ({ type: "changed" as const, amount }));
    expect(fold(changes, { balance: 0 })).toEqual({ balance: 70 });
  });

  it("account: a withdrawal below 0 is rejected and stores nothing; the rest are stored and folded", async () => {
    const journal = new InMemoryJournal();
    const system = ActorSystem.create(account("a").withJournal(journal), "account");
    const send = (type: Command["type"], amount: number) =>
      ask(system.ref, (replyTo) => ({ type, amount, replyTo }), { timeout: 1_000 });
    expect(await send("deposit", 100)).toEqual({ ok: true, balance: 100 });
    expect(await send("withdraw", 130)).toEqual({ ok: false, reason: "too low" });
    expect(await send("withdraw", 30)).toEqual({ ok: true, balance: 70 });
    expect(await journal.highestSequenceNr("account-a")).toBe(2);
    await system.terminate();
  });

  it("big-accounts: replaying the events rebuilds the view from scratch", () => {
    const events: AccountEvent[] = [
      { accountId: "a", balanceAfter: 950 },
      { accountId: "b", balanceAfter: 901 },
      { accountId: "a", balanceAfter: 100 },
    ];
    expect([...events.reduce(bigAccounts, new Set<string>())]).toEqual(["b"]);
  });

  it("rule-fix: the recovered state equals the live one, even recovered hours later", async () => {
    const journal = new InMemoryJournal();
    const clock = new VirtualScheduler(1_000);
    const live = ActorSystem.create(audited("x").withJournal(journal), "live", {
      scheduler: clock,
    });
    const change = (amount: number) =>
      ask(live.ref, (replyTo): ChangeCommand => ({ type: "change", amount, replyTo }), {
        timeout: 1_000,
      });
    const first = change(100);
    await clock.runUntilIdle();
    await first;
    await clock.advanceBy(60_000);
    const second = change(-30);
    await clock.runUntilIdle();
    const before = await second;
    await live.terminate();
    const later = new VirtualScheduler(9_000_000);
    let recovered: unknown;
    const again = ActorSystem.create(
      audited("x")
        .withJournal(journal)
        .receiveSignal((_s, signal) => {
          if (signal.type === "RecoveryCompleted") recovered = signal.state;
        }),
      "again",
      { scheduler: later },
    );
    await later.runUntilIdle();
    expect(recovered).toEqual(before);
    expect(before).toMatchObject({ balance: 70, updatedAt: 61_000 });
    await again.terminate();
  });
});
