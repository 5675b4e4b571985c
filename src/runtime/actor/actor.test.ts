import { describe, expect, it } from "vitest";
import {
  ActorSystem,
  AskTimeoutError,
  ask,
  type Behavior,
  Behaviors,
  type Signal,
  StashOverflowError,
  SupervisorStrategy,
  type SystemEvent,
  TestProbe,
  VirtualScheduler,
} from "../index";

function testSystem<T>(guardian: Behavior<T>, seed = 1) {
  const sim = new VirtualScheduler();
  const system = ActorSystem.create(guardian, "test", { scheduler: sim, seed });
  const events: SystemEvent[] = [];
  system.observe((e) => events.push(e));
  return { sim, system, events };
}

type CounterMsg = { type: "inc" } | { type: "get"; replyTo: { tell(n: number): void } };
const counter = (n: number): Behavior<CounterMsg> =>
  Behaviors.receiveMessage((msg) => {
    if (msg.type === "inc") return counter(n + 1);
    msg.replyTo.tell(n);
    return Behaviors.same;
  });

describe("behaviours and messaging", () => {
  it("handles messages one at a time and switches behaviour", async () => {
    const { sim, system } = testSystem(counter(0));
    for (let i = 0; i < 5; i++) system.tell({ type: "inc" });
    const reply = ask<CounterMsg, number>(system.ref, (replyTo) => ({ type: "get", replyTo }), {
      timeout: 1_000,
    });
    await sim.runUntilIdle();
    expect(await reply).toBe(5);
  });

  it("setup runs once at start and gives the context", async () => {
    let setups = 0;
    const probe = new TestProbe<string>();
    const { sim } = testSystem(
      Behaviors.setup<string>((ctx) => {
        setups++;
        probe.ref.tell(ctx.self.path);
        return Behaviors.ignore;
      }),
    );
    await sim.runUntilIdle();
    expect(setups).toBe(1);
    expect(probe.receiveMessage()).toBe("test/user");
  });

  it("ask times out on the virtual clock, and a late reply becomes a dead letter", async () => {
    const { sim, system } = testSystem(Behaviors.ignore as Behavior<{ replyTo: unknown }>);
    const reply = ask(system.ref, (replyTo) => ({ replyTo }), { timeout: 500 });
    const failed = expect(reply).rejects.toBeInstanceOf(AskTimeoutError);
    await sim.advanceBy(499);
    let settled = false;
    reply.catch(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await sim.advanceBy(1);
    await failed;
  });

  it("sends messages for stopped actors to dead letters", async () => {
    const { sim, system } = testSystem(
      Behaviors.receiveMessage<string>((m) => (m === "stop" ? Behaviors.stopped : Behaviors.same)),
    );
    system.tell("stop");
    await sim.runUntilIdle();
    system.tell("hello?");
    expect(system.deadLetters.list().map((d) => d.message)).toContain("hello?");
    expect(system.isTerminated).toBe(true);
  });

  it("reports unhandled messages without stopping", async () => {
    const { sim, system, events } = testSystem(
      Behaviors.receiveMessage<string>(() => Behaviors.unhandled),
    );
    system.tell("what");
    await sim.runUntilIdle();
    expect(events).toContainEqual({ type: "unhandled", path: "test/user", message: "what" });
    expect(system.isTerminated).toBe(false);
  });

  it("messageAdapter and pipeToSelf run their mapping inside the actor", async () => {
    const probe = new TestProbe<string>();
    const { sim } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const adapter = ctx.messageAdapter<number>((n) => `n=${n}`);
        adapter.tell(7);
        ctx.pipeToSelf(Promise.resolve(3), (o) => (o.ok ? `piped ${o.value}` : "failed"));
        ctx.pipeToSelf(Promise.reject(new Error("x")), (o) => (o.ok ? "?" : "rejected"));
        return Behaviors.receiveMessage((m) => {
          probe.ref.tell(m);
          return Behaviors.same;
        });
      }),
    );
    await sim.runUntilIdle();
    expect(probe.receiveAll().sort()).toEqual(["n=7", "piped 3", "rejected"]);
  });
});

describe("children, stopping and watching", () => {
  it("stopping a parent stops its children first, then the parent gets PostStop", async () => {
    const order: string[] = [];
    const leaf = (name: string): Behavior<string> =>
      Behaviors.receive<string>(
        () => Behaviors.same,
        (_ctx, s) => {
          if (s.type === "PostStop") order.push(name);
          return Behaviors.same;
        },
      );
    const parent = Behaviors.setup<string>((ctx) => {
      const a = ctx.spawn(
        Behaviors.setup<string>((c) => {
          c.spawn(leaf("grandchild"), "g");
          return Behaviors.receive<string>(
            () => Behaviors.same,
            (_c, s) => {
              if (s.type === "PostStop") order.push("child-a");
              return Behaviors.same;
            },
          );
        }),
        "a",
      );
      ctx.spawn(leaf("child-b"), "b");
      expect(a.path).toBe("test/user/a");
      return Behaviors.receive<string>(
        () => Behaviors.stopped,
        (_c, s) => {
          if (s.type === "PostStop") order.push("parent");
          return Behaviors.same;
        },
      );
    });
    const { sim, system, events } = testSystem(parent);
    system.tell("stop");
    await sim.runUntilIdle();
    expect(order).toEqual(["grandchild", "child-a", "child-b", "parent"]);
    expect(events.filter((e) => e.type === "stopped").map((e) => e.path)).toContain(
      "test/user/a/g",
    );
  });

  it("watch delivers exactly one Terminated, also for an already-dead actor", async () => {
    const signals: Signal[] = [];
    const watcher = Behaviors.setup<string>((ctx) => {
      const child = ctx.spawn(
        Behaviors.receiveMessage<string>(() => Behaviors.stopped),
        "child",
      );
      ctx.watch(child);
      ctx.watch(child); // watching twice must not double the signal
      return Behaviors.receive<string>(
        (c, msg) => {
          if (msg === "kill") child.tell("now");
          if (msg === "rewatch") c.watch(child);
          return Behaviors.same;
        },
        (_c, s) => {
          signals.push(s);
          return Behaviors.same;
        },
      );
    });
    const { sim, system } = testSystem(watcher);
    system.tell("kill");
    await sim.runUntilIdle();
    expect(signals.map((s) => s.type)).toEqual(["Terminated"]);
    system.tell("rewatch");
    await sim.runUntilIdle();
    expect(signals.map((s) => s.type)).toEqual(["Terminated", "Terminated"]);
  });

  it("unwatch means no Terminated arrives", async () => {
    const signals: Signal[] = [];
    const { sim, system } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const child = ctx.spawn(Behaviors.ignore as Behavior<string>, "child");
        ctx.watch(child);
        return Behaviors.receive<string>(
          (c) => {
            c.unwatch(child);
            c.stop(child);
            return Behaviors.same;
          },
          (_c, s) => {
            signals.push(s);
            return Behaviors.same;
          },
        );
      }),
    );
    system.tell("go");
    await sim.runUntilIdle();
    expect(signals).toEqual([]);
  });

  it("unwatch drops a Terminated that is already in the mailbox", async () => {
    const signals: Signal[] = [];
    const { sim, system } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const child = ctx.spawn(Behaviors.ignore as Behavior<string>, "child");
        ctx.watch(child);
        return Behaviors.receive<string>(
          (c) => {
            c.stop(child); // Terminated is enqueued now…
            c.unwatch(child); // …and must not be delivered after this
            return Behaviors.same;
          },
          (_c, s) => {
            signals.push(s);
            return Behaviors.same;
          },
        );
      }),
    );
    system.tell("go");
    await sim.runUntilIdle();
    expect(signals).toEqual([]);
    expect(system.isTerminated).toBe(false);
  });

  it("an unhandled Terminated fails the watcher (death pact)", async () => {
    const { sim, system } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const child = ctx.spawn(
          Behaviors.receiveMessage<string>(() => Behaviors.stopped),
          "child",
        );
        ctx.watch(child);
        child.tell("stop");
        return Behaviors.receiveMessage<string>(() => Behaviors.same);
      }),
    );
    await sim.runUntilIdle();
    expect(system.isTerminated).toBe(true);
  });

  it("watchWith delivers the chosen message instead of the signal", async () => {
    const probe = new TestProbe<string>();
    const { sim } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const child = ctx.spawn(
          Behaviors.receiveMessage<string>(() => Behaviors.stopped),
          "child",
        );
        ctx.watchWith(child, "child is gone");
        child.tell("stop");
        return Behaviors.receiveMessage((m) => {
          probe.ref.tell(m);
          return Behaviors.same;
        });
      }),
    );
    await sim.runUntilIdle();
    expect(probe.receiveAll()).toEqual(["child is gone"]);
  });

  it("refuses duplicate child names and stopping someone else's actor", async () => {
    const { sim } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const a = ctx.spawn(Behaviors.ignore as Behavior<string>, "a");
        expect(() => ctx.spawn(Behaviors.ignore as Behavior<string>, "a")).toThrow(
          /already has a child/,
        );
        const grandchild = ctx.spawn(
          Behaviors.setup<string>((c) => {
            c.spawn(Behaviors.ignore as Behavior<string>, "inner");
            return Behaviors.ignore;
          }),
          "b",
        );
        expect(() => ctx.stop(a)).not.toThrow();
        expect(grandchild.path).toBe("test/user/b");
        return Behaviors.ignore;
      }),
    );
    await sim.runUntilIdle();
  });
});

describe("supervision", () => {
  const flaky = (log: string[]): Behavior<string> =>
    Behaviors.setup(() => {
      log.push("started");
      let count = 0;
      return Behaviors.receive<string>(
        (_c, msg) => {
          if (msg === "boom") throw new Error("boom");
          count++;
          log.push(`count=${count}`);
          return Behaviors.same;
        },
        (_c, signal) => {
          log.push(signal.type);
          return Behaviors.same;
        },
      );
    });

  it("stops by default, and watchers see ChildFailed", async () => {
    const log: string[] = [];
    const seen: Signal[] = [];
    const { sim, system } = testSystem(
      Behaviors.setup<string>((ctx) => {
        const child = ctx.spawn(flaky(log), "flaky");
        ctx.watch(child);
        return Behaviors.receive<string>(
          (_c, m) => {
            child.tell(m);
            return Behaviors.same;
          },
          (_c, s) => {
            seen.push(s);
            return Behaviors.same;
          },
        );
      }),
    );
    system.tell("a");
    system.tell("boom");
    system.tell("b");
    await sim.runUntilIdle();
    expect(log).toEqual(["started", "count=1", "PostStop"]);
    expect(seen.map((s) => s.type)).toEqual(["ChildFailed"]);
  });

  it("resume keeps the state, restart throws it away after PreRestart", async () => {
    const resumeLog: string[] = [];
    const r = testSystem(
      Behaviors.supervise(flaky(resumeLog)).onFailure(SupervisorStrategy.resume),
    );
    for (const m of ["a", "boom", "b"]) r.system.tell(m);
    await r.sim.runUntilIdle();
    expect(resumeLog).toEqual(["started", "count=1", "count=2"]);

    const restartLog: string[] = [];
    const s = testSystem(
      Behaviors.supervise(flaky(restartLog)).onFailure(SupervisorStrategy.restart),
    );
    for (const m of ["a", "boom", "b"]) s.system.tell(m);
    await s.sim.runUntilIdle();
    expect(restartLog).toEqual(["started", "count=1", "PreRestart", "started", "count=1"]);
  });

  it("restart with a limit stops after too many failures", async () => {
    const log: string[] = [];
    const { sim, system } = testSystem(
      Behaviors.supervise(flaky(log)).onFailure(SupervisorStrategy.restartWithLimit(2, 10_000)),
    );
    for (const m of ["boom", "boom", "boom", "a"]) system.tell(m);
    await sim.runUntilIdle();
    expect(log.filter((l) => l === "started")).toHaveLength(3);
    expect(system.isTerminated).toBe(true);
  });

  it("chooses the strategy by error class", async () => {
    class Transient extends Error {}
    const log: string[] = [];
    const b = Behaviors.setup<string>(() => {
      log.push("started");
      return Behaviors.receiveMessage((m) => {
        if (m === "transient") throw new Transient("t");
        if (m === "fatal") throw new Error("f");
        log.push(m);
        return Behaviors.same;
      });
    });
    const { sim, system } = testSystem(
      Behaviors.supervise(b)
        .onFailure(Transient, SupervisorStrategy.resume)
        .onFailure(SupervisorStrategy.stop),
    );
    for (const m of ["x", "transient", "y", "fatal", "z"]) system.tell(m);
    await sim.runUntilIdle();
    expect(log).toEqual(["started", "x", "y"]);
    expect(system.isTerminated).toBe(true);
  });

  it("restart with backoff waits min·2ⁿ capped at max, and resets after a quiet period", async () => {
    const starts: number[] = [];
    const b = Behaviors.setup<string>((ctx) => {
      starts.push(ctx.now());
      return Behaviors.receiveMessage((m) => {
        if (m === "boom") throw new Error("boom");
        return Behaviors.same;
      });
    });
    const strategy = SupervisorStrategy.restartWithBackoff({
      minBackoff: 100,
      maxBackoff: 500,
      randomFactor: 0,
      resetBackoffAfter: 10_000,
    });
    const { sim, system } = testSystem(Behaviors.supervise(b).onFailure(strategy));
    await sim.runUntilIdle();
    for (let i = 0; i < 5; i++) {
      system.tell("boom");
      await sim.runUntilIdle();
    }
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    expect(gaps).toEqual([100, 200, 400, 500, 500]);
    await sim.advanceBy(20_000);
    const before = sim.now();
    system.tell("boom");
    await sim.runUntilIdle();
    expect((starts.at(-1) as number) - before).toBe(100);
  });

  it("backoff jitter stays within the random factor and messages wait for the restart", async () => {
    const handled: Array<[string, number]> = [];
    const b = Behaviors.setup<string>((ctx) =>
      Behaviors.receiveMessage((m) => {
        if (m === "boom") throw new Error("boom");
        handled.push([m, ctx.now()]);
        return Behaviors.same;
      }),
    );
    const { sim, system } = testSystem(
      Behaviors.supervise(b).onFailure(
        SupervisorStrategy.restartWithBackoff({
          minBackoff: 1_000,
          maxBackoff: 8_000,
          randomFactor: 0.5,
        }),
      ),
    );
    system.tell("boom");
    system.tell("after");
    await sim.runUntilIdle();
    expect(handled).toHaveLength(1);
    const [message, at] = handled[0] as [string, number];
    expect(message).toBe("after");
    expect(at).toBeGreaterThanOrEqual(1_000);
    expect(at).toBeLessThan(1_500);
  });
});

describe("stash and timers", () => {
  it("keeps stashed messages in order ahead of later mail", async () => {
    const probe = new TestProbe<string>();
    const active: Behavior<string> = Behaviors.receiveMessage((m) => {
      probe.ref.tell(m);
      return Behaviors.same;
    });
    const { sim, system } = testSystem(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage((m) => {
          if (m === "open") return stash.unstashAll(active);
          stash.stash(m);
          return Behaviors.same;
        }),
      ),
    );
    for (const m of ["a", "b", "open", "c"]) system.tell(m);
    await sim.runUntilIdle();
    expect(probe.receiveAll()).toEqual(["a", "b", "c"]);
  });

  it("a full stash throws StashOverflowError", async () => {
    const errors: unknown[] = [];
    const { sim, system } = testSystem(
      Behaviors.withStash<string>(2, (stash) =>
        Behaviors.receiveMessage((m) => {
          try {
            stash.stash(m);
          } catch (e) {
            errors.push(e);
          }
          return Behaviors.same;
        }),
      ),
    );
    for (const m of ["a", "b", "c"]) system.tell(m);
    await sim.runUntilIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StashOverflowError);
  });

  it("restarting a timer key drops the old message even if it was already due", async () => {
    const probe = new TestProbe<string>();
    const { sim, system } = testSystem(
      Behaviors.setup<string>((ctx) =>
        Behaviors.withTimers<string>((timers) =>
          Behaviors.receiveMessage((m) => {
            if (m === "arm") timers.startSingleTimer("k", "first", 100);
            else if (m === "rearm") timers.startSingleTimer("k", "second", 100);
            else probe.ref.tell(`${m}@${ctx.now()}`);
            return Behaviors.same;
          }),
        ),
      ),
    );
    // At t=100 "rearm" reaches the mailbox just before the timer's envelope for "first" does,
    // so "first" is already enqueued when the key is restarted.
    sim.schedule(100, () => system.tell("rearm"));
    system.tell("arm");
    await sim.advanceBy(500);
    expect(probe.receiveAll()).toEqual(["second@200"]);
  });

  it("fixed-delay timers repeat until cancelled", async () => {
    const ticks: number[] = [];
    const { sim, system } = testSystem(
      Behaviors.setup<string>((ctx) =>
        Behaviors.withTimers<string>((timers) => {
          timers.startTimerWithFixedDelay("tick", "tick", 250);
          return Behaviors.receiveMessage((m) => {
            if (m === "tick") ticks.push(ctx.now());
            if (m === "cancel") timers.cancel("tick");
            return Behaviors.same;
          });
        }),
      ),
    );
    await sim.advanceBy(1_000);
    system.tell("cancel");
    await sim.advanceBy(1_000);
    expect(ticks).toEqual([250, 500, 750, 1_000]);
  });
});

describe("determinism", () => {
  it("the same seed gives the same random draws per actor, another seed differs", async () => {
    const draws = async (seed: number) => {
      const out: number[] = [];
      const { sim } = testSystem(
        Behaviors.setup<string>((ctx) => {
          for (let i = 0; i < 3; i++) out.push(ctx.random());
          return Behaviors.ignore;
        }),
        seed,
      );
      await sim.runUntilIdle();
      return out;
    };
    expect(await draws(5)).toEqual(await draws(5));
    expect(await draws(5)).not.toEqual(await draws(6));
  });
});
