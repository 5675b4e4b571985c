import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ActorRef,
  Behaviors,
  DeathPactError,
  Effect,
  EventSourcedBehavior,
  type EventSourcedSignal,
  PersistFailure,
  PersistRejected,
  RecoveryFailure,
  StashOverflowError,
  SupervisorStrategy,
} from "../index";
import { type Cmd, counter, type State } from "./counter";
import { ACK_MODES, Harness, TestException } from "./harness";

const backoff = SupervisorStrategy.restartWithBackoff({
  minBackoff: 100,
  maxBackoff: 100,
  randomFactor: 0,
});

describe.each(ACK_MODES)(
  "EventSourcedBehavior specs (conformance, $mode)",
  ({ immediateWrites, ackedByPromise }) => {
    const setup = () => {
      const h = new Harness({ immediateWrites, ackedByPromise });
      const acks = h.probe<string>("acks");
      const states = h.probe<State>("states");
      const get = (ref: ActorRef<Cmd>) => ref.tell({ type: "get", replyTo: states.ref });
      return { h, acks, states, get };
    };
    const stored = async (h: Harness, pid: string) =>
      (await h.journal.read(pid, 1, Number.MAX_SAFE_INTEGER)).map((r) => r.event);

    // ---- EventSourcedBehaviorSpec ----------------------------------------------------------

    it("EventSourcedBehaviorSpec: must persist an event", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "inc" });
      get(ref);
      await h.settle();
      expect(states.receiveMessage().value).toBe(1);
      expect(await stored(h, "c1")).toEqual([{ type: "incremented", delta: 1 }]);
    });

    it("EventSourcedBehaviorSpec: must replay stored events", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      for (let i = 0; i < 3; i++) ref.tell({ type: "inc" });
      await h.settle();
      ref.tell({ type: "stop" });
      await h.settle();
      const ref2 = h.spawn(counter("c1"));
      ref2.tell({ type: "inc" });
      get(ref2);
      await h.settle();
      expect(states.receiveMessage()).toMatchObject({ value: 4, history: [0, 1, 2, 3] });
    });

    it("EventSourcedBehaviorSpec: must handle commands sent during recovery, in order, after RecoveryCompleted", async () => {
      const { h, acks } = setup();
      const log = h.probe();
      const ref = h.spawn(counter("c1", { log: log.ref }));
      ref.tell({ type: "inc", id: "a", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "b", replyTo: acks.ref });
      await h.settle();
      expect(log.receiveAll()).toEqual(["RecoveryCompleted"]);
      expect(acks.receiveAll()).toEqual(["a", "b"]);
    });

    it("EventSourcedBehaviorSpec: must chainable side effects with events", async () => {
      const { h } = setup();
      const seen: unknown[] = [];
      const ref = h.spawn(
        EventSourcedBehavior.create<string, string, string[]>({
          persistenceId: "chain",
          emptyState: [],
          commandHandler: (_s, cmd) =>
            Effect.persist<string, string[]>(cmd)
              .thenRun((s) => seen.push(["first", s.length]))
              .thenRun((s) => seen.push(["second", s.length])),
          eventHandler: (s, e) => [...s, e],
        }),
      );
      ref.tell("x");
      await h.settle();
      expect(seen).toEqual([
        ["first", 1],
        ["second", 1],
      ]);
    });

    it("EventSourcedBehaviorSpec: must persist then stop", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "persistThenStop", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "late", replyTo: acks.ref });
      await h.settle();
      expect(acks.receiveAll()).toEqual(["stopping"]);
      expect(h.stopped(ref.path)).toBe(true);
      expect(await stored(h, "c1")).toHaveLength(1);
    });

    it("EventSourcedBehaviorSpec: must persist(All) then stop", async () => {
      const { h } = setup();
      const ref = h.spawn(
        EventSourcedBehavior.create<string, string, string[]>({
          persistenceId: "all",
          emptyState: [],
          commandHandler: () => Effect.persist<string, string[]>(["a", "b", "c"]).thenStop(),
          eventHandler: (s, e) => [...s, e],
        }),
      );
      ref.tell("go");
      await h.settle();
      expect(h.stopped(ref.path)).toBe(true);
      expect((await h.journal.read("all", 1, 10)).map((r) => r.sequenceNr)).toEqual([1, 2, 3]);
    });

    it("EventSourcedBehaviorSpec: must chainable side effects when doing nothing (Effect.none)", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "none", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual(["none"]);
      expect(states.receiveMessage().value).toBe(0);
      expect(await stored(h, "c1")).toEqual([]);
    });

    it("EventSourcedBehaviorSpec: must work when wrapped in other behavior", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(
        Behaviors.setup<Cmd>(() =>
          Behaviors.supervise(counter("wrapped")).onFailure(SupervisorStrategy.restart),
        ),
      );
      ref.tell({ type: "inc" });
      ref.tell({ type: "throw" });
      await h.settle();
      ref.tell({ type: "inc" });
      get(ref);
      await h.settle();
      expect(states.receiveMessage().value).toBe(2);
    });

    it("EventSourcedBehaviorSpec: must stop after logging (no persisting)", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "stop" });
      await h.settle();
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorSpec: must tag events", async () => {
      const { h } = setup();
      const ref = h.spawn(
        counter("tagged").withTagger((e) => (e.type === "incremented" ? ["inc"] : [])),
      );
      ref.tell({ type: "inc" });
      ref.tell({ type: "deactivate" });
      await h.settle();
      expect((await h.journal.read("tagged", 1, 10)).map((r) => r.tags)).toEqual([["inc"], []]);
    });

    it("EventSourcedBehaviorSpec: must handle scheduled message arriving before recovery completed", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(
        Behaviors.withTimers<Cmd>((timers) => {
          timers.startSingleTimer("t", { type: "inc" }, 0);
          return counter("timed");
        }),
      );
      get(ref);
      await h.settle();
      get(ref);
      await h.settle();
      expect(states.receiveAll().map((s) => s.value)).toEqual([0, 1]);
    });

    it("EventSourcedBehaviorSpec: must report a command the handler does not understand as unhandled", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "unknown" });
      await h.settle();
      expect(h.events.some((e) => e.type === "unhandled")).toBe(true);
      expect(h.stopped(ref.path)).toBe(false);
    });

    it("EventSourcedBehaviorSpec: must fail fast if persistenceId is empty", () => {
      expect(() => counter("")).toThrow(/persistenceId/);
    });

    it("EventSourcedBehaviorSpec: each event is applied once: to the candidate before the write, never again on the ack", async () => {
      const { h, states, get } = setup();
      let applied = 0;
      const ref = h.spawn(
        EventSourcedBehavior.create<
          { type: "add" } | { type: "get"; replyTo: ActorRef<number> },
          number,
          number
        >({
          persistenceId: "once",
          emptyState: 0,
          commandHandler: (s, c) =>
            c.type === "add" ? Effect.persist<number, number>([1, 2]) : Effect.reply(c.replyTo, s),
          eventHandler: (s, e) => {
            applied++;
            return s + e;
          },
        }),
      );
      const values = h.probe<number>();
      for (let i = 0; i < 3; i++) ref.tell({ type: "add" });
      ref.tell({ type: "get", replyTo: values.ref });
      await h.settle();
      expect(values.receiveMessage()).toBe(9);
      expect(applied).toBe(6);
      void states;
      void get;
    });

    it("EventSourcedBehaviorSpec (property): the journal never holds an event the handler rejects, and recovery equals the live state", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom("inc", "incTwice", "bad", "none", "deactivate", "activate"), {
            maxLength: 30,
          }),
          async (kinds) => {
            const { h, states, get } = setup();
            const pid = "prop";
            const spawnOne = () =>
              h.spawn(Behaviors.supervise(counter(pid)).onFailure(SupervisorStrategy.restart));
            const ref = spawnOne();
            for (const type of kinds) {
              ref.tell({ type } as Cmd);
              await h.settle();
            }
            get(ref);
            await h.settle();
            const live = states.receiveMessage();
            const events = await stored(h, pid);
            expect(events.some((e) => (e as { type: string }).type === "bad")).toBe(false);
            ref.tell({ type: "stop" });
            const again = spawnOne();
            get(again);
            await h.settle();
            expect(states.receiveMessage()).toEqual(live);
          },
        ),
        { numRuns: 40 },
      );
    });

    // ---- EventSourcedBehaviorReplySpec ------------------------------------------------------

    it("EventSourcedBehaviorReplySpec: must persist an event thenReply", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "inc", id: "done", replyTo: acks.ref });
      await h.settle();
      expect(acks.receiveAll()).toEqual(["done"]);
    });

    it("EventSourcedBehaviorReplySpec: must reply to query command", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      get(ref);
      await h.settle();
      expect(states.receiveMessage()).toEqual({ value: 0, history: [], active: true });
    });

    it("EventSourcedBehaviorReplySpec: the reply sees the state after the events, and the next command too", async () => {
      const { h, states, get } = setup();
      const replies: number[] = [];
      const ref = h.spawn(
        EventSourcedBehavior.create<ActorRef<number>, number, number>({
          persistenceId: "sum",
          emptyState: 0,
          commandHandler: (s, replyTo) =>
            Effect.persist<number, number>(s + 1).thenReply(replyTo, (after) => after),
          eventHandler: (_s, e) => e,
        }),
      );
      const to = { tell: (n: number) => replies.push(n) } as unknown as ActorRef<number>;
      ref.tell(to);
      ref.tell(to);
      ref.tell(to);
      await h.settle();
      expect(replies).toEqual([1, 2, 3]);
      void states;
      void get;
    });

    // ---- EventSourcedBehaviorFailureSpec ----------------------------------------------------

    it("EventSourcedBehaviorFailureSpec: must signal RecoveryFailure when replay fails", async () => {
      const { h } = setup();
      const signals: EventSourcedSignal<State>[] = [];
      const first = h.spawn(counter("c1"));
      first.tell({ type: "inc" });
      first.tell({ type: "stop" });
      await h.settle();
      h.journal.failNextRead();
      const ref = h.spawn(counter("c1", { signals }));
      await h.settle();
      expect(signals.map((s) => s.type)).toEqual(["RecoveryFailed", "PostStop"]);
      expect(h.failures(ref.path)[0]).toBeInstanceOf(RecoveryFailure);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must handle exceptions from RecoveryFailed signal handler", async () => {
      const { h } = setup();
      h.snapshots.failNextLoad();
      const ref = h.spawn(
        counter("c1").receiveSignal((_s, signal) => {
          if (signal.type === "RecoveryFailed") throw new TestException("in RecoveryFailed");
        }),
      );
      await h.settle();
      expect(h.failures(ref.path)[0]).toBeInstanceOf(RecoveryFailure);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must signal RecoveryFailure when event handler throws during replay", async () => {
      const { h } = setup();
      await h.journal.append([
        {
          persistenceId: "c1",
          sequenceNr: 1,
          event: { type: "bad" },
          timestamp: 0,
          tags: [],
          writerUuid: "x",
          manifest: "",
        },
      ]);
      const signals: EventSourcedSignal<State>[] = [];
      const ref = h.spawn(
        Behaviors.supervise(counter("c1", { signals })).onFailure(SupervisorStrategy.restart),
      );
      await h.settle();
      expect(signals[0]?.type).toBe("RecoveryFailed");
      // An ordinary restart supervisor does not apply to a failed recovery: it stops once.
      expect(h.restarts(ref.path)).toBe(0);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must fail recovery if exception from RecoveryCompleted signal handler", async () => {
      const { h } = setup();
      let completions = 0;
      const ref = h.spawn(
        Behaviors.supervise(
          counter("c1").receiveSignal((_s, signal) => {
            if (signal.type === "RecoveryCompleted") {
              completions++;
              throw new TestException("in RecoveryCompleted");
            }
          }),
        ).onFailure(SupervisorStrategy.restart),
      );
      await h.settle();
      expect(completions).toBe(1);
      expect(h.failures(ref.path)[0]).toBeInstanceOf(RecoveryFailure);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must stop when persist fails", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1"));
      await h.settle();
      h.journal.failNextAppend();
      ref.tell({ type: "inc", replyTo: acks.ref });
      await h.settle();
      expect(acks.receiveAll()).toEqual([]);
      expect(h.failures(ref.path)[0]).toBeInstanceOf(PersistFailure);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must restart with backoff", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(counter("c1").onPersistFailure(backoff));
      ref.tell({ type: "inc", id: "1", replyTo: acks.ref });
      await h.settle();
      h.journal.failNextAppend();
      ref.tell({ type: "inc", id: "2", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "3", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual(["1", "3"]);
      expect(states.receiveMessage().value).toBe(2);
      expect(h.sim.now()).toBeGreaterThanOrEqual(100);
    });

    it("EventSourcedBehaviorFailureSpec: must restart with backoff for recovery", async () => {
      const { h, states, get } = setup();
      const first = h.spawn(counter("c1"));
      first.tell({ type: "inc" });
      first.tell({ type: "stop" });
      await h.settle();
      h.journal.failNextRead();
      const ref = h.spawn(counter("c1").onPersistFailure(backoff));
      get(ref);
      await h.settle();
      expect(h.restarts(ref.path)).toBe(1);
      expect(states.receiveMessage().value).toBe(1);
    });

    it("EventSourcedBehaviorFailureSpec: must handle rejections (the actor fails, nothing is stored)", async () => {
      const { h, acks } = setup();
      const signals: EventSourcedSignal<State>[] = [];
      const ref = h.spawn(counter("c1", { signals }));
      await h.settle();
      h.journal.rejectNextAppend("too big");
      ref.tell({ type: "inc", replyTo: acks.ref });
      await h.settle();
      expect(acks.receiveAll()).toEqual([]);
      expect(signals.map((s) => s.type)).toContain("PersistRejected");
      expect(h.failures(ref.path)[0]).toBeInstanceOf(PersistRejected);
      expect(h.stopped(ref.path)).toBe(true);
      expect(await stored(h, "c1")).toEqual([]);
    });

    it("EventSourcedBehaviorFailureSpec: a rejection goes to an ordinary supervisor, which may restart", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(Behaviors.supervise(counter("c1")).onFailure(SupervisorStrategy.restart));
      await h.settle();
      h.journal.rejectNextAppend("too big");
      ref.tell({ type: "inc", replyTo: acks.ref });
      await h.settle();
      ref.tell({ type: "inc", id: "after", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(h.restarts(ref.path)).toBe(1);
      expect(acks.receiveAll()).toEqual(["after"]);
      expect(states.receiveMessage().value).toBe(1);
    });

    it("EventSourcedBehaviorFailureSpec: must stop (default supervisor strategy) if command handler throws", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "throw" });
      await h.settle();
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must restart supervisor strategy if command handler throws", async () => {
      const { h, states, get } = setup();
      const log = h.probe();
      const ref = h.spawn(
        Behaviors.supervise(counter("c1", { log: log.ref })).onFailure(SupervisorStrategy.restart),
      );
      ref.tell({ type: "inc" });
      ref.tell({ type: "throw" });
      await h.settle();
      get(ref);
      await h.settle();
      expect(log.receiveAll()).toEqual(["RecoveryCompleted", "PreRestart", "RecoveryCompleted"]);
      expect(states.receiveMessage().value).toBe(1);
    });

    it("EventSourcedBehaviorFailureSpec: must stop (default supervisor strategy) if side effect callback throws", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "sideEffectThrows" });
      await h.settle();
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: must not accept wrong event, before persisting it", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "inc", id: "ok", replyTo: acks.ref });
      ref.tell({ type: "bad", replyTo: acks.ref });
      await h.settle();
      expect(acks.receiveAll()).toEqual(["ok"]);
      expect(h.stopped(ref.path)).toBe(true);
      expect(await stored(h, "c1")).toEqual([{ type: "incremented", delta: 1 }]);
      // The entity can still recover: the rejected event never reached the journal.
      const { states } = setup();
      const again = h.spawn(counter("c1"));
      again.tell({ type: "get", replyTo: states.ref });
      await h.settle();
      expect(states.receiveMessage().value).toBe(1);
    });

    it("EventSourcedBehaviorFailureSpec: a plain resume supervisor does not apply to journal failures", async () => {
      const { h } = setup();
      const ref = h.spawn(Behaviors.supervise(counter("c1")).onFailure(SupervisorStrategy.resume));
      await h.settle();
      h.journal.failNextAppend();
      ref.tell({ type: "inc" });
      await h.settle();
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: a plain restart supervisor does not apply to journal failures", async () => {
      const { h } = setup();
      const ref = h.spawn(Behaviors.supervise(counter("c1")).onFailure(SupervisorStrategy.restart));
      await h.settle();
      h.journal.failNextAppend();
      ref.tell({ type: "inc" });
      await h.settle();
      expect(h.restarts(ref.path)).toBe(0);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorFailureSpec: a user supervisor keeps onPersistFailure's backoff (innermost first)", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(
        Behaviors.supervise(counter("c1").onPersistFailure(backoff)).onFailure(
          SupervisorStrategy.restart,
        ),
      );
      await h.settle();
      h.journal.failNextAppend();
      ref.tell({ type: "inc", id: "a", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "b", replyTo: acks.ref });
      await h.settle();
      expect(h.events.filter((e) => e.type === "backoff")).toHaveLength(1);
      expect(acks.receiveAll()).toEqual(["b"]);
      ref.tell({ type: "throw" });
      await h.settle();
      // A handler's own exception still goes to the user's restart.
      expect(h.events.filter((e) => e.type === "backoff")).toHaveLength(1);
      expect(h.restarts(ref.path)).toBe(2);
    });

    it("EventSourcedBehaviorFailureSpec: nothing observable happens before the write is acknowledged", async () => {
      const { h, acks } = setup();
      const seen: string[] = [];
      const ref = h.spawn(
        EventSourcedBehavior.create<ActorRef<string>, string, string[]>({
          persistenceId: "p",
          emptyState: [],
          commandHandler: (_s, to) =>
            Effect.persist<string, string[]>("e")
              .thenRun((s) => seen.push(`run ${s.length}`))
              .thenReply(to, (s) => `reply ${s.length}`),
          eventHandler: (s, e) => [...s, e],
        }),
      );
      await h.settle();
      h.journal.failNextAppend();
      ref.tell(acks.ref);
      await h.settle();
      expect(seen).toEqual([]);
      expect(acks.receiveAll()).toEqual([]);
    });

    // ---- EventSourcedBehaviorStashSpec ------------------------------------------------------

    it("EventSourcedBehaviorStashSpec: must stash and unstash", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "inc", id: "inc-1", replyTo: acks.ref });
      ref.tell({ type: "deactivate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-2", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-3", replyTo: acks.ref });
      get(ref);
      ref.tell({ type: "activate", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "deactivate", "activate", "inc-2", "inc-3"]);
      expect(states.receiveAll().map((s) => [s.value, s.active])).toEqual([
        [1, false],
        [3, true],
      ]);
    });

    it("EventSourcedBehaviorStashSpec: must handle mix of stash, persist and unstash", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "inc", id: "inc-1", replyTo: acks.ref });
      ref.tell({ type: "deactivate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-2", replyTo: acks.ref });
      ref.tell({ type: "activate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-3", replyTo: acks.ref });
      ref.tell({ type: "deactivate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-4", replyTo: acks.ref });
      ref.tell({ type: "activate", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual([
        "inc-1",
        "deactivate",
        "activate",
        "inc-2",
        "inc-3",
        "deactivate",
        "activate",
        "inc-4",
      ]);
      expect(states.receiveMessage().value).toBe(4);
    });

    it("EventSourcedBehaviorStashSpec: must unstash in right order", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "deactivate" });
      for (let i = 1; i <= 5; i++) ref.tell({ type: "inc", id: `inc-${i}`, replyTo: acks.ref });
      ref.tell({ type: "activate" });
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "inc-2", "inc-3", "inc-4", "inc-5"]);
    });

    it("EventSourcedBehaviorStashSpec: must handle many stashed", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(counter("c1"));
      for (let round = 0; round < 5; round++) {
        ref.tell({ type: "deactivate" });
        for (let i = 0; i < 100; i++) ref.tell({ type: "inc" });
        ref.tell({ type: "activate" });
      }
      get(ref);
      await h.settle();
      expect(states.receiveMessage().value).toBe(500);
    });

    it("EventSourcedBehaviorStashSpec: must discard user stash when restarted due to thrown exception", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(Behaviors.supervise(counter("c1")).onFailure(SupervisorStrategy.restart));
      ref.tell({ type: "inc", id: "inc-1", replyTo: acks.ref });
      ref.tell({ type: "deactivate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-2", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-3", replyTo: acks.ref });
      ref.tell({ type: "throw" });
      await h.settle();
      ref.tell({ type: "inc", id: "inc-4", replyTo: acks.ref });
      get(ref);
      ref.tell({ type: "activate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-5", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "deactivate", "activate", "inc-4", "inc-5"]);
      expect(states.receiveAll().map((s) => [s.value, s.active])).toEqual([
        [1, false],
        [3, true],
      ]);
    });

    it("EventSourcedBehaviorStashSpec: must discard internal stash when restarted due to thrown exception", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(Behaviors.supervise(counter("c1")).onFailure(SupervisorStrategy.restart));
      await h.settle();
      for (let n = 1; n <= 10; n++) {
        if (n === 3) ref.tell({ type: "incThenThrow" });
        else ref.tell({ type: "inc", id: `inc-${n}`, replyTo: acks.ref });
      }
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "inc-2"]);
      ref.tell({ type: "inc", id: "inc-11", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-11"]);
      expect(states.receiveMessage().value).toBe(4);
    });

    it("EventSourcedBehaviorStashSpec: must preserve internal stash when persist failed", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(counter("c1").onPersistFailure(backoff));
      for (let n = 1; n <= 4; n++) ref.tell({ type: "inc", id: `inc-${n}`, replyTo: acks.ref });
      await h.settle();
      h.journal.failNextAppend();
      for (let n = 5; n <= 10; n++) ref.tell({ type: "inc", id: `inc-${n}`, replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10].map((n) => `inc-${n}`));
      expect(states.receiveMessage().value).toBe(9);
    });

    it("EventSourcedBehaviorStashSpec: must preserve user stash when persist failed", async () => {
      const { h, acks, states, get } = setup();
      const ref = h.spawn(counter("c1").onPersistFailure(backoff));
      ref.tell({ type: "inc", id: "inc-1", replyTo: acks.ref });
      ref.tell({ type: "deactivate", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-2", replyTo: acks.ref });
      ref.tell({ type: "inc", id: "inc-3", replyTo: acks.ref });
      await h.settle();
      h.journal.failNextAppend();
      ref.tell({ type: "activate", replyTo: acks.ref });
      await h.settle();
      ref.tell({ type: "activate", replyTo: acks.ref });
      get(ref);
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "deactivate", "activate", "inc-2", "inc-3"]);
      expect(states.receiveMessage()).toMatchObject({ value: 3, active: true });
    });

    it("EventSourcedBehaviorStashSpec: must discard when stash has reached limit with default dropped setting", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1").withStashCapacity(2));
      // Recovery is under way: the commands wait in the internal stash, which holds two.
      for (let n = 1; n <= 4; n++) ref.tell({ type: "inc", id: `inc-${n}`, replyTo: acks.ref });
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "inc-2"]);
      expect(h.deadLetters()).toHaveLength(2);
      expect(h.stopped(ref.path)).toBe(false);
    });

    it("EventSourcedBehaviorStashSpec: must discard when custom stash buffer has reached limit with default dropped setting", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1").withStashCapacity(2));
      await h.settle();
      ref.tell({ type: "deactivate" });
      await h.settle(); // the user stash, not the internal one, is under test
      for (let n = 1; n <= 3; n++) ref.tell({ type: "inc", id: `inc-${n}`, replyTo: acks.ref });
      ref.tell({ type: "activate" });
      await h.settle();
      expect(acks.receiveAll()).toEqual(["inc-1", "inc-2"]);
      expect(h.deadLetters()).toHaveLength(1);
    });

    it("EventSourcedBehaviorStashSpec: must fail when stash has reached limit if configured to fail", async () => {
      const { h, acks } = setup();
      const ref = h.spawn(counter("c1").withStashCapacity(2).withStashOverflowStrategy("fail"));
      for (let n = 1; n <= 4; n++) ref.tell({ type: "inc", id: `inc-${n}`, replyTo: acks.ref });
      await h.settle();
      expect(h.failures(ref.path)[0]).toBeInstanceOf(StashOverflowError);
      expect(h.stopped(ref.path)).toBe(true);
    });

    it("EventSourcedBehaviorStashSpec: must stop from PostStop with user stash not empty (stashed commands to dead letters)", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "deactivate" });
      ref.tell({ type: "inc", id: "stashed" });
      await h.settle();
      ref.tell({ type: "stop" } as Cmd);
      await h.settle();
      // Inactive, "stop" is itself stashed: the actor keeps running with both stashed.
      expect(h.stopped(ref.path)).toBe(false);
      h.system.terminate();
      await h.settle();
      expect(h.deadLetters()).toEqual([{ type: "inc", id: "stashed" }, { type: "stop" }]);
    });

    // ---- EventSourcedBehaviorRetentionSpec --------------------------------------------------

    it("EventSourcedBehaviorRetentionSpec: must snapshot via predicate", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1").snapshotWhen((s) => s.value === 2));
      for (let i = 0; i < 3; i++) ref.tell({ type: "inc" });
      await h.settle();
      expect(h.snapshots.sequenceNrs("c1")).toEqual([2]);
    });

    it("EventSourcedBehaviorRetentionSpec: must snapshot every N sequence nrs", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1").withRetention({ snapshotEvery: 2, keep: 10 }));
      for (let i = 0; i < 5; i++) ref.tell({ type: "inc" });
      await h.settle();
      expect(h.snapshots.sequenceNrs("c1")).toEqual([2, 4]);
    });

    it("EventSourcedBehaviorRetentionSpec: must snapshot every N sequence nrs when persisting multiple events", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1").withRetention({ snapshotEvery: 3, keep: 10 }));
      for (let i = 0; i < 3; i++) ref.tell({ type: "incTwice" });
      await h.settle();
      // Writes end at 2, 4 and 6; the ones covering 3 and 6 snapshot at their last event.
      expect(h.snapshots.sequenceNrs("c1")).toEqual([4, 6]);
    });

    it("EventSourcedBehaviorRetentionSpec: must check all events for snapshot in PersistAll", async () => {
      const { h } = setup();
      const seen: [number, number][] = [];
      const ref = h.spawn(
        counter("c1").snapshotWhen((s, _e, seq) => {
          seen.push([seq, s.value]);
          return s.value === 1;
        }),
      );
      ref.tell({ type: "incTwice" });
      await h.settle();
      // Each event is checked with the state it produced, not only the final one (and, as in
      // Akka, checking stops at the first event that asks for a snapshot).
      expect(seen).toEqual([[1, 1]]);
      expect(h.snapshots.sequenceNrs("c1")).toEqual([2]);
    });

    it("EventSourcedBehaviorRetentionSpec: must delete snapshots automatically, based on criteria", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1").withRetention({ snapshotEvery: 2, keep: 2 }));
      for (let i = 0; i < 10; i++) ref.tell({ type: "inc" });
      await h.settle();
      expect(h.snapshots.sequenceNrs("c1")).toEqual([8, 10]);
    });

    it("EventSourcedBehaviorRetentionSpec: must be possible to combine snapshotWhen and retention criteria", async () => {
      const { h } = setup();
      const ref = h.spawn(
        counter("c1")
          .withRetention({ snapshotEvery: 4, keep: 10 })
          .snapshotWhen((s) => s.value === 3),
      );
      for (let i = 0; i < 5; i++) ref.tell({ type: "inc" });
      await h.settle();
      expect(h.snapshots.sequenceNrs("c1")).toEqual([3, 4]);
    });

    it("EventSourcedBehaviorRetentionSpec: must be possible to snapshot every event", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1").withRetention({ snapshotEvery: 1, keep: 3 }));
      for (let i = 0; i < 5; i++) ref.tell({ type: "inc" });
      await h.settle();
      expect(h.snapshots.sequenceNrs("c1")).toEqual([3, 4, 5]);
    });

    it("EventSourcedBehaviorRetentionSpec: recovery starts from the latest snapshot and replays only later events", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(counter("c1").withRetention({ snapshotEvery: 3, keep: 1 }));
      for (let i = 0; i < 4; i++) ref.tell({ type: "inc" });
      ref.tell({ type: "stop" });
      await h.settle();
      await h.journal.deleteTo("c1", 3);
      const again = h.spawn(counter("c1"));
      get(again);
      await h.settle();
      expect(states.receiveMessage()).toMatchObject({ value: 4, history: [0, 1, 2, 3] });
    });

    it("EventSourcedBehaviorRetentionSpec: SnapshotCompleted is signalled after each snapshot", async () => {
      const { h } = setup();
      const signals: EventSourcedSignal<State>[] = [];
      const ref = h.spawn(counter("c1", { signals }).withRetention({ snapshotEvery: 2, keep: 2 }));
      for (let i = 0; i < 4; i++) ref.tell({ type: "inc" });
      await h.settle();
      expect(signals.filter((s) => s.type === "SnapshotCompleted")).toEqual([
        { type: "SnapshotCompleted", sequenceNr: 2 },
        { type: "SnapshotCompleted", sequenceNr: 4 },
      ]);
    });

    // ---- EventSourcedBehaviorTimersSpec and WatchSpec ---------------------------------------

    it("EventSourcedBehaviorTimersSpec: must be able to schedule message", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(
        Behaviors.withTimers<Cmd>((timers) => {
          timers.startSingleTimer("k", { type: "inc" }, 1_000);
          return counter("c1");
        }),
      );
      await h.sim.advanceBy(1_500);
      get(ref);
      await h.settle();
      expect(states.receiveMessage().value).toBe(1);
    });

    it("EventSourcedBehaviorTimersSpec: must not discard timer msg due to stashing", async () => {
      const { h, states, get } = setup();
      const ref = h.spawn(
        Behaviors.withTimers<Cmd>((timers) => {
          timers.startTimerWithFixedDelay("k", { type: "inc" }, 10);
          return counter("c1");
        }),
      );
      for (let i = 0; i < 5; i++) ref.tell({ type: "inc" });
      await h.sim.advanceBy(35);
      get(ref);
      h.sim.advanceBySync(0);
      await h.sim.advanceBy(0);
      expect(states.receiveAll().at(-1)?.value).toBe(8);
    });

    it("EventSourcedBehaviorWatchSpec: must throw a DeathPactException from parent when not handling the child Terminated signal", async () => {
      const { h } = setup();
      const ref = h.spawn(
        Behaviors.setup<Cmd>((ctx) => {
          const child = ctx.spawn(
            Behaviors.receiveMessage<string>(() => Behaviors.stopped),
            "child",
          );
          ctx.watch(child as ActorRef<never>);
          child.tell("stop");
          return counter("c1");
        }),
      );
      await h.settle();
      expect(h.failures(ref.path)[0]).toBeInstanceOf(DeathPactError);
    });

    // ---- signals the runtime adds to Akka's list, as Akka Typed delivers them ------------------

    it("EventSourcedBehaviorSpec: the signal handler receives PreRestart and PostStop", async () => {
      const { h } = setup();
      const log = h.probe();
      const ref = h.spawn(
        Behaviors.supervise(counter("c1", { log: log.ref })).onFailure(SupervisorStrategy.restart),
      );
      ref.tell({ type: "throw" });
      await h.settle();
      ref.tell({ type: "stop" });
      await h.settle();
      expect(log.receiveAll()).toEqual([
        "RecoveryCompleted",
        "PreRestart",
        "RecoveryCompleted",
        "PostStop",
      ]);
    });

    it("EventSourcedBehaviorSpec: an exception thrown after the write leaves the event stored and the actor failed", async () => {
      const { h } = setup();
      const ref = h.spawn(counter("c1"));
      ref.tell({ type: "incThenThrow" });
      ref.tell({ type: "inc" });
      await h.settle();
      expect(h.failures(ref.path)[0]).toBeInstanceOf(TestException);
      expect(await stored(h, "c1")).toHaveLength(1);
    });
  },
);
