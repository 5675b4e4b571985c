import { describe, expect, it } from "vitest";
import {
  type ActorRef,
  type Behavior,
  Behaviors,
  DeathPactError,
  IllegalWatchError,
  SupervisorStrategy,
} from "../index";
import { Harness, TestException } from "./harness";

const stopper = Behaviors.receiveMessage<"stop" | "fail">((m) => {
  if (m === "fail") throw new TestException("child failed");
  return Behaviors.stopped;
});

/** A watcher that reports every signal and custom message it gets. */
function watcher(
  probe: ActorRef<unknown>,
  setup: (ctx: Parameters<Parameters<typeof Behaviors.setup<unknown>>[0]>[0]) => void,
): Behavior<unknown> {
  return Behaviors.setup<unknown>((ctx) => {
    setup(ctx);
    return Behaviors.receive<unknown>(
      (_c, m) => {
        probe.tell({ message: m });
        return Behaviors.same;
      },
      (_c, s) => {
        probe.tell({ signal: s.type, ref: "ref" in s ? s.ref.path : undefined });
        return Behaviors.same;
      },
    );
  });
}

describe("WatchSpec (conformance)", () => {
  it("WatchSpec: must get notified of graceful actor termination", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(watcher(p.ref, (ctx) => ctx.watch(target as ActorRef<never>)));
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([{ signal: "Terminated", ref: target.path }]);
  });

  it("WatchSpec: must notify a parent of child termination because of failure", async () => {
    const h = new Harness();
    const p = h.probe();
    h.spawn(
      watcher(p.ref, (ctx) => {
        const child = ctx.spawn(stopper, "child");
        ctx.watch(child as ActorRef<never>);
        child.tell("fail");
      }),
    );
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { signal: "ChildFailed", ref: expect.stringContaining("/child") },
    ]);
  });

  it("WatchSpec: must notify a parent of child termination because of failure with a supervisor", async () => {
    const h = new Harness();
    const p = h.probe();
    h.spawn(
      Behaviors.supervise(
        watcher(p.ref, (ctx) => {
          const child = ctx.spawn(stopper, "child");
          ctx.watch(child as ActorRef<never>);
          child.tell("fail");
        }),
      ).onFailure(SupervisorStrategy.restart),
    );
    await h.settle();
    expect(p.receiveAll()).toEqual([
      { signal: "ChildFailed", ref: expect.stringContaining("/child") },
    ]);
  });

  it("WatchSpec: must fail the actor itself with DeathPact if it does not accept Terminated", async () => {
    const h = new Harness();
    const target = h.spawn(stopper, "target");
    const ref = h.spawn(
      Behaviors.setup<string>((ctx) => {
        ctx.watch(target as ActorRef<never>);
        return Behaviors.receiveMessage<string>(() => Behaviors.same);
      }),
    );
    target.tell("stop");
    await h.settle();
    expect(h.failures(ref.path)[0]).toBeInstanceOf(DeathPactError);
    expect(h.stopped(ref.path)).toBe(true);
  });

  it("WatchSpec: must allow idempotent invocations of watch", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(
      watcher(p.ref, (ctx) => {
        ctx.watch(target as ActorRef<never>);
        ctx.watch(target as ActorRef<never>);
      }),
    );
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([{ signal: "Terminated", ref: target.path }]);
  });

  it("WatchSpec: must get notified of actor termination with a custom message", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(watcher(p.ref, (ctx) => ctx.watchWith(target as ActorRef<never>, "custom-terminated")));
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([{ message: "custom-terminated" }]);
  });

  it("WatchSpec: must allow idempotent invocations of watchWith with matching msgs", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(
      watcher(p.ref, (ctx) => {
        ctx.watchWith(target as ActorRef<never>, { gone: 1 });
        ctx.watchWith(target as ActorRef<never>, { gone: 1 });
      }),
    );
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([{ message: { gone: 1 } }]);
  });

  it("WatchSpec: must allow watch message definition after watch using unwatch", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(
      watcher(p.ref, (ctx) => {
        ctx.watch(target as ActorRef<never>);
        ctx.unwatch(target as ActorRef<never>);
        ctx.watchWith(target as ActorRef<never>, "custom");
      }),
    );
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([{ message: "custom" }]);
  });

  it("WatchSpec: must allow watch message redefinition using unwatch", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(
      watcher(p.ref, (ctx) => {
        ctx.watchWith(target as ActorRef<never>, "first");
        ctx.unwatch(target as ActorRef<never>);
        ctx.watchWith(target as ActorRef<never>, "second");
      }),
    );
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([{ message: "second" }]);
  });

  const conflict =
    (
      first: (
        ctx: { watch(r: ActorRef<never>): void; watchWith(r: ActorRef<never>, m: unknown): void },
        r: ActorRef<never>,
      ) => void,
      second: typeof first,
    ) =>
    async () => {
      const h = new Harness();
      const target = h.spawn(stopper, "target");
      const errors: unknown[] = [];
      h.spawn(
        Behaviors.setup<unknown>((ctx) => {
          first(ctx, target as ActorRef<never>);
          try {
            second(ctx, target as ActorRef<never>);
          } catch (error) {
            errors.push(error);
          }
          return Behaviors.ignore;
        }),
      );
      await h.settle();
      expect(errors[0]).toBeInstanceOf(IllegalWatchError);
    };

  it(
    "WatchSpec: must fail when watch is used after watchWith on same subject",
    conflict(
      (c, r) => c.watchWith(r, "m"),
      (c, r) => c.watch(r),
    ),
  );
  it(
    "WatchSpec: must fail when watchWitch is used after watchWith with different termination message",
    conflict(
      (c, r) => c.watchWith(r, "m1"),
      (c, r) => c.watchWith(r, "m2"),
    ),
  );
  it(
    "WatchSpec: must fail when watchWith is used after watch on same subject",
    conflict(
      (c, r) => c.watch(r),
      (c, r) => c.watchWith(r, "m"),
    ),
  );

  it("WatchSpec: Terminated arrives at once for an actor that has already stopped", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    target.tell("stop");
    await h.settle();
    h.spawn(watcher(p.ref, (ctx) => ctx.watch(target as ActorRef<never>)));
    await h.settle();
    expect(p.receiveAll()).toEqual([{ signal: "Terminated", ref: target.path }]);
  });

  it("WatchSpec: no Terminated arrives after unwatch", async () => {
    const h = new Harness();
    const p = h.probe();
    const target = h.spawn(stopper, "target");
    h.spawn(
      watcher(p.ref, (ctx) => {
        ctx.watch(target as ActorRef<never>);
        ctx.unwatch(target as ActorRef<never>);
      }),
    );
    target.tell("stop");
    await h.settle();
    expect(p.receiveAll()).toEqual([]);
  });
});
