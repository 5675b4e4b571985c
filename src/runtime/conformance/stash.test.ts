import { describe, expect, it } from "vitest";
import {
  type ActorRef,
  type Behavior,
  Behaviors,
  type StashBuffer,
  StashOverflowError,
  SupervisorStrategy,
} from "../index";
import { Harness, TestException } from "./harness";

/**
 * Runs `body` inside an actor, with a stash of `capacity`, once the actor gets "go"; returns
 * what the probe saw.
 */
async function withStash<T>(
  capacity: number,
  body: (stash: StashBuffer<T>, probe: ActorRef<unknown>) => Behavior<T> | undefined,
  messages: T[] = [],
) {
  const h = new Harness();
  const p = h.probe();
  const ref = h.spawn(
    Behaviors.withStash<T>(capacity, (stash) => body(stash, p.ref) ?? Behaviors.ignore),
  );
  for (const m of messages) ref.tell(m);
  await h.settle();
  return { h, p, ref };
}

const recorder = (probe: ActorRef<unknown>, tag = ""): Behavior<unknown> =>
  Behaviors.receiveMessage((m) => {
    probe.tell(`${tag}${String(m)}`);
    return Behaviors.same;
  });

describe("StashBufferSpec (conformance)", () => {
  it("StashBufferSpec: A StashBuffer must answer empty correctly", async () => {
    await withStash<string>(10, (stash, p) => {
      p.tell(stash.isEmpty());
      stash.stash("m1");
      p.tell(stash.isEmpty());
      return undefined;
    }).then(({ p }) => expect(p.receiveAll()).toEqual([true, false]));
  });

  it("StashBufferSpec: must append and drop", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      stash.stash("m1");
      stash.stash("m2");
      p.tell(stash.size);
      stash.clear();
      p.tell(stash.size);
      return undefined;
    });
    expect(p.receiveAll()).toEqual([2, 0]);
  });

  it("StashBufferSpec: must enforce capacity", async () => {
    const { p } = await withStash<string>(2, (stash, p) => {
      stash.stash("m1");
      stash.stash("m2");
      p.tell(stash.isFull());
      try {
        stash.stash("m3");
      } catch (error) {
        p.tell(error instanceof StashOverflowError);
      }
      p.tell(stash.size);
      return undefined;
    });
    expect(p.receiveAll()).toEqual([true, true, 2]);
  });

  it("StashBufferSpec: must process elements in the right order", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      for (const m of ["m1", "m2", "m3"]) stash.stash(m);
      return stash.unstashAll(recorder(p) as Behavior<string>);
    });
    expect(p.receiveAll()).toEqual(["m1", "m2", "m3"]);
  });

  it("StashBufferSpec: must answer truthfully about its capacity", async () => {
    const { p } = await withStash<string>(42, (stash, p) => {
      p.tell(stash.capacity);
      return undefined;
    });
    expect(p.receiveAll()).toEqual([42]);
  });

  it("StashBufferSpec: must unstash to returned behaviors", async () => {
    const counting = (probe: ActorRef<unknown>, n: number): Behavior<string> =>
      Behaviors.receiveMessage((m) => {
        probe.tell(`${m}:${n}`);
        return counting(probe, n + 1);
      });
    const { p } = await withStash<string>(10, (stash, p) => {
      for (const m of ["a", "b", "c"]) stash.stash(m);
      return stash.unstashAll(counting(p, 1));
    });
    expect(p.receiveAll()).toEqual(["a:1", "b:2", "c:3"]);
  });

  it("StashBufferSpec: must undefer returned behaviors when unstashing", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      for (const m of ["a", "b"]) stash.stash(m);
      return stash.unstashAll(
        Behaviors.receiveMessage<string>((m) => {
          p.tell(`first ${m}`);
          return Behaviors.setup<string>(() => {
            p.tell("setup");
            return Behaviors.receiveMessage<string>((m2) => {
              p.tell(`second ${m2}`);
              return Behaviors.same;
            });
          });
        }),
      );
    });
    expect(p.receiveAll()).toEqual(["first a", "setup", "second b"]);
  });

  it("StashBufferSpec: must be able to stash while unstashing", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      for (const m of ["a", "b", "c"]) stash.stash(m);
      const next = stash.unstashAll(
        Behaviors.receiveMessage<string>((m) => {
          if (m === "b") stash.stash("b2");
          p.tell(m);
          return Behaviors.same;
        }),
      );
      p.tell(stash.size);
      return next;
    });
    expect(p.receiveAll()).toEqual(["a", "b", "c", 1]);
  });

  it("StashBufferSpec: must unstash at most the number of messages in the buffer", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      for (const m of ["a", "b"]) stash.stash(m);
      const next = stash.unstash(recorder(p) as Behavior<string>, 10);
      p.tell(stash.size);
      return next;
    });
    expect(p.receiveAll()).toEqual(["a", "b", 0]);
  });

  it("StashBufferSpec: must clear", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      stash.stash("a");
      stash.clear();
      return stash.unstashAll(recorder(p) as Behavior<string>);
    });
    expect(p.receiveAll()).toEqual([]);
  });

  it("StashBufferSpec: must be able to clear while unstashing", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      for (const m of ["a", "b", "c"]) stash.stash(m);
      return stash.unstashAll(
        Behaviors.receiveMessage<string>((m) => {
          p.tell(m);
          if (m === "a") stash.clear();
          return Behaviors.same;
        }),
      );
    });
    // clear() ends the unstash: b and c are gone.
    expect(p.receiveAll()).toEqual(["a"]);
  });

  it("StashBufferSpec: must fail quick on invalid start behavior", async () => {
    const { p } = await withStash<string>(10, (stash, p) => {
      stash.stash("a");
      try {
        stash.unstashAll(Behaviors.unhandled);
      } catch (error) {
        p.tell(error instanceof Error);
      }
      return undefined;
    });
    expect(p.receiveAll()).toEqual([true]);
  });
});

type Msg =
  | { type: "stash"; v: string }
  | { type: "unstashAll" }
  | { type: "unstash"; n: number }
  | { type: "get" }
  | { type: "throw" }
  | { type: "stop" };

/** After StashSpec's actor: stashes values until told to unstash, records what it handles. */
function stasher(probe: ActorRef<unknown>, capacity = 100): Behavior<Msg> {
  return Behaviors.withStash<Msg>(capacity, (stash) => {
    const active = (seen: string[]): Behavior<Msg> =>
      Behaviors.receive<Msg>(
        (_c, m) => {
          switch (m.type) {
            case "stash":
              probe.tell(`handled ${m.v}`);
              return active([...seen, m.v]);
            case "get":
              probe.tell(seen);
              return Behaviors.same;
            case "throw":
              throw new TestException("boom");
            case "stop":
              return Behaviors.stopped;
            default:
              return Behaviors.same;
          }
        },
        (_c, s) => {
          probe.tell(`active ${s.type}`);
          return Behaviors.same;
        },
      );
    const stashing: Behavior<Msg> = Behaviors.receive<Msg>(
      (_c, m) => {
        switch (m.type) {
          case "stash":
            stash.stash(m);
            return Behaviors.same;
          case "unstashAll":
            return stash.unstashAll(active([]));
          case "unstash":
            return stash.unstash(active([]), m.n);
          case "get":
            probe.tell(`stashed ${stash.size}`);
            return Behaviors.same;
          case "throw":
            throw new TestException("boom");
          case "stop":
            return Behaviors.stopped;
        }
      },
      (_c, s) => {
        probe.tell(`stashing ${s.type}`);
        return Behaviors.same;
      },
    );
    return stashing;
  });
}

describe("StashSpec (conformance)", () => {
  it("StashSpec: must support unstash all", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(stasher(p.ref));
    for (const v of ["a", "b", "c"]) ref.tell({ type: "stash", v });
    ref.tell({ type: "get" });
    ref.tell({ type: "unstashAll" });
    ref.tell({ type: "get" });
    await h.settle();
    expect(p.receiveAll()).toEqual([
      "stashed 3",
      "handled a",
      "handled b",
      "handled c",
      ["a", "b", "c"],
    ]);
  });

  it("StashSpec: must support unstash a few at a time", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(stasher(p.ref));
    for (const v of ["a", "b", "c"]) ref.tell({ type: "stash", v });
    ref.tell({ type: "unstash", n: 2 });
    ref.tell({ type: "get" });
    await h.settle();
    expect(p.receiveAll()).toEqual(["handled a", "handled b", ["a", "b"]]);
  });

  it("StashSpec: Unstashing must work with initial Behaviors.same", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m === "go") return stash.unstashAll(Behaviors.same);
          if (m.startsWith("s")) stash.stash(`x${m}`);
          else p.ref.tell(m);
          return Behaviors.same;
        }),
      ),
    );
    ref.tell("s1");
    ref.tell("s2");
    ref.tell("go");
    await h.settle();
    expect(p.receiveAll()).toEqual(["xs1", "xs2"]);
  });

  it("StashSpec: Unstashing must work with intermediate Behaviors.same", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m !== "go") {
            stash.stash(m);
            return Behaviors.same;
          }
          return stash.unstashAll(
            Behaviors.receiveMessage<string>((u) => {
              p.ref.tell(u);
              return Behaviors.same;
            }),
          );
        }),
      ),
    );
    for (const m of ["a", "b", "go", "c"]) ref.tell(m);
    await h.settle();
    expect(p.receiveAll()).toEqual(["a", "b", "c"]);
  });

  it("StashSpec: Unstashing must signal PostStop to the latest unstashed behavior on failure", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(stasher(p.ref));
    ref.tell({ type: "stash", v: "a" });
    ref.tell({ type: "throw" } as Msg);
    await h.settle();
    p.receiveAll();
    const ref2 = h.spawn(
      Behaviors.withStash<Msg>(10, (stash) =>
        Behaviors.receive<Msg>(
          (_c, m) => {
            if (m.type === "unstashAll") {
              return stash.unstashAll(
                Behaviors.receive<Msg>(
                  () => {
                    throw new TestException("in unstash");
                  },
                  (_c2, s) => {
                    p.ref.tell(`unstashed ${s.type}`);
                    return Behaviors.same;
                  },
                ),
              );
            }
            stash.stash(m);
            return Behaviors.same;
          },
          (_c, s) => {
            p.ref.tell(`initial ${s.type}`);
            return Behaviors.same;
          },
        ),
      ),
    );
    ref2.tell({ type: "stash", v: "x" });
    ref2.tell({ type: "unstashAll" });
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
    expect(p.receiveAll()).toEqual(["unstashed PostStop"]);
  });

  it("StashSpec: Unstashing must signal PreRestart to the latest unstashed behavior on failure with restart supervision", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.withStash<Msg>(10, (stash) =>
          Behaviors.receive<Msg>((_c, m) => {
            if (m.type === "unstashAll") {
              return stash.unstashAll(
                Behaviors.receive<Msg>(
                  () => {
                    throw new TestException("in unstash");
                  },
                  (_c2, s) => {
                    p.ref.tell(`unstashed ${s.type}`);
                    return Behaviors.same;
                  },
                ),
              );
            }
            stash.stash(m);
            return Behaviors.same;
          }),
        ),
      ).onFailure(SupervisorStrategy.restart),
    );
    ref.tell({ type: "stash", v: "x" });
    ref.tell({ type: "unstashAll" });
    await h.settle();
    expect(p.receiveAll()).toEqual(["unstashed PreRestart"]);
  });

  it("StashSpec: Unstashing must handle resume correctly on failure unstashing", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.supervise(
        Behaviors.withStash<string>(10, (stash) =>
          Behaviors.receiveMessage<string>((m) => {
            if (m !== "go") {
              stash.stash(m);
              return Behaviors.same;
            }
            return stash.unstashAll(
              Behaviors.receiveMessage<string>((u) => {
                if (u === "bad") throw new TestException("bad");
                p.ref.tell(u);
                return Behaviors.same;
              }),
            );
          }),
        ),
      ).onFailure(SupervisorStrategy.resume),
    );
    for (const m of ["a", "bad", "b", "go"]) ref.tell(m);
    await h.settle();
    // "a" was handled, "bad" failed and was dropped; "b" is still stashed, and the actor goes on
    // with the behaviour the unstash had reached.
    ref.tell("c");
    await h.settle();
    expect(p.receiveAll()).toEqual(["a", "c"]);
  });

  it("StashSpec: Unstashing must be possible in combination with setup", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m !== "go") {
            stash.stash(m);
            return Behaviors.same;
          }
          return stash.unstashAll(
            Behaviors.setup<string>((ctx) => {
              p.ref.tell(`setup ${ctx.self.path.split("/").pop()}`);
              return Behaviors.receiveMessage<string>((u) => {
                p.ref.tell(u);
                return Behaviors.same;
              });
            }),
          );
        }),
      ),
      "combo",
    );
    for (const m of ["a", "b", "go"]) ref.tell(m);
    await h.settle();
    expect(p.receiveAll()).toEqual(["setup combo", "a", "b"]);
  });

  it("StashSpec: Unstashing must deal with unhandled the same way as normal unhandled", async () => {
    const h = new Harness();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m !== "go") {
            stash.stash(m);
            return Behaviors.same;
          }
          return stash.unstashAll(Behaviors.receiveMessage<string>(() => Behaviors.unhandled));
        }),
      ),
    );
    ref.tell("a");
    ref.tell("go");
    await h.settle();
    expect(
      h.events
        .filter((e) => e.type === "unhandled")
        .map((e) => (e as { message: unknown }).message),
    ).toEqual(["a"]);
    expect(h.stopped(ref.path)).toBe(false);
  });

  it("StashSpec: Unstashing must deal with stop", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m !== "go") {
            stash.stash(m);
            return Behaviors.same;
          }
          return stash.unstashAll(
            Behaviors.receiveMessage<string>((u) => {
              p.ref.tell(u);
              return u === "stop" ? Behaviors.stopped : Behaviors.same;
            }),
          );
        }),
      ),
    );
    for (const m of ["a", "stop", "b", "go"]) ref.tell(m);
    await h.settle();
    expect(p.receiveAll()).toEqual(["a", "stop"]);
    expect(h.stopped(ref.path)).toBe(true);
    expect(h.deadLetters()).toContain("b");
  });

  it("StashSpec: Unstashing must deal with initial stop", async () => {
    const h = new Harness();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m !== "go") {
            stash.stash(m);
            return Behaviors.same;
          }
          return stash.unstashAll(Behaviors.stopped);
        }),
      ),
    );
    for (const m of ["a", "b", "go"]) ref.tell(m);
    await h.settle();
    expect(h.stopped(ref.path)).toBe(true);
    expect(h.deadLetters()).toEqual(["a", "b"]);
  });

  it("StashSpec: unstashed messages are handled before the mailbox, not through it", async () => {
    const h = new Harness();
    const p = h.probe();
    const ref = h.spawn(
      Behaviors.withStash<string>(10, (stash) =>
        Behaviors.receiveMessage<string>((m) => {
          if (m === "go") {
            const next = stash.unstashAll(
              Behaviors.receiveMessage<string>((u) => {
                p.ref.tell(u);
                return Behaviors.same;
              }),
            );
            // Already handled: nothing is left to clear.
            p.ref.tell(`left ${stash.size}`);
            return next;
          }
          stash.stash(m);
          return Behaviors.same;
        }),
      ),
    );
    for (const m of ["a", "b", "go", "c"]) ref.tell(m);
    await h.settle();
    expect(p.receiveAll()).toEqual(["a", "b", "left 0", "c"]);
  });
});
