import {
  type ActorRef,
  ActorSystem,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  Persistence,
  type PersistentRepr,
  RealScheduler,
} from "@runtime";
import { BadCommand, commandType, type DemoModel } from "../model";

/**
 * Talk 2's rebuild benchmark, run live: `actors` actors share `events` stored events in the
 * in-memory journal, then a fresh actor system recovers every one of them through the runtime's
 * EventSourcedBehavior. The counts and the recovered totals follow from the log; the time is
 * measured with the stopwatch the worker passes in, so it differs from run to run and machine
 * to machine. The system runs on the real scheduler, as the bench does: a virtual clock would
 * add a hop per journal read that the runtime does not have in production.
 */

/** The talk's reference: about 5 million messages rebuilt in 1.5 minutes on an i5 laptop. */
export const REFERENCE = { events: 5_000_000, actors: 1_000, seconds: 90 } as const;
export const REFERENCE_RATE = REFERENCE.events / REFERENCE.seconds;

/** Total events to replay (the control's stops). */
export const EVENT_COUNTS: readonly number[] = [10_000, 100_000, 250_000, 500_000, 1_000_000];
export const ACTOR_COUNTS: readonly number[] = [1, 100, 1_000];

export type BenchmarkCommand =
  | { readonly type: "events"; readonly events: number }
  | { readonly type: "actors"; readonly actors: number }
  | { readonly type: "run" }
  | { readonly type: "reset" };

export interface BenchmarkRun {
  /** 1 for the first run since the start or a reset. */
  readonly run: number;
  readonly actors: number;
  /** Events replayed in all: `actors × perActor`. */
  readonly events: number;
  readonly perActor: number;
  /** Wall-clock time from spawning the actors to the last RecoveryCompleted, in ms. */
  readonly ms: number;
  /** Events replayed per second (a measurement). */
  readonly rate: number;
  /** Sum of the recovered totals: equals `events` only if every event reached the state. */
  readonly recoveredTotal: number;
}

export interface BenchmarkView {
  readonly actors: number;
  readonly events: number;
  /** The last runs, newest last. */
  readonly runs: readonly BenchmarkRun[];
  readonly last: BenchmarkRun | null;
}

const DEMO = "replay-benchmark";
const KEEP_RUNS = 8;
/** A recovery that has not finished after this long is reported instead of waited for. */
const GIVE_UP_MS = 120_000;
/** Every event is the same immutable value, so a million of them cost one object. */
const ADDED = Object.freeze({ type: "added", n: 1 } as const);

type Cmd = { readonly type: "add"; readonly replyTo: ActorRef<number> };
type Evt = typeof ADDED;

function counter(id: number, onRecovered: (total: number) => void) {
  return EventSourcedBehavior.create<Cmd, Evt, { total: number }>({
    persistenceId: `counter-${id}`,
    emptyState: { total: 0 },
    commandHandler: (_state, cmd) =>
      Effect.persist<Evt, { total: number }>(ADDED).thenReply(cmd.replyTo, (s) => s.total),
    eventHandler: (state, event) => ({ total: state.total + event.n }),
  }).receiveSignal((_state, signal) => {
    if (signal.type === "RecoveryCompleted") onRecovered(signal.state.total);
  });
}

/** Writes `perActor` events for each of `actors` persistence ids, as the actors once did. */
async function fill(actors: number, perActor: number): Promise<InMemoryJournal> {
  const journal = new InMemoryJournal();
  for (let a = 0; a < actors; a++) {
    const batch: PersistentRepr[] = new Array(perActor);
    for (let s = 1; s <= perActor; s++) {
      batch[s - 1] = {
        persistenceId: `counter-${a}`,
        sequenceNr: s,
        event: ADDED,
        timestamp: s,
        tags: [],
        writerUuid: "benchmark",
        manifest: "",
      };
    }
    await journal.append(batch);
  }
  return journal;
}

export class ReplayBenchmarkModel implements DemoModel<BenchmarkView> {
  private actors = 1_000;
  private events = 100_000;
  private runs: BenchmarkRun[] = [];
  private count = 0;

  /** `stopwatch` reads a real clock in ms (performance.now in the browser). */
  constructor(private readonly stopwatch: () => number) {}

  view(): BenchmarkView {
    return {
      actors: this.actors,
      events: this.events,
      runs: [...this.runs],
      last: this.runs.at(-1) ?? null,
    };
  }

  async apply(command: unknown): Promise<BenchmarkView> {
    const cmd = commandType(DEMO, command, ["events", "actors", "run", "reset"]);
    switch (cmd.type) {
      case "events":
        if (!EVENT_COUNTS.includes(cmd.events as number))
          throw new BadCommand(DEMO, cmd, `events must be one of ${EVENT_COUNTS.join(", ")}`);
        this.events = cmd.events as number;
        return this.view();
      case "actors":
        if (!ACTOR_COUNTS.includes(cmd.actors as number))
          throw new BadCommand(DEMO, cmd, `actors must be one of ${ACTOR_COUNTS.join(", ")}`);
        this.actors = cmd.actors as number;
        return this.view();
      case "reset":
        this.actors = 1_000;
        this.events = 100_000;
        this.runs = [];
        this.count = 0;
        return this.view();
      case "run":
        this.runs = [...this.runs, await this.measure()].slice(-KEEP_RUNS);
        return this.view();
    }
  }

  /** Fills a journal, then times a new system recovering every actor from it. */
  private async measure(): Promise<BenchmarkRun> {
    const actors = this.actors;
    const perActor = Math.floor(this.events / actors);
    const journal = await fill(actors, perActor);
    const system = ActorSystem.create(Behaviors.ignore, `rebuild-${this.count}`, {
      scheduler: new RealScheduler(),
    });
    Persistence.register(system as ActorSystem<unknown>, { journal });
    let recovered = 0;
    let recoveredTotal = 0;
    let ms = 0;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      watchdog = setTimeout(
        () => reject(new Error(`${DEMO}: only ${recovered} of ${actors} actors recovered`)),
        GIVE_UP_MS,
      );
      const started = this.stopwatch();
      for (let a = 0; a < actors; a++) {
        system.systemActorOf(
          counter(a, (total) => {
            recoveredTotal += total;
            if (++recovered === actors) {
              ms = this.stopwatch() - started;
              resolve();
            }
          }),
          `counter-${a}`,
        );
      }
    });
    try {
      await finished;
    } finally {
      clearTimeout(watchdog);
      await system.terminate();
    }
    const events = perActor * actors;
    return {
      run: ++this.count,
      actors,
      events,
      perActor,
      ms,
      rate: ms > 0 ? (events * 1_000) / ms : Number.POSITIVE_INFINITY,
      recoveredTotal,
    };
  }
}
