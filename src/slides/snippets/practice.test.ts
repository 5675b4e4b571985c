import { ActorSystem, ask, InMemoryJournal, VirtualScheduler } from "@runtime";
import { describe, expect, it } from "vitest";
import {
  eventSourcedPool,
  guardian,
  type Msg,
  type PoolCommand,
  pool,
  type Reply,
} from "./practice";

const reserve =
  (seats: number) =>
  (replyTo: Msg["replyTo"]): Msg => ({ type: "reserve", seats, replyTo });

describe("Akka in practice deck snippets", () => {
  it("pool-actor: the slide's table — 16 of 20 reserved, 3 more accepted, then 3 rejected with 1 left", async () => {
    const system = ActorSystem.create(pool(20), "pool");
    const opts = { timeout: 1_000 };
    expect(await ask<Msg, Reply>(system.ref, reserve(16), opts)).toEqual({ ok: true, left: 4 });
    expect(await ask<Msg, Reply>(system.ref, reserve(3), opts)).toEqual({ ok: true, left: 1 });
    expect(await ask<Msg, Reply>(system.ref, reserve(3), opts)).toEqual({ ok: false, left: 1 });
    await system.terminate();
  });

  it("supervision: after a failure the pool restarts after its backoff with fresh state — in-memory reservations are forgotten", async () => {
    const clock = new VirtualScheduler();
    const system = ActorSystem.create(guardian, "practice", { scheduler: clock });
    const opts = { timeout: 60_000 };
    const first = ask<Msg, Reply>(system.ref, reserve(5), opts);
    await clock.advanceBy(10);
    expect(await first).toEqual({ ok: true, left: 15 });
    ask<Msg, Reply>(system.ref, reserve(0), opts).catch(() => undefined); // the pool throws on it
    const afterCrash = ask<Msg, Reply>(system.ref, reserve(5), opts);
    await clock.advanceBy(500); // inside the minimum backoff: nothing answers yet
    let answered = false;
    void afterCrash.then(() => {
      answered = true;
    });
    await clock.advanceBy(0);
    expect(answered).toBe(false);
    await clock.advanceBy(2_000);
    expect(await afterCrash).toEqual({ ok: true, left: 15 }); // not 10: the state was rebuilt from scratch
    await system.terminate();
  });

  it("event-sourced-pool: a rejected order writes nothing, and a new incarnation recovers the reservations", async () => {
    const journal = new InMemoryJournal();
    const order =
      (orderId: string, seats: number) =>
      (replyTo: PoolCommand["replyTo"]): PoolCommand => ({
        type: "reserve",
        orderId,
        seats,
        replyTo,
      });
    const opts = { timeout: 1_000 };
    const first = ActorSystem.create(eventSourcedPool("evening", 20).withJournal(journal), "first");
    expect(await ask(first.ref, order("o1", 19), opts)).toEqual({ ok: true, left: 1 });
    expect(await ask(first.ref, order("o2", 3), opts)).toEqual({ ok: false, reason: "full" });
    expect(await journal.highestSequenceNr("pool-evening")).toBe(1);
    await first.terminate();
    const second = ActorSystem.create(
      eventSourcedPool("evening", 20).withJournal(journal),
      "second",
    );
    expect(await ask(second.ref, order("o3", 1), opts)).toEqual({ ok: true, left: 0 });
    await second.terminate();
  });
});
