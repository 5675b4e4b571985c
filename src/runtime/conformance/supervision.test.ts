import { describe, expect, it } from "vitest";
import { type ActorRef, type Behavior, Behaviors, type Signal, SupervisorStrategy } from "../index";
import { Exc1, Exc2, Exc3, Harness } from "./harness";

type Cmd =
  | { type: "ping"; n: number }
  | { type: "throw"; error: Error }
  | { type: "state" }
  | { type: "spawn"; name: string };

/** A target after SupervisionSpec's: counts pings, throws on demand, reports signals. */
function target(probe: ActorRef<unknown>, count = 0): Behavior<Cmd> {
  return Behaviors.receive<Cmd>(
    (ctx, msg) => {
      switch (msg.type) {
        case "ping":
          probe.tell({ pong: msg.n, count: count + 1 });
          return target(probe, count + 1);
        case "throw":
          throw msg.error;
        case "state":
          probe.tell({ count, children: ctx.children.length });
          return Behaviors.same;
        case "spawn":
          ctx.spawn(
            Behaviors.receiveSignal<never>((_c, s) => {
              probe.tell({ child: msg.name, signal: s.type });
              return Behaviors.same;
            }),
            msg.name,
          );
          return Behaviors.same;
      }
    },
    (_ctx, signal: Signal) => {
      probe.tell({ signal: signal.type });
      return Behaviors.same;
    },
  );
}

const backoff = (min = 100, max = 1_000, resetBackoffAfter?: number) =>
  SupervisorStrategy.restartWithBackoff({
    minBackoff: min,
    maxBackoff: max,
    randomFactor: 0,
    resetBackoffAfter,
  });

describe("SupervisionSpec (conformance)", () => {
  it("SupervisionSpec: A supervised actor must receive message", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(Behaviors.supervise(target(p.ref)).onFailure(SupervisorStrategy.restart));
    ref.tell({ type: "ping", n: 1 });
    await h.settle();
    expect(p.receiveMessage()).toEqual({ pong: 1, count: 1 });
  });

  it("SupervisionSpec: must default to stop when no strategy", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(target(p.ref));
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "ping", n: 1 });
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
    expect(p.receiveAll()).toEqual([{ signal: "PostStop" }]);
  });

  it("SupervisionSpec: must stop when strategy is stop", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(Exc1, SupervisorStrategy.stop),
    );
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must stop when strategy is stop - exception in setup", async () => {
    const h = new Harness();
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          throw new Exc1();
        }),
      ).onFailure(Exc1, SupervisorStrategy.stop),
    );
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must stop when unhandled exception", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(Exc1, SupervisorStrategy.restart),
    );
    ref.tell({ type: "throw", error: new Exc3() });
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must restart when handled exception", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(Exc1, SupervisorStrategy.restart),
    );
    ref.tell({ type: "ping", n: 1 });
    ref.tell({ type: "throw", error: new Exc2() });
    ref.tell({ type: "state" });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { pong: 1, count: 1 },
      { signal: "PreRestart" },
      { count: 0, children: 0 },
    ]);
  });

  it("SupervisionSpec: must resume when handled exception", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(Exc1, SupervisorStrategy.resume),
    );
    ref.tell({ type: "ping", n: 1 });
    ref.tell({ type: "throw", error: new Exc2() });
    ref.tell({ type: "state" });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { pong: 1, count: 1 },
      { count: 1, children: 0 },
    ]);
  });

  it("SupervisionSpec: must support nesting exceptions with different strategies", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.supervise(target(p.ref)).onFailure(Exc2, SupervisorStrategy.resume),
      ).onFailure(Exc3, SupervisorStrategy.restart),
    );
    ref.tell({ type: "ping", n: 1 });
    ref.tell({ type: "throw", error: new Exc2() });
    ref.tell({ type: "state" });
    ref.tell({ type: "throw", error: new Exc3() });
    ref.tell({ type: "state" });
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { pong: 1, count: 1 },
      { count: 1, children: 0 },
      { signal: "PreRestart" },
      { count: 0, children: 0 },
      { signal: "PostStop" },
    ]);
  });

  it("SupervisionSpec: must support nesting to handle different exceptions (innermost first)", async () => {
    const h = new Harness();
    const p = h.probe();
    // Both catch Exc1: the inner one, closest to the behaviour, decides.
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.supervise(target(p.ref)).onFailure(Exc1, SupervisorStrategy.resume),
      ).onFailure(Exc1, SupervisorStrategy.stop),
    );
    ref.tell({ type: "ping", n: 1 });
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "state" });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { pong: 1, count: 1 },
      { count: 1, children: 0 },
    ]);
    expect(h.stopped(ref.path)).toBe(false);
  });

  it("SupervisionSpec: must support nesting exceptions with outer restart and inner backoff strategies", async () => {
    const h = new Harness();
    const p = h.probe();
    let setups = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          setups++;
          return Behaviors.supervise(target(p.ref)).onFailure(Exc2, backoff(100, 100));
        }),
      ).onFailure(Exc3, SupervisorStrategy.restart),
    );
    ref.tell({ type: "throw", error: new Exc2() });
    ref.tell({ type: "ping", n: 1 });
    await h.settle();
    // The inner backoff rebuilt only what it wraps: the outer setup ran once.
    expect(setups).toBe(1);
    expect(h.sim.now()).toBeGreaterThanOrEqual(100);
    ref.tell({ type: "throw", error: new Exc3() });
    await h.settle();
    expect(setups).toBe(2);
    expect(h.stopped(ref.path)).toBe(false);
  });

  it("SupervisionSpec: must support nesting exceptions with inner restart and outer backoff strategies", async () => {
    const h = new Harness();
    const p = h.probe();
    let setups = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          setups++;
          return Behaviors.supervise(target(p.ref)).onFailure(Exc2, SupervisorStrategy.restart);
        }),
      ).onFailure(Exc3, backoff(100, 100)),
    );
    ref.tell({ type: "throw", error: new Exc2() });
    await h.settle();
    expect(setups).toBe(1);
    expect(h.sim.now()).toBe(0);
    ref.tell({ type: "throw", error: new Exc3() });
    ref.tell({ type: "ping", n: 1 });
    await h.settle();
    expect(setups).toBe(2);
    expect(h.sim.now()).toBeGreaterThanOrEqual(100);
    expect(p.receiveAll().at(-1)).toEqual({ pong: 1, count: 1 });
  });

  it("SupervisionSpec: must stop when restart limit is hit", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(
        Exc1,
        SupervisorStrategy.restartWithLimit(2, 60_000),
      ),
    );
    for (let i = 0; i < 3; i++) ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    expect(h.restarts(ref.path)).toBe(2);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must reset fixed limit after timeout", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(
        Exc1,
        SupervisorStrategy.restartWithLimit(2, 1_000),
      ),
    );
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    await h.sim.advanceBy(1_500);
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    expect(h.restarts(ref.path)).toBe(3);
    expect(h.stopped(ref.path)).toBe(false);
  });

  it("SupervisionSpec: must stop at first exception when restart retries limit is 0", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(
        Exc1,
        SupervisorStrategy.restartWithLimit(0, 1_000),
      ),
    );
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    expect(h.restarts(ref.path)).toBe(0);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must stop children when restarting", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(Exc1, SupervisorStrategy.restart),
    );
    ref.tell({ type: "spawn", name: "c1" });
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "state" });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { signal: "PreRestart" },
      { child: "c1", signal: "PostStop" },
      { count: 0, children: 0 },
    ]);
  });

  it("SupervisionSpec: must stop children when backoff", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(Behaviors.supervise(target(p.ref)).onFailure(Exc1, backoff()));
    ref.tell({ type: "spawn", name: "c1" });
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "state" });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { signal: "PreRestart" },
      { child: "c1", signal: "PostStop" },
      { count: 0, children: 0 },
    ]);
  });

  it("SupervisionSpec: must optionally NOT stop children when restarting", async () => {
    const h = new Harness();
    const p = h.probe();
    const keep: SupervisorStrategy = {
      ...SupervisorStrategy.restart,
      stopChildren: false,
    } as SupervisorStrategy;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>((ctx) => {
          // A child that survives the restart keeps its name: spawn only if it is gone.
          if (!ctx.child("kept")) ctx.spawn(Behaviors.ignore, "kept");
          return target(p.ref);
        }),
      ).onFailure(Exc1, keep),
    );
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "state" });
    await h.settle();
    expect(p.receiveAll()).toEqual([{ signal: "PreRestart" }, { count: 0, children: 1 }]);
  });

  it("SupervisionSpec: must restart after exponential backoff", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(Behaviors.supervise(target(p.ref)).onFailure(Exc1, backoff(100, 1_000)));
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "ping", n: 1 });
    await h.sim.advanceBy(99);
    expect(p.receiveAll()).toEqual([{ signal: "PreRestart" }]);
    await h.sim.advanceBy(1);
    await h.settle();
    expect(p.receiveAll()).toEqual([{ pong: 1, count: 1 }]);
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "ping", n: 2 });
    const before = h.sim.now();
    await h.settle();
    // The second consecutive failure waits twice as long.
    expect(
      h.events.filter((e) => e.type === "backoff").map((e) => (e as { delayMs: number }).delayMs),
    ).toEqual([100, 200]);
    expect(h.sim.now() - before).toBeGreaterThanOrEqual(200);
  });

  it("SupervisionSpec: must reset exponential backoff count after reset timeout", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(target(p.ref)).onFailure(Exc1, backoff(100, 1_000, 500)),
    );
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    await h.sim.advanceBy(600);
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    const delays = h.events
      .filter((e) => e.type === "backoff")
      .map((e) => (e as { delayMs: number }).delayMs);
    expect(delays).toEqual([100, 200, 100]);
  });

  it("SupervisionSpec: must default resetBackoffAfter to average of min and max backoff", () => {
    const s = SupervisorStrategy.restartWithBackoff({
      minBackoff: 100,
      maxBackoff: 300,
      randomFactor: 0,
    });
    expect(s.kind === "backoff" && s.resetBackoffAfter).toBe(200);
  });

  it("SupervisionSpec: must create underlying deferred behavior immediately", async () => {
    const h = new Harness();
    let started = false;
    h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          started = true;
          return Behaviors.empty;
        }),
      ).onFailure(SupervisorStrategy.restart),
    );
    expect(started).toBe(true);
  });

  it("SupervisionSpec: must fail instead of restart when deferred factory throws", async () => {
    const h = new Harness();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          attempts++;
          throw new Exc1();
        }),
      ).onFailure(Exc1, SupervisorStrategy.restart),
    );
    await h.settle();
    expect(attempts).toBe(1);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: a setup that always throws under unlimited restart fails the actor, not spawn's caller", async () => {
    const h = new Harness();
    const p = h.probe();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>((ctx) => {
          attempts++;
          // The first setup works; every restart's setup throws.
          if (attempts > 1) throw new Exc1();
          void ctx;
          return target(p.ref);
        }),
      ).onFailure(SupervisorStrategy.restart),
    );
    ref.tell({ type: "throw", error: new Exc1() });
    await h.settle();
    expect(attempts).toBe(2);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must fail to resume when deferred factory throws", async () => {
    const h = new Harness();
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          throw new Exc1();
        }),
      ).onFailure(Exc1, SupervisorStrategy.resume),
    );
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must restart with exponential backoff when deferred factory throws", async () => {
    const h = new Harness();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          attempts++;
          if (attempts <= 2) throw new Exc1();
          return Behaviors.empty;
        }),
      ).onFailure(Exc1, backoff(100, 1_000)),
    );
    await h.settle();
    expect(attempts).toBe(3);
    expect(h.sim.now()).toBeGreaterThanOrEqual(300);
    expect(h.stopped(ref.path)).toBe(false);
  });

  it("SupervisionSpec: must restart.withLimit when deferred factory throws", async () => {
    const h = new Harness();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          attempts++;
          if (attempts <= 1) throw new Exc1();
          return Behaviors.empty;
        }),
      ).onFailure(Exc1, SupervisorStrategy.restartWithLimit(3, 10_000)),
    );
    await h.settle();
    expect(attempts).toBe(2);
    expect(h.stopped(ref.path)).toBe(false);
  });

  it("SupervisionSpec: must fail after more than limit in restart.withLimit when deferred factory throws", async () => {
    const h = new Harness();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          attempts++;
          throw new Exc1();
        }),
      ).onFailure(Exc1, SupervisorStrategy.restartWithLimit(3, 10_000)),
    );
    await h.settle();
    expect(attempts).toBe(4);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must not recurse when a limited restart's setup throws many times", async () => {
    const h = new Harness();
    let attempts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          attempts++;
          throw new Exc1();
        }),
      ).onFailure(Exc1, SupervisorStrategy.restartWithLimit(5_000, 1e9)),
    );
    await h.settle();
    expect(attempts).toBe(5_001);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must replace supervision when new returned behavior catches same exception", async () => {
    const h = new Harness();
    const p = h.probe();
    // A behaviour that returns itself wrapped in the same supervision replaces the layer rather
    // than nesting one per message; a restart rebuilds what the newest layer wraps.
    const looping = (n: number): Behavior<Cmd> =>
      Behaviors.supervise(
        Behaviors.receiveMessage<Cmd>((msg) => {
          if (msg.type === "throw") throw msg.error;
          p.ref.tell(n);
          return looping(n + 1);
        }),
      ).onFailure(Exc1, SupervisorStrategy.restart);
    const ref = h.spawn(looping(0));
    for (let i = 0; i < 5; i++) ref.tell({ type: "ping", n: i });
    ref.tell({ type: "throw", error: new Exc1() });
    ref.tell({ type: "ping", n: 9 });
    await h.settle();
    expect(p.receiveAll()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.restarts(ref.path)).toBe(1);
  });

  it("SupervisionSpec: must be able to recover from a DeathPactException", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<string>((ctx) => {
          const child = ctx.spawn(
            Behaviors.receiveMessage<string>(() => Behaviors.stopped),
            "child",
          );
          ctx.watch(child);
          return Behaviors.receiveMessage<string>((m) => {
            if (m === "kill") child.tell("stop");
            else p.ref.tell(m);
            return Behaviors.same;
          });
        }),
      ).onFailure(SupervisorStrategy.restart),
    );
    ref.tell("kill");
    await h.settle();
    ref.tell("alive");
    await h.settle();
    expect(h.restarts(ref.path)).toBe(1);
    expect(p.receiveAll()).toEqual(["alive"]);
  });

  it("SupervisionSpec: that is initially stopped should be stopped", async () => {
    const h = new Harness();
    const ref = h.spawn(
      Behaviors.supervise(Behaviors.stopped as Behavior<Cmd>).onFailure(SupervisorStrategy.restart),
    );
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: that is stopped after setup should be stopped", async () => {
    const h = new Harness();
    const ref = h.spawn(
      Behaviors.supervise(Behaviors.setup<Cmd>(() => Behaviors.stopped)).onFailure(
        SupervisorStrategy.restart,
      ),
    );
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: that is stopped after restart should be stopped", async () => {
    const h = new Harness();
    let starts = 0;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>(() => {
          starts++;
          if (starts > 1) return Behaviors.stopped;
          return Behaviors.receiveMessage<Cmd>(() => {
            throw new Exc1();
          });
        }),
      ).onFailure(SupervisorStrategy.restart),
    );
    ref.tell({ type: "ping", n: 1 });
    await h.settle();
    expect(starts).toBe(2);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("SupervisionSpec: must apply supervision to adapter function", async () => {
    const h = new Harness();
    const p = h.probe();
    let adapter: ActorRef<number> | undefined;
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.setup<Cmd>((ctx) => {
          adapter = ctx.messageAdapter<number>((n) => {
            if (n < 0) throw new Exc1();
            return { type: "ping", n };
          });
          return target(p.ref);
        }),
      ).onFailure(Exc1, SupervisorStrategy.resume),
    );
    adapter?.tell(-1);
    adapter?.tell(5);
    await h.settle();
    expect(p.receiveAll()).toEqual([{ pong: 5, count: 1 }]);
    expect(h.stopped(ref.path)).toBe(false);
  });
});
