import { type Account, type Command, emptyAccount, eventHandler } from "@lab/account";
import { AccountEntity, newStores } from "@lab/entity";
import { recover, shouldSnapshot } from "@lab/recovery";
import { describe, expect, it } from "vitest";

/** A small seeded generator (mulberry32): the same seed always gives the same history. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Random commands, biased towards the edges where bugs hide: 0, the limit, just past it. */
function commands(seed: number, count: number): Command[] {
  const next = random(seed);
  const edges = [0, 1, 999, 1_000, 1_001, -1, 0.5];
  const result: Command[] = [];
  for (let i = 0; i < count; i++) {
    const amount =
      next() < 0.2 ? (edges[Math.floor(next() * edges.length)] ?? 1) : 1 + Math.floor(next() * 400);
    result.push({ type: next() < 0.5 ? "deposit" : "withdraw", amount });
  }
  return result;
}

/** Full replay: every event in the journal, from the empty account. */
function replayAll(stores: ReturnType<typeof newStores>, id: string): Account {
  return stores.journal.read(id).reduce((s: Account, e) => eventHandler(s, e.event), emptyAccount);
}

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

describe("3. Snapshots", () => {
  it("a snapshot is saved after every n-th event", () => {
    const stores = newStores(3);
    const entity = AccountEntity.start("acc-1", stores);
    for (let i = 0; i < 7; i++) entity.handle({ type: "deposit", amount: 10 });
    expect(stores.snapshots.saved.get("acc-1")).toEqual([3, 6]);
    expect(stores.snapshots.latest("acc-1")).toEqual({ sequenceNr: 6, state: { balance: 60 } });
  });

  it("recovery starts from the snapshot's state and applies only the later events", () => {
    const state = recover({ sequenceNr: 4, state: { balance: 250 } }, [
      { sequenceNr: 5, event: { type: "deposited", amount: 50 } },
      { sequenceNr: 6, event: { type: "withdrew", amount: 20 } },
    ]);
    expect(state).toEqual({ balance: 280 });
  });

  it("without a snapshot, recovery replays everything from the empty account", () => {
    const state = recover(undefined, [
      { sequenceNr: 1, event: { type: "deposited", amount: 70 } },
      { sequenceNr: 2, event: { type: "withdrew", amount: 20 } },
    ]);
    expect(state).toEqual({ balance: 50 });
  });

  it("snapshot + later events equals full replay, for every interval from 1 to 12", () => {
    for (const seed of SEEDS.slice(0, 40)) {
      for (let every = 1; every <= 12; every++) {
        const stores = newStores(every);
        const live = AccountEntity.start("acc", stores);
        for (const command of commands(seed, 40)) live.handle(command);
        const restarted = AccountEntity.start("acc", stores);
        expect(restarted.state, `seed ${seed}, snapshot every ${every}`).toEqual(
          replayAll(stores, "acc"),
        );
        expect(restarted.state, `seed ${seed}, snapshot every ${every}`).toEqual(live.state);
      }
    }
  });

  it("the snapshot policy fires exactly on multiples of n", () => {
    const fired = [];
    for (let seq = 1; seq <= 20; seq++) if (shouldSnapshot(seq, 5)) fired.push(seq);
    expect(fired).toEqual([5, 10, 15, 20]);
  });
});

describe("4. Properties over random histories", () => {
  it("the balance never leaves 0..1,000, over 200 random histories", () => {
    let violation: object | undefined;
    for (const seed of SEEDS) {
      const entity = AccountEntity.start("acc", newStores());
      commands(seed, 60).forEach((command, i) => {
        entity.handle(command);
        const { balance } = entity.state;
        if (!violation && !(balance >= 0 && balance <= 1_000)) {
          violation = { seed, step: i + 1, command, balance };
        }
      });
    }
    expect(violation).toBeUndefined();
  });

  it("money is conserved: accepted deposits − accepted withdrawals = balance", () => {
    let violation: object | undefined;
    for (const seed of SEEDS) {
      const entity = AccountEntity.start("acc", newStores());
      let expected = 0;
      commands(seed, 60).forEach((command, i) => {
        const reply = entity.handle(command);
        if (reply.accepted)
          expected += command.type === "deposit" ? command.amount : -command.amount;
        if (!violation && entity.state.balance !== expected) {
          violation = { seed, step: i + 1, command, balance: entity.state.balance, expected };
        }
      });
    }
    expect(violation).toBeUndefined();
  });

  it("an accepted command writes exactly one event, of the same amount", () => {
    let violation: object | undefined;
    for (const seed of SEEDS) {
      const entity = AccountEntity.start("acc", newStores());
      commands(seed, 60).forEach((command, i) => {
        const reply = entity.handle(command);
        if (!reply.accepted || violation) return;
        const [event, ...extra] = reply.events;
        const kind = command.type === "deposit" ? "deposited" : "withdrew";
        if (extra.length > 0 || event?.type !== kind || event.amount !== command.amount) {
          violation = { seed, step: i + 1, command, events: reply.events };
        }
      });
    }
    expect(violation).toBeUndefined();
  });
});
