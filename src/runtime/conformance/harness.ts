/**
 * Shared set-up for the conformance suite: behaviour ported from Akka's and Pekko's own specs
 * (each test's title names the spec and the test), run on a virtual clock so it is exact and
 * fast.
 */
import {
  ActorSystem,
  type Behavior,
  Behaviors,
  InMemoryJournal,
  InMemorySnapshotStore,
  Persistence,
  type SystemEvent,
  TestProbe,
  VirtualScheduler,
} from "../index";

export class Harness {
  readonly sim = new VirtualScheduler();
  readonly system: ActorSystem<never>;
  readonly events: SystemEvent[] = [];
  readonly journal: InMemoryJournal;
  readonly snapshots = new InMemorySnapshotStore();
  private names = 0;

  constructor(options: { immediateWrites?: boolean; ackedByPromise?: boolean } = {}) {
    this.system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "conformance", {
      scheduler: this.sim,
      seed: 7,
    });
    this.journal = new InMemoryJournal({ immediateWrites: options.immediateWrites ?? true });
    Persistence.register(this.system as ActorSystem<unknown>, {
      // Without `appendAcked`, an actor takes the promise path of a journal that has only
      // `append` (a wrapper, a third-party store); tests still inspect and inject through
      // `this.journal`.
      journal: options.ackedByPromise
        ? new Proxy(this.journal, {
            get: (target, key) => (key === "appendAcked" ? undefined : Reflect.get(target, key)),
          })
        : this.journal,
      snapshotStore: this.snapshots,
    });
    this.system.observe((e) => this.events.push(e));
  }

  spawn<T>(behavior: Behavior<T>, name = `a${this.names++}`) {
    return this.system.systemActorOf(behavior, name);
  }

  probe<T>(name = "probe"): TestProbe<T> {
    return new TestProbe<T>(name);
  }

  settle(): Promise<void> {
    return this.sim.runUntilIdle();
  }

  /** Whether the actor at `path` has stopped. */
  stopped(path: string): boolean {
    return this.events.some((e) => e.type === "stopped" && e.path === path);
  }

  failures(path: string): unknown[] {
    return this.events.flatMap((e) => (e.type === "failed" && e.path === path ? [e.error] : []));
  }

  restarts(path: string): number {
    return this.events.filter((e) => e.type === "restarted" && e.path === path).length;
  }

  deadLetters(): unknown[] {
    return this.events.flatMap((e) => (e.type === "deadLetter" ? [e.message] : []));
  }
}

export class TestException extends Error {
  constructor(message = "test") {
    super(message);
    this.name = "TestException";
  }
}

export class Exc1 extends Error {}
export class Exc2 extends Exc1 {}
export class Exc3 extends Error {}

/** The two ways a journal acknowledges: every event-sourced case runs with both. */
export const WRITE_MODES = [
  { mode: "immediate writes", immediateWrites: true },
  { mode: "later-acknowledged writes", immediateWrites: false },
] as const;

/**
 * The ways an event-sourced actor's writes are acknowledged: at once, later by callback
 * (`Journal.appendAcked`, as the in-memory journal does), and later by promise (a journal with
 * only `append`).
 */
export const ACK_MODES = [
  ...WRITE_MODES.map((m) => ({ ...m, ackedByPromise: false })),
  { mode: "later-acknowledged writes, by promise", immediateWrites: false, ackedByPromise: true },
] as const;
