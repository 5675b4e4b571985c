import {
  type ActorRef,
  ActorSystem,
  ask,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  Persistence,
  SeededRandom,
  VirtualScheduler,
} from "@runtime";
import { BadCommand, commandType, type DemoModel } from "../model";

/**
 * Talk 2's replay lab: a ticket desk that holds seats. Each hold gets an expiry time (clock), a
 * pick-up code (randomness) and a notice to the box office (a send). Rebuild the desk from its
 * journal with each rule kept or broken, and compare the state before and after.
 *
 * Kept is the event-sourcing way, as in Akka: the command handler reads the clock and draws the
 * code once, live, and stores both in the event; the event handler only copies them; the notice
 * goes out once, after the write. Broken is the naive handler: the event handler reads the clock,
 * draws a code or calls the box office itself, so every replay does it again.
 */

export type Rule = "clock" | "random" | "sends";
export type Rules = Readonly<Record<Rule, boolean>>;

export interface Hold {
  readonly seat: string;
  /** Virtual ms: when the hold lapses (30 minutes after it was made). */
  readonly expiresAt: number;
  readonly code: number;
}

export interface Desk {
  readonly holds: readonly Hold[];
}

export type ReplayCommand =
  | { readonly type: "hold" }
  | { readonly type: "rule"; readonly rule: Rule; readonly kept: boolean }
  | { readonly type: "rebuild" }
  | { readonly type: "reset" };

export interface ReplayView {
  /** true = the rule is kept. */
  readonly rules: Rules;
  /** Virtual time now (ms since midnight). */
  readonly now: number;
  readonly journal: ReadonlyArray<{
    readonly sequenceNr: number;
    readonly seat: string;
    readonly at: number;
  }>;
  /** The running desk's state. */
  readonly desk: Desk;
  /** The state the desk had just before the last rebuild, while the comparison stands. */
  readonly before: Desk | null;
  /** How many hold notices the box office has received. */
  readonly notices: number;
  /** Notices the box office had before the last rebuild. */
  readonly noticesBefore: number | null;
  /** What differs between before and after the last rebuild (empty: identical). */
  readonly diverged: readonly string[];
  readonly rebuilds: number;
  readonly said: string;
}

const DEMO = "replay-lab";
const RULES: readonly Rule[] = ["clock", "random", "sends"];
const PERSISTENCE_ID = "desk-1";
const HOUR = 3_600_000;
const OPENS_AT = 9 * HOUR;
/** The first holds land at 09:00, 10:30, 11:45 as in the talk's picture, then every 45 min. */
const GAPS = [0, 90 * 60_000, 75 * 60_000];
const HOLD_MS = 30 * 60_000;
const MAX_HOLDS = 26;

/** A hold as stored: with its expiry and code when the handler decided them (the rule kept). */
type Held = {
  readonly type: "held";
  readonly seat: string;
  readonly expiresAt?: number;
  readonly code?: number;
};
type DeskCommand = {
  readonly type: "hold";
  readonly seat: string;
  readonly replyTo: ActorRef<Desk>;
};

/** Time of day as hh:mm. */
export const timeOfDay = (ms: number) =>
  `${String(Math.floor(ms / HOUR) % 24).padStart(2, "0")}:${String(Math.floor(ms / 60_000) % 60).padStart(2, "0")}`;

/**
 * The desk's behaviour under a set of rules. The process's clock and random generator are what a
 * handler can read: in a command handler that is a live decision, in an event handler it is a
 * bug. A random generator here never repeats across incarnations, like a real one.
 */
function desk(rules: Rules, process: { now(): number; random(): number }, boxOffice: BoxOffice) {
  const drawCode = () => Math.floor(process.random() * 1_000_000);
  return EventSourcedBehavior.create<DeskCommand, Held, Desk>({
    persistenceId: PERSISTENCE_ID,
    emptyState: { holds: [] },
    commandHandler: (_state, cmd) => {
      // Kept: decide here, once, live — and store the decision in the event.
      const held = Effect.persist<Held, Desk>({
        type: "held",
        seat: cmd.seat,
        ...(rules.clock ? { expiresAt: process.now() + HOLD_MS } : {}),
        ...(rules.random ? { code: drawCode() } : {}),
      });
      // Kept: the notice goes out once, after the live write; replay never runs it.
      const noticed = rules.sends ? held.thenRun(() => boxOffice.notice(cmd.seat)) : held;
      return noticed.thenReply(cmd.replyTo, (s) => s);
    },
    eventHandler: (state, event) => {
      // Broken: the event handler calls the box office itself — on every replay too. (An
      // ActorRef.tell here would be refused by the runtime with a ReplaySideEffectError; a
      // direct call is a side door it cannot see.)
      if (!rules.sends) boxOffice.notice(event.seat);
      // Kept: copy what the event recorded. Broken (or an event recorded while the rule was
      // broken): read the clock and the dice now — during a replay, that is the replay's now.
      const expiresAt =
        rules.clock && event.expiresAt !== undefined ? event.expiresAt : process.now() + HOLD_MS;
      const code = rules.random && event.code !== undefined ? event.code : drawCode();
      return { holds: [...state.holds, { seat: event.seat, expiresAt, code }] };
    },
  });
}

/** Another service, outside the desk's journal: it remembers every notice it was given. */
class BoxOffice {
  notices = 0;
  notice(_seat: string): void {
    this.notices++;
  }
}

/** Field-by-field differences between two desks, in words. */
export function compareDesks(before: Desk, after: Desk): string[] {
  const out: string[] = [];
  const n = Math.max(before.holds.length, after.holds.length);
  for (let i = 0; i < n; i++) {
    const a = before.holds[i];
    const b = after.holds[i];
    if (!a || !b) {
      out.push(`hold ${i + 1}: ${a ? "lost" : "appeared"} in the rebuild`);
      continue;
    }
    if (a.expiresAt !== b.expiresAt)
      out.push(`seat ${a.seat} expires ${timeOfDay(a.expiresAt)} → ${timeOfDay(b.expiresAt)}`);
    if (a.code !== b.code) out.push(`seat ${a.seat} code ${a.code} → ${b.code}`);
  }
  return out;
}

export class ReplayLabModel implements DemoModel<ReplayView> {
  private scheduler = new VirtualScheduler(OPENS_AT);
  private journal = new InMemoryJournal();
  private boxOffice = new BoxOffice();
  private rules: Rules = { clock: true, random: true, sends: true };
  private system!: ActorSystem<never>;
  private desk!: ActorRef<DeskCommand>;
  private state: Desk = { holds: [] };
  private before: Desk | null = null;
  private noticesBefore: number | null = null;
  private diverged: string[] = [];
  private rebuilds = 0;
  private incarnation = 0;
  private seats = 0;
  private journalRows: ReplayView["journal"] = [];
  private said = "";
  private ready: Promise<void>;

  constructor() {
    this.ready = this.spawn();
  }

  view(): ReplayView {
    return {
      rules: this.rules,
      now: this.scheduler.now(),
      journal: this.journalRows,
      desk: this.state,
      before: this.before,
      notices: this.boxOffice.notices,
      noticesBefore: this.noticesBefore,
      diverged: this.diverged,
      rebuilds: this.rebuilds,
      said: this.said,
    };
  }

  async apply(command: unknown): Promise<ReplayView> {
    await this.ready;
    const cmd = commandType(DEMO, command, ["hold", "rule", "rebuild", "reset"]);
    switch (cmd.type) {
      case "hold":
        await this.hold();
        break;
      case "rule": {
        const rule = cmd.rule as Rule;
        if (!RULES.includes(rule) || typeof cmd.kept !== "boolean")
          throw new BadCommand(
            DEMO,
            cmd,
            `rule must be one of ${RULES.join(", ")} with kept: boolean`,
          );
        this.rules = { ...this.rules, [rule]: cmd.kept };
        this.said = `Rule "${rule}" ${cmd.kept ? "kept" : "broken"}: it applies from the next start of the desk.`;
        break;
      }
      case "rebuild":
        await this.rebuild();
        break;
      case "reset":
        this.scheduler = new VirtualScheduler(OPENS_AT);
        this.journal = new InMemoryJournal();
        this.boxOffice = new BoxOffice();
        this.before = null;
        this.noticesBefore = null;
        this.diverged = [];
        this.rebuilds = 0;
        this.seats = 0;
        this.journalRows = [];
        await this.spawn();
        this.said = "Started over with an empty journal.";
        break;
    }
    return this.view();
  }

  private async hold(): Promise<void> {
    if (this.seats >= MAX_HOLDS) {
      this.said = `The demo's desk has ${MAX_HOLDS} seats; reset to start again.`;
      return;
    }
    await this.scheduler.advanceBy(GAPS[this.seats] ?? 45 * 60_000);
    const seat = `A${++this.seats}`;
    const answer = ask<DeskCommand, Desk>(
      this.desk,
      (replyTo) => ({ type: "hold", seat, replyTo }),
      {
        timeout: 5_000,
      },
    );
    await this.scheduler.runUntilIdle();
    this.state = await answer;
    // A new live hold starts a new story: the last comparison no longer describes this desk.
    this.before = null;
    this.noticesBefore = null;
    this.diverged = [];
    const at = this.scheduler.now();
    this.journalRows = [...this.journalRows, { sequenceNr: this.seats, seat, at }];
    const made = this.state.holds.at(-1);
    this.said = `Held seat ${seat} at ${timeOfDay(at)}: expires ${made ? timeOfDay(made.expiresAt) : "?"}, code ${made?.code}.`;
  }

  /** The process restarts at the next full hour and the desk recovers from its journal. */
  private async rebuild(): Promise<void> {
    const before = this.state;
    const noticesBefore = this.boxOffice.notices;
    await this.system.terminate();
    await this.scheduler.advanceTo(Math.ceil((this.scheduler.now() + 1) / HOUR) * HOUR);
    await this.spawn();
    this.rebuilds++;
    this.before = before;
    this.noticesBefore = noticesBefore;
    this.diverged = compareDesks(before, this.state);
    const extra = this.boxOffice.notices - noticesBefore;
    if (extra > 0) this.diverged.push(`the box office got ${extra} notices again`);
    this.said =
      this.diverged.length === 0
        ? `Rebuilt at ${timeOfDay(this.scheduler.now())} from ${this.state.holds.length} events: identical.`
        : `Rebuilt at ${timeOfDay(this.scheduler.now())}: ${this.diverged.length} differences.`;
  }

  /** A new process: its own actor system, its own (unseeded, as far as the desk knows) random. */
  private async spawn(): Promise<void> {
    this.incarnation++;
    const scheduler = this.scheduler;
    const processRandom = new SeededRandom(0x5eed + this.incarnation * 7919);
    this.system = ActorSystem.create(Behaviors.ignore, `desk-${this.incarnation}`, { scheduler });
    Persistence.register(this.system as ActorSystem<unknown>, { journal: this.journal });
    const process = { now: () => scheduler.now(), random: () => processRandom.next() };
    let recovered: Desk | undefined;
    const behavior = desk(this.rules, process, this.boxOffice).receiveSignal((_s, signal) => {
      if (signal.type === "RecoveryCompleted") recovered = signal.state;
    });
    this.desk = this.system.systemActorOf(behavior, "desk");
    await scheduler.runUntilIdle();
    if (!recovered) throw new Error(`${DEMO}: the desk did not recover`);
    this.state = recovered;
  }
}
