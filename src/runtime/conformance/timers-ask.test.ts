import { describe, expect, it } from "vitest";
import {
  type ActorRef,
  AskTimeoutError,
  ask,
  type Behavior,
  Behaviors,
  SupervisorStrategy,
} from "../index";
import { Harness, TestException } from "./harness";

type Tick =
  | { type: "tick"; n: number }
  | { type: "start"; repeat: boolean }
  | { type: "cancel" }
  | { type: "throw" }
  | { type: "stop" }
  | { type: "replace" };

function ticker(probe: ActorRef<unknown>, delay = 100): Behavior<Tick> {
  return Behaviors.withTimers<Tick>((timers) => {
    let n = 0;
    return Behaviors.receive<Tick>(
      (_c, m) => {
        switch (m.type) {
          case "start":
            if (m.repeat) timers.startTimerWithFixedDelay("key", { type: "tick", n: ++n }, delay);
            else timers.startSingleTimer("key", { type: "tick", n: ++n }, delay);
            return Behaviors.same;
          case "replace":
            timers.startSingleTimer("key", { type: "tick", n: 100 + ++n }, delay);
            return Behaviors.same;
          case "cancel":
            timers.cancel("key");
            probe.tell(`active ${timers.isTimerActive("key")}`);
            return Behaviors.same;
          case "tick":
            probe.tell(`tick ${m.n}`);
            return Behaviors.same;
          case "throw":
            throw new TestException("boom");
          case "stop":
            return Behaviors.stopped;
        }
      },
      (_c, s) => {
        if (s.type === "PreRestart") probe.tell(`PreRestart active ${timers.isTimerActive("key")}`);
        return Behaviors.same;
      },
    );
  });
}

describe("TimerSpec (conformance)", () => {
  it("TimerSpec: A timer must schedule non-repeated ticks", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(ticker(p.ref));
    ref.tell({ type: "start", repeat: false });
    await h.sim.advanceBy(99);
    expect(p.receiveAll()).toEqual([]);
    await h.sim.advanceBy(500);
    expect(p.receiveAll()).toEqual(["tick 1"]);
  });

  it("TimerSpec: must schedule repeated ticks", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(ticker(p.ref));
    ref.tell({ type: "start", repeat: true });
    await h.sim.advanceBy(350);
    expect(p.receiveAll()).toEqual(["tick 1", "tick 1", "tick 1"]);
  });

  it("TimerSpec: must replace timer", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(ticker(p.ref));
    ref.tell({ type: "start", repeat: false });
    await h.sim.advanceBy(50);
    ref.tell({ type: "replace" });
    await h.sim.advanceBy(500);
    expect(p.receiveAll()).toEqual(["tick 102"]);
  });

  it("TimerSpec: must cancel timer", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(ticker(p.ref));
    ref.tell({ type: "start", repeat: true });
    await h.sim.advanceBy(150);
    ref.tell({ type: "cancel" });
    await h.sim.advanceBy(500);
    expect(p.receiveAll()).toEqual(["tick 1", "active false"]);
  });

  it("TimerSpec: must discard timers from old incarnation after restart", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(Behaviors.supervise(ticker(p.ref)).onFailure(SupervisorStrategy.restart));
    ref.tell({ type: "start", repeat: true });
    await h.sim.advanceBy(150);
    ref.tell({ type: "throw" });
    await h.sim.advanceBy(500);
    expect(p.receiveAll()).toEqual(["tick 1", "PreRestart active false"]);
  });

  it("TimerSpec: timers are cancelled before PreRestart is signalled", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(Behaviors.supervise(ticker(p.ref)).onFailure(SupervisorStrategy.restart));
    ref.tell({ type: "start", repeat: false });
    ref.tell({ type: "throw" });
    await h.settle();
    expect(p.receiveAll()).toEqual(["PreRestart active false"]);
  });

  it("TimerSpec: must cancel timers when stopped from exception", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(ticker(p.ref));
    ref.tell({ type: "start", repeat: true });
    ref.tell({ type: "throw" });
    await h.sim.advanceBy(500);
    expect(p.receiveAll()).toEqual([]);
    expect(h.sim.queued).toBe(0);
  });

  it("TimerSpec: must cancel timers when stopped voluntarily", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(ticker(p.ref));
    ref.tell({ type: "start", repeat: true });
    ref.tell({ type: "stop" });
    await h.sim.advanceBy(500);
    expect(p.receiveAll()).toEqual([]);
    expect(h.sim.queued).toBe(0);
  });

  it("TimerSpec: must keep timers when behavior changes", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withTimers<string>((timers) => {
        timers.startSingleTimer("k", "tick", 100);
        return Behaviors.receiveMessage<string>(() =>
          Behaviors.receiveMessage<string>((m) => {
            p.ref.tell(`second ${m}`);
            return Behaviors.same;
          }),
        );
      }),
    );
    ref.tell("switch");
    await h.sim.advanceBy(200);
    expect(p.receiveAll()).toEqual(["second tick"]);
  });

  it("TimerSpec: must allow for nested timers", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withTimers<string>((outer) =>
        Behaviors.withTimers<string>((inner) => {
          outer.startSingleTimer("outer", "outer", 100);
          inner.startSingleTimer("inner", "inner", 50);
          return Behaviors.receiveMessage<string>((m) => {
            p.ref.tell(m);
            return Behaviors.same;
          });
        }),
      ),
    );
    void ref;
    await h.sim.advanceBy(200);
    expect(p.receiveAll()).toEqual(["inner", "outer"]);
  });

  it("TimerSpec: must discard TimerMsg on restart", async () => {
    const h2 = new Harness();
    const p2 = h2.probe();
    const ref2 = h2.spawn(
      Behaviors.supervise(ticker(p2.ref, 10)).onFailure(SupervisorStrategy.restart),
    );
    ref2.tell({ type: "start", repeat: false });
    ref2.tell({ type: "throw" });
    await h2.sim.advanceBy(100);
    expect(p2.receiveAll()).toEqual(["PreRestart active false"]);
  });

  it("TimerSpec: must discard TimerMsg when exception from withTimers block", async () => {
    const h = new Harness();
    const p = h.probe();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.withTimers<string>((timers) => {
          attempts++;
          timers.startSingleTimer("k", "tick", 10);
          if (attempts === 1) throw new TestException("in setup");
          return Behaviors.receiveMessage<string>((m) => {
            p.ref.tell(m);
            return Behaviors.same;
          });
        }),
      ).onFailure(SupervisorStrategy.restartWithLimit(3, 10_000)),
    );
    void ref;
    await h.sim.advanceBy(100);
    expect(p.receiveAll()).toEqual(["tick"]);
  });
});

type Req =
  | { type: "ping"; replyTo: ActorRef<string> }
  | { type: "never"; replyTo: ActorRef<string> }
  | { type: "stop" };
const responder = Behaviors.receiveMessage<Req>((m) => {
  if (m.type === "ping") m.replyTo.tell("pong");
  if (m.type === "stop") return Behaviors.stopped;
  return Behaviors.same;
});

describe("AskSpec (conformance)", () => {
  it("AskSpec: Ask pattern must succeed when the actor is alive", async () => {
    const h = new Harness();
    const ref = h.spawn(responder);
    const reply = ask<Req, string>(ref, (replyTo) => ({ type: "ping", replyTo }), {
      timeout: 1_000,
    });
    await h.settle();
    expect(await reply).toBe("pong");
  });

  it("AskSpec: must fail the future if the actor is already terminated and publish future asks to dead-letter", async () => {
    const h = new Harness();
    const ref = h.spawn(responder);
    ref.tell({ type: "stop" });
    await h.settle();
    const reply = ask<Req, string>(ref, (replyTo) => ({ type: "ping", replyTo }), {
      timeout: 60_000,
    });
    // It fails without waiting out the timeout: the virtual clock has not moved.
    await expect(reply).rejects.toBeInstanceOf(AskTimeoutError);
    expect(h.sim.now()).toBe(0);
    expect(h.deadLetters().some((m) => (m as Req).type === "ping")).toBe(true);
  });

  it("AskSpec: must fail the future if the actor doesn't reply in time", async () => {
    const h = new Harness();
    const ref = h.spawn(responder);
    const reply = ask<Req, string>(ref, (replyTo) => ({ type: "never", replyTo }), {
      timeout: 500,
    });
    const outcome = reply.catch((e: unknown) => e);
    await h.settle();
    const error = await outcome;
    expect(error).toBeInstanceOf(AskTimeoutError);
    expect(h.sim.now()).toBe(500);
  });

  it("AskSpec: must publish dead-letter if the AskPattern.ask has completed on timeout", async () => {
    const h = new Harness();
    let late: ActorRef<string> | undefined;
    const ref = h.spawn(
      Behaviors.receiveMessage<Req>((m) => {
        if (m.type === "never") late = m.replyTo;
        return Behaviors.same;
      }),
    );
    const reply = ask<Req, string>(ref, (replyTo) => ({ type: "never", replyTo }), {
      timeout: 100,
    }).catch(() => "timed out");
    await h.settle();
    expect(await reply).toBe("timed out");
    late?.tell("too late");
    expect(h.deadLetters()).toContain("too late");
  });

  it("AskSpec: must fail asking actor if responder function throws", async () => {
    const h = new Harness();
    const ref = h.spawn(responder);
    // The error comes back through the promise, never thrown at the caller.
    let asked: Promise<string> | undefined;
    expect(() => {
      asked = ask<Req, string>(
        ref,
        () => {
          throw new TestException("in request");
        },
        { timeout: 100 },
      );
    }).not.toThrow();
    await expect(asked).rejects.toThrow("in request");
  });
});
