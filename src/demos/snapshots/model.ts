import {
  type ActorRef,
  ActorSystem,
  ask,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  InMemorySnapshotStore,
  Persistence,
  VirtualScheduler,
} from "@runtime";
import { BadCommand, commandType, type DemoModel } from "../model";

/**
 * Talk 5's snapshot trade-off, measured: an account with a long history is written through the
 * runtime with a snapshot policy, then a fresh incarnation recovers it. Events replayed follow
 * from the policy (a pure function of the log); the milliseconds are measured, so they vary.
 */

/** The slider's stops: no snapshots, then ever more frequent ones. */
export const INTERVALS: readonly (number | null)[] = [null, 20_000, 5_000, 1_000, 250, 50];
/** History lengths; not multiples of the intervals, so a tail of events is left after the last snapshot. */
export const HISTORIES: readonly number[] = [2_345, 23_456, 70_123];
/** Events per write while building the history: every interval above is a multiple of it. */
const BATCH = 50;

export type SnapshotCommand =
  | { readonly type: "interval"; readonly every: number | null }
  | { readonly type: "history"; readonly events: number }
  | { readonly type: "recover" }
  | { readonly type: "reset" };

export interface RecoveryPoint {
  readonly every: number | null;
  /** Sequence number of the snapshot recovery started from (0: none). */
  readonly snapshotAt: number;
  /** Events the event handler applied during recovery, counted as it ran. */
  readonly replayed: number;
  /** Wall-clock time of the recovery, in ms (a measurement: not the same twice). */
  readonly ms: number;
  /** The recovered balance, and the balance a full replay gives: they must be equal. */
  readonly balance: number;
  readonly fullReplayBalance: number;
}

export interface SnapshotView {
  readonly events: number;
  readonly every: number | null;
  /** Measured recoveries for this history, one per interval tried, in slider order. */
  readonly points: readonly RecoveryPoint[];
  readonly last: RecoveryPoint | null;
}

const DEMO = "snapshot-slider";
const PERSISTENCE_ID = "account-long";

type Cmd = {
  readonly type: "deposit-many";
  readonly count: number;
  readonly replyTo: ActorRef<number>;
};
type Evt = { readonly type: "deposited"; readonly amount: number };

/** The deposit of event n: varied, so a wrong replay gives a wrong balance. */
const amountOf = (sequenceNr: number) => (sequenceNr % 7) + 1;

function account(every: number | null, onReplay: () => void) {
  const behavior = EventSourcedBehavior.create<Cmd, Evt, { balance: number }>({
    persistenceId: PERSISTENCE_ID,
    emptyState: { balance: 0 },
    commandHandler: (_state, cmd, ctx) =>
      Effect.persist<Evt, { balance: number }>(
        Array.from({ length: cmd.count }, (_, i) => ({
          type: "deposited" as const,
          amount: amountOf(ctx.sequenceNr + 1 + i),
        })),
      ).thenReply(cmd.replyTo, (s) => s.balance),
    eventHandler: (state, event, ctx) => {
      if (ctx.recovering) onReplay();
      return { balance: state.balance + event.amount };
    },
  });
  return every === null ? behavior : behavior.withRetention({ snapshotEvery: every, keep: 2 });
}

/** Balance after n events, by the formula the events follow: the full replay's answer. */
export function fullReplayBalance(n: number): number {
  let sum = 0;
  for (let seq = 1; seq <= n; seq++) sum += amountOf(seq);
  return sum;
}

export class SnapshotSliderModel implements DemoModel<SnapshotView> {
  private events = HISTORIES[0] as number;
  private every: number | null = 1_000;
  private points = new Map<number | null, RecoveryPoint>();
  private last: RecoveryPoint | null = null;

  /** `stopwatch` reads a real clock in ms (performance.now in the browser). */
  constructor(private readonly stopwatch: () => number) {}

  view(): SnapshotView {
    return {
      events: this.events,
      every: this.every,
      points: INTERVALS.flatMap((every) => {
        const point = this.points.get(every);
        return point ? [point] : [];
      }),
      last: this.last,
    };
  }

  async apply(command: unknown): Promise<SnapshotView> {
    const cmd = commandType(DEMO, command, ["interval", "history", "recover", "reset"]);
    switch (cmd.type) {
      case "interval":
        if (!INTERVALS.includes(cmd.every as number | null))
          throw new BadCommand(DEMO, cmd, `every must be one of ${INTERVALS.join(", ")}`);
        this.every = cmd.every as number | null;
        break;
      case "history":
        if (!HISTORIES.includes(cmd.events as number))
          throw new BadCommand(DEMO, cmd, `events must be one of ${HISTORIES.join(", ")}`);
        this.events = cmd.events as number;
        this.points.clear();
        break;
      case "reset":
        this.events = HISTORIES[0] as number;
        this.every = 1_000;
        this.points.clear();
        this.last = null;
        return this.view();
      case "recover":
        break;
    }
    this.last = await this.measure(this.events, this.every);
    this.points.set(this.every, this.last);
    return this.view();
  }

  /** Writes `events` events under the snapshot policy, then times a fresh recovery. */
  private async measure(events: number, every: number | null): Promise<RecoveryPoint> {
    const scheduler = new VirtualScheduler();
    const journal = new InMemoryJournal();
    const snapshotStore = new InMemorySnapshotStore();
    const system = ActorSystem.create(Behaviors.ignore, "snapshots", { scheduler });
    Persistence.register(system as ActorSystem<unknown>, { journal, snapshotStore });

    const writer = system.systemActorOf(
      account(every, () => {}),
      "writer",
    );
    for (let written = 0; written < events; written += BATCH) {
      const reply = ask<Cmd, number>(
        writer,
        (replyTo) => ({ type: "deposit-many", count: Math.min(BATCH, events - written), replyTo }),
        { timeout: 5_000 },
      );
      await scheduler.runUntilIdle();
      await reply;
    }
    await system.terminate();

    // A new process: the same stores, a new actor. Time it from spawn to RecoveryCompleted.
    const reader = ActorSystem.create(Behaviors.ignore, "recovery", { scheduler });
    Persistence.register(reader as ActorSystem<unknown>, { journal, snapshotStore });
    let replayed = 0;
    let balance = Number.NaN;
    const started = this.stopwatch();
    reader.systemActorOf(
      account(every, () => replayed++).receiveSignal((_s, signal) => {
        if (signal.type === "RecoveryCompleted") balance = signal.state.balance;
      }),
      "reader",
    );
    await scheduler.runUntilIdle();
    const ms = this.stopwatch() - started;
    const snapshot = await snapshotStore.loadLatest(PERSISTENCE_ID);
    await reader.terminate();
    return {
      every,
      snapshotAt: snapshot?.metadata.sequenceNr ?? 0,
      replayed,
      ms,
      balance,
      fullReplayBalance: fullReplayBalance(events),
    };
  }
}
