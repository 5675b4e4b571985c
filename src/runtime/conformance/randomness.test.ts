import { describe, expect, it } from "vitest";
import { recipientOf } from "../actor/ref";
import { ActorSystem, type Behavior, Behaviors, VirtualScheduler } from "../index";

/** Draws once in setup and reports it. */
const drawer = (out: number[]): Behavior<never> =>
  Behaviors.setup<never>((ctx) => {
    out.push(ctx.random());
    return Behaviors.ignore;
  });

describe("randomness across incarnations (runtime rule, as Akka leaves it to crypto)", () => {
  it("two unseeded systems, like two runs of a process, never draw the same values", () => {
    const draws: number[] = [];
    for (let i = 0; i < 2; i++) {
      const system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "proc", {
        scheduler: new VirtualScheduler(),
      });
      system.systemActorOf(drawer(draws), "entity");
    }
    expect(draws[0]).not.toBe(draws[1]);
  });

  it("a seeded system (simulation, tests) repeats its draws run after run", () => {
    const draws: number[] = [];
    for (let i = 0; i < 2; i++) {
      const system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "sim", {
        scheduler: new VirtualScheduler(),
        seed: 3,
      });
      system.systemActorOf(drawer(draws), "entity");
    }
    expect(draws[0]).toBe(draws[1]);
  });

  it("an actor stopped and spawned again at the same path draws a new stream", async () => {
    const draws: number[] = [];
    const sim = new VirtualScheduler();
    const system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "sim", {
      scheduler: sim,
      seed: 3,
    });
    const first = system.systemActorOf(drawer(draws), "entity");
    (recipientOf(first) as unknown as { stopSelf(): void }).stopSelf();
    await sim.runUntilIdle();
    system.systemActorOf(drawer(draws), "entity");
    expect(draws[0]).not.toBe(draws[1]);
  });
});
