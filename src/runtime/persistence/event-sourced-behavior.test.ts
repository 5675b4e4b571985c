import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recipientOf } from "../actor/ref";
import {
  type ActorRef,
  Effect,
  EventSourcedBehavior,
  EventSourcedBehaviorTestKit,
  type EventSourcedSignal,
  ReplaySideEffectError,
  SupervisorStrategy,
} from "../index";

type Reply = { ok: true; balance: number } | { ok: false; error: string };
type Cmd =
  | { type: "deposit"; amount: number; replyTo?: ActorRef<Reply> }
  | { type: "withdraw"; amount: number; replyTo?: ActorRef<Reply> }
  | { type: "transfer-in"; amounts: number[]; replyTo?: ActorRef<Reply> }
  | { type: "close" };
type Evt = { type: "deposited"; amount: number } | { type: "withdrew"; amount: number };
type State = { balance: number };
const LIMIT = 1_000;

const noReply = { tell() {} } as unknown as ActorRef<Reply>;

function account(id = "1", signals: EventSourcedSignal<State>[] = []) {
  return EventSourcedBehavior.create<Cmd, Evt, State>({
    persistenceId: `account-${id}`,
    emptyState: { balance: 0 },
    commandHandler: (state, cmd) => {
      switch (cmd.type) {
        case "deposit":
          if (state.balance + cmd.amount > LIMIT) {
            return Effect.reply(cmd.replyTo ?? noReply, {
              ok: false,
              error: `balance limit of ${LIMIT} reached`,
            });
          }
          return Effect.persist({ type: "deposited", amount: cmd.amount }).thenReply(
            cmd.replyTo ?? noReply,
            (s) => ({
              ok: true,
              balance: s.balance,
            }),
          );
        case "withdraw":
          if (state.balance - cmd.amount < 0) {
            return Effect.reply(cmd.replyTo ?? noReply, {
              ok: false,
              error: "balance would fall below 0",
            });
          }
          return Effect.persist({ type: "withdrew", amount: cmd.amount }).thenReply(
            cmd.replyTo ?? noReply,
            (s) => ({
              ok: true,
              balance: s.balance,
            }),
          );
        case "transfer-in":
          return Effect.persist(
            cmd.amounts.map((amount) => ({ type: "deposited" as const, amount })),
          ).thenReply(cmd.replyTo ?? noReply, (s) => ({ ok: true, balance: s.balance }));
        case "close":
          return Effect.stop();
      }
    },
    eventHandler: (state, evt) =>
      evt.type === "deposited"
        ? { balance: state.balance + evt.amount }
        : { balance: state.balance - evt.amount },
  }).receiveSignal((_state, signal) => signals.push(signal));
}

// Every test runs twice: with the in-memory journal's immediate writes (applied in the command's
// own turn) and with writes acknowledged later, as by IndexedDB, where commands that arrive
// meanwhile wait in the stash. Both paths must keep the same guarantees.
describe.each([
  ["written at once", true],
  ["acknowledged later", false],
] as const)("events %s", (_mode, immediateWrites) => {
  const open = <C, E, S>(
    behavior: EventSourcedBehavior<C, E, S>,
    options: { seed?: number } = {},
  ) => EventSourcedBehaviorTestKit.create(behavior, { ...options, immediateWrites });

  describe("EventSourcedBehavior", () => {
    it("talk 5's four steps: events for valid commands, errors and no events for the rest", async () => {
      const kit = await open(account());
      const steps: Array<[Cmd["type"], number]> = [
        ["deposit", 100],
        ["withdraw", 30],
        ["withdraw", 100],
        ["deposit", 2_000],
      ];
      const results = [];
      for (const [type, amount] of steps) {
        results.push(await kit.runCommand<Reply>((replyTo) => ({ type, amount, replyTo }) as Cmd));
      }
      expect(results.map((r) => r.events)).toEqual([
        [{ type: "deposited", amount: 100 }],
        [{ type: "withdrew", amount: 30 }],
        [],
        [],
      ]);
      expect(results.map((r) => r.state.balance)).toEqual([100, 70, 70, 70]);
      expect(results[2]?.reply).toEqual({ ok: false, error: "balance would fall below 0" });
      expect(results[3]?.reply).toEqual({ ok: false, error: "balance limit of 1000 reached" });
    });

    it("persists several events atomically and numbers them without gaps", async () => {
      const kit = await open(account());
      const r = await kit.runCommand<Reply>((replyTo) => ({
        type: "transfer-in",
        amounts: [1, 2, 3],
        replyTo,
      }));
      expect(r.events).toHaveLength(3);
      expect(r.reply).toEqual({ ok: true, balance: 6 });
      const stored = await kit.journal.read("account-1", 1, 100);
      expect(stored.map((e) => e.sequenceNr)).toEqual([1, 2, 3]);
    });

    it("recovers the same state after a restart, and RecoveryCompleted fires once before commands", async () => {
      const signals: EventSourcedSignal<State>[] = [];
      const kit = await open(account("1", signals));
      for (const amount of [10, 20, 30]) await kit.runCommand({ type: "deposit", amount });
      expect(await kit.restart()).toEqual({ balance: 60 });
      const recoveries = signals.filter((s) => s.type === "RecoveryCompleted");
      expect(recoveries).toHaveLength(2); // one per incarnation
      expect(recoveries[1]).toMatchObject({ state: { balance: 60 }, sequenceNr: 3 });
      // Sequence numbers continue after recovery.
      await kit.runCommand({ type: "deposit", amount: 1 });
      expect(await kit.journal.highestSequenceNr("account-1")).toBe(4);
    });

    it("stashes commands that arrive during recovery and during a write, and handles them in order", async () => {
      const kit = await open(account());
      for (const amount of [1, 2, 3]) await kit.runCommand({ type: "deposit", amount });
      // Restart and, before recovery finishes, send more commands.
      const replies: Reply[] = [];
      const probe = { tell: (r: Reply) => replies.push(r) } as unknown as ActorRef<Reply>;
      (recipientOf(kit.actor) as unknown as { stopSelf(): void }).stopSelf();
      const next = kit.system.systemActorOf(account(), "second");
      for (const amount of [10, 20]) next.tell({ type: "deposit", amount, replyTo: probe });
      next.tell({ type: "withdraw", amount: 1_000, replyTo: probe });
      await kit.scheduler.runUntilIdle();
      expect(replies).toEqual([
        { ok: true, balance: 16 },
        { ok: true, balance: 36 },
        { ok: false, error: "balance would fall below 0" },
      ]);
    });

    it("commands sent all at once are handled one at a time, in order, each after the last one's events", async () => {
      const kit = await open(account());
      const replies: Reply[] = [];
      const probe = { tell: (r: Reply) => replies.push(r) } as unknown as ActorRef<Reply>;
      const amounts = Array.from({ length: 60 }, (_, i) => (i * 37) % 90);
      const expected: Reply[] = [];
      let balance = 0;
      for (const [i, amount] of amounts.entries()) {
        const type = i % 3 === 2 ? "withdraw" : "deposit";
        kit.actor.tell({ type, amount, replyTo: probe });
        const next = type === "deposit" ? balance + amount : balance - amount;
        if (next < 0) expected.push({ ok: false, error: "balance would fall below 0" });
        else if (next > LIMIT) expected.push({ ok: false, error: "balance limit of 1000 reached" });
        else {
          balance = next;
          expected.push({ ok: true, balance });
        }
      }
      await kit.scheduler.runUntilIdle();
      expect(replies).toEqual(expected);
      const stored = await kit.journal.read("account-1", 1, 1_000);
      expect(stored.map((e) => e.sequenceNr)).toEqual(stored.map((_, i) => i + 1));
      expect(await kit.restart()).toEqual({ balance });
    });

    it("a failed write stops the actor by default and nothing is applied", async () => {
      const kit = await open(account());
      await kit.runCommand({ type: "deposit", amount: 5 });
      kit.journal.failNextAppend();
      await kit.runCommand({ type: "deposit", amount: 7 }).catch(() => undefined);
      await expect(kit.getState()).rejects.toThrow(/stopped/);
      expect(await kit.restart()).toEqual({ balance: 5 });
    });

    it("with backoff, a failed write restarts the actor, which recovers and goes on", async () => {
      const behavior = account().onPersistFailure(
        SupervisorStrategy.restartWithBackoff({
          minBackoff: 200,
          maxBackoff: 1_000,
          randomFactor: 0,
        }),
      );
      const kit = await open(account());
      const ref = kit.system.systemActorOf(behavior, "backoff");
      const replies: Reply[] = [];
      const probe = { tell: (r: Reply) => replies.push(r) } as unknown as ActorRef<Reply>;
      await kit.scheduler.runUntilIdle();
      kit.journal.failNextAppend();
      ref.tell({ type: "deposit", amount: 5, replyTo: probe });
      ref.tell({ type: "deposit", amount: 6, replyTo: probe });
      await kit.scheduler.runUntilIdle();
      // The failed command got no reply; the stashed one ran after the restart.
      expect(replies).toEqual([{ ok: true, balance: 6 }]);
      expect(kit.scheduler.now()).toBeGreaterThanOrEqual(200);
    });

    it("a rejected write is reported and fails the actor, with nothing stored or replied", async () => {
      const signals: EventSourcedSignal<State>[] = [];
      const kit = await open(account("1", signals));
      kit.journal.rejectNextAppend("too big");
      const rejected = await kit.runCommand<Reply>((replyTo) => ({
        type: "deposit",
        amount: 5,
        replyTo,
      }));
      expect(rejected.events).toEqual([]);
      expect(rejected.reply).toBeUndefined();
      expect(rejected.stopped).toBe(true);
      expect(rejected.state).toEqual({ balance: 0 });
      expect(signals.some((s) => s.type === "PersistRejected")).toBe(true);
      expect(await kit.restart()).toEqual({ balance: 0 });
    });

    it("a failed read makes recovery fail and the actor stop", async () => {
      const signals: EventSourcedSignal<State>[] = [];
      const kit = await open(account("1", signals));
      await kit.runCommand({ type: "deposit", amount: 5 });
      kit.journal.failNextRead();
      await expect(kit.restart()).rejects.toThrow(/stopped/);
      expect(signals.map((s) => s.type).slice(-2)).toEqual(["RecoveryFailed", "PostStop"]);
    });

    it("snapshots every n events, keeps the newest ones, and recovers from snapshot + events", async () => {
      const kit = await open(account().withRetention({ snapshotEvery: 3, keep: 2 }));
      for (let i = 1; i <= 10; i++) await kit.runCommand({ type: "deposit", amount: i });
      expect(kit.snapshotStore.sequenceNrs("account-1")).toEqual([6, 9]);
      // Recovery must not need the events the snapshot covers.
      await kit.journal.deleteTo("account-1", 9);
      expect(await kit.restart()).toEqual({ balance: 55 });
    });

    it("stops on Effect.stop, and later commands become dead letters", async () => {
      const kit = await open(account());
      const r = await kit.runCommand({ type: "close" });
      expect(r.stopped).toBe(true);
      kit.actor.tell({ type: "deposit", amount: 1 });
      expect(kit.system.deadLetters.count).toBeGreaterThan(0);
    });
  });

  describe("replay rules (talk 2)", () => {
    type TCmd = { type: "stamp" };
    type TEvt = { type: "stamped"; at: number; draw: number };
    type TState = { times: number[]; draws: number[] };
    const stamper = (leak?: ActorRef<string>) =>
      EventSourcedBehavior.create<TCmd, TEvt, TState>({
        persistenceId: "stamper",
        emptyState: { times: [], draws: [] },
        // The command handler decides time and randomness; the event carries them.
        commandHandler: (_state, _cmd, ctx) =>
          Effect.persist({ type: "stamped", at: ctx.now(), draw: ctx.random() }),
        eventHandler: (state, evt, ctx) => {
          leak?.tell("side effect!");
          expect(ctx).not.toHaveProperty("now");
          expect(ctx).not.toHaveProperty("random");
          return { times: [...state.times, evt.at], draws: [...state.draws, evt.draw] };
        },
      });

    it("time and randomness drawn in the command handler replay exactly from the events", async () => {
      const kit = await open(stamper());
      await kit.runCommand({ type: "stamp" });
      await kit.scheduler.advanceBy(5_000);
      await kit.runCommand({ type: "stamp" });
      const live = await kit.getState();
      expect(live.times).toEqual([0, 5_000]);
      await kit.scheduler.advanceBy(60_000);
      const replayed = await kit.restart();
      expect(replayed).toEqual(live);
    });

    it("sending from an event handler is refused", async () => {
      const { ActorRef: Ref } = await import("../actor/ref");
      const sent: unknown[] = [];
      const leak = new Ref<string>("leak", { enqueue: (m) => sent.push(m) });
      const failures: unknown[] = [];
      const kit = await open(stamper(leak));
      kit.system.observe((e) => {
        if (e.type === "failed") failures.push(e.error);
      });
      const r = await kit.runCommand({ type: "stamp" });
      // Applying the event (before the write) threw: nothing was sent or stored, and the actor stopped.
      expect(sent).toEqual([]);
      expect(r.stopped).toBe(true);
      expect(failures[0]).toBeInstanceOf(ReplaySideEffectError);
      expect(await kit.persistedEvents()).toHaveLength(0);
    });

    it("the send guard throws ReplaySideEffectError for real references", async () => {
      const { ActorRef: Ref } = await import("../actor/ref");
      const { sendGuard } = await import("../actor/ref");
      const ref = new Ref<string>("leak", { enqueue() {} });
      sendGuard.reason = "replaying events";
      try {
        expect(() => ref.tell("x")).toThrow(ReplaySideEffectError);
      } finally {
        sendGuard.reason = null;
      }
      expect(() => ref.tell("x")).not.toThrow();
    });
  });

  describe("persistence properties", () => {
    const command = fc.oneof(
      fc.record({
        type: fc.constant("deposit" as const),
        amount: fc.integer({ min: 1, max: 400 }),
      }),
      fc.record({
        type: fc.constant("withdraw" as const),
        amount: fc.integer({ min: 1, max: 400 }),
      }),
    );

    it("recovery gives the same state for every snapshot schedule", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(command, { maxLength: 40 }),
          fc.integer({ min: 1, max: 12 }),
          async (cmds, every) => {
            const plain = await open(account());
            const snap = await open(account().withRetention({ snapshotEvery: every, keep: 1 }));
            for (const c of cmds) {
              await plain.runCommand(c);
              await snap.runCommand(c);
            }
            const expected = await plain.getState();
            expect(await snap.restart()).toEqual(expected);
            expect(await plain.restart()).toEqual(expected);
          },
        ),
        { numRuns: 200 },
      );
    });

    it("no acknowledged write is lost, even with injected failures", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(command, fc.constantFrom("ok", "ok", "ok", "fail", "reject")), {
            maxLength: 30,
          }),
          async (script) => {
            const kit = await open(account());
            let acknowledged = 0;
            for (const [c, fault] of script) {
              if (fault === "fail") kit.journal.failNextAppend();
              if (fault === "reject") kit.journal.rejectNextAppend();
              const r = await kit.runCommand<Reply>((replyTo) => ({ ...c, replyTo }));
              if (r.reply?.ok) acknowledged = r.reply.balance;
              if (fault === "fail") await kit.restart(); // a failed write stopped it; bring it back
            }
            const recovered = await kit.restart();
            expect(recovered.balance).toBe(acknowledged);
          },
        ),
        { numRuns: 200 },
      );
    });

    it("is deterministic: the same commands and seed give the same journal", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 20 }), fc.nat(), async (cmds, seed) => {
          const run = async () => {
            const kit = await open(account(), { seed });
            for (const c of cmds) await kit.runCommand(c);
            return kit.journal.read("account-1", 1, 1_000);
          };
          expect(await run()).toEqual(await run());
        }),
        { numRuns: 200 },
      );
    });
  });
});
