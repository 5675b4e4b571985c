import {
  type ActorRef,
  ActorSystem,
  ask,
  Behaviors,
  currentEventsByPersistenceId,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  Persistence,
  VirtualScheduler,
} from "@runtime";
import { BadCommand, commandType, type DemoModel, integerField } from "../model";
import {
  type Account,
  type AccountEvent,
  applyEvent,
  decide,
  emptyAccount,
  type Transaction,
} from "./account";

/**
 * The console's commands. `travel` moves the time-travel slider (null: back to now); it is in
 * the log too, so the audience's slider follows the presenter's.
 */
export type BankCommand =
  | Transaction
  | { readonly type: "travel"; readonly to: number | null }
  | { readonly type: "project" }
  | { readonly type: "fold"; readonly fold: ViewFold }
  | { readonly type: "reset" };

/**
 * The read side's fold (CQRS): a view kept apart from the account, built from the journal by its
 * own projection, which has its own offset. Switching the fold rebuilds the view from event 1.
 */
export const VIEW_FOLDS = ["totals", "activity"] as const;
export type ViewFold = (typeof VIEW_FOLDS)[number];

export interface ReadView {
  readonly fold: ViewFold;
  /** The last sequence number the projection has applied. */
  readonly offset: number;
  /** The view's rows, as the fold computed them. */
  readonly rows: readonly { readonly label: string; readonly value: number }[];
  /** How many events the last projection step applied, and whether it started from scratch. */
  readonly applied: number;
  readonly rebuilt: boolean;
}

export interface JournalRow {
  readonly sequenceNr: number;
  readonly event: AccountEvent;
  /** Virtual time the event was stored, in ms since the demo started. */
  readonly at: number;
  /** The balance right after this event. */
  readonly balance: number;
}

export type Outcome =
  | { readonly ok: true; readonly text: string; readonly events: readonly AccountEvent[] }
  | { readonly ok: false; readonly text: string; readonly reason: string };

export interface BankView {
  readonly limit: number | null;
  /** The live actor's balance (as it replied) and the journal's last sequence number. */
  readonly balance: number;
  readonly sequenceNr: number;
  readonly journal: readonly JournalRow[];
  /** What the last command did, if it was a deposit or a withdrawal. */
  readonly last: Outcome | null;
  /** The slider's position: a sequence number, or null for "now". */
  readonly travel: number | null;
  /** The state replayed up to the slider's position. */
  readonly shown: { readonly sequenceNr: number; readonly balance: number };
  /** The read side: behind the journal until its projection runs. */
  readonly view: ReadView;
}

type FoldState = Readonly<Record<string, number>>;
const FOLDS: Record<
  ViewFold,
  { empty: FoldState; step(v: FoldState, e: AccountEvent): FoldState }
> = {
  totals: {
    empty: { "deposited in total": 0, "withdrawn in total": 0 },
    step: (v, e) =>
      e.type === "deposited"
        ? { ...v, "deposited in total": (v["deposited in total"] ?? 0) + e.amount }
        : { ...v, "withdrawn in total": (v["withdrawn in total"] ?? 0) + e.amount },
  },
  activity: {
    empty: { transactions: 0, "largest withdrawal": 0 },
    step: (v, e) => ({
      transactions: (v.transactions ?? 0) + 1,
      "largest withdrawal":
        e.type === "withdrew"
          ? Math.max(v["largest withdrawal"] ?? 0, e.amount)
          : (v["largest withdrawal"] ?? 0),
    }),
  },
};
const rowsOf = (state: FoldState) =>
  Object.entries(state).map(([label, value]) => ({ label, value }));
const emptyView = (fold: ViewFold): ReadView => ({
  fold,
  offset: 0,
  rows: rowsOf(FOLDS[fold].empty),
  applied: 0,
  rebuilt: false,
});

type Reply = { readonly balance: number; readonly rejected?: string };
type Cmd = Transaction & { readonly replyTo: ActorRef<Reply> };

const DEMO = "bank-console";
const PERSISTENCE_ID = "account-1";
/** Virtual time between two commands, so the journal's timestamps read like a session. */
const STEP_MS = 30_000;
const MAX_AMOUNT = 1_000_000_000;

/** The account as an event-sourced actor: the two equations of talk 4. */
export function accountBehavior(limit: number | null) {
  return EventSourcedBehavior.create<Cmd, AccountEvent, Account>({
    persistenceId: PERSISTENCE_ID,
    emptyState: emptyAccount,
    commandHandler: (state, cmd) => {
      const decision = decide(state, cmd, limit ?? Number.POSITIVE_INFINITY);
      if ("refused" in decision)
        return Effect.none<AccountEvent, Account>().thenReply(
          cmd.replyTo,
          (s): Reply => ({ balance: s.balance, rejected: decision.refused }),
        );
      return Effect.persist<AccountEvent, Account>(decision).thenReply(
        cmd.replyTo,
        (s): Reply => ({ balance: s.balance }),
      );
    },
    eventHandler: applyEvent,
  });
}

/**
 * The bank console: an account actor on a virtual clock with an in-memory journal, and a
 * time-travel view that replays the journal up to any sequence number.
 */
export class BankConsoleModel implements DemoModel<BankView> {
  private scheduler = new VirtualScheduler();
  private journal = new InMemoryJournal();
  private system!: ActorSystem<never>;
  private account!: ActorRef<Cmd>;
  private current: BankView;
  private incarnation = 0;

  constructor(private readonly limit: number | null = null) {
    this.current = {
      limit,
      balance: 0,
      sequenceNr: 0,
      journal: [],
      last: null,
      travel: null,
      shown: { sequenceNr: 0, balance: 0 },
      view: emptyView("totals"),
    };
    this.start();
  }

  view(): BankView {
    return this.current;
  }

  async apply(command: unknown): Promise<BankView> {
    const cmd = commandType(DEMO, command, [
      "deposit",
      "withdraw",
      "travel",
      "project",
      "fold",
      "reset",
    ]);
    switch (cmd.type) {
      case "reset":
        this.scheduler = new VirtualScheduler();
        this.journal = new InMemoryJournal();
        this.start();
        this.current = {
          ...this.current,
          balance: 0,
          last: null,
          travel: null,
          view: emptyView(this.current.view.fold),
        };
        this.viewState = FOLDS[this.current.view.fold].empty;
        return this.refresh(null);
      case "project":
        // The read side catching up says nothing new about the last command: keep its outcome.
        await this.project(false);
        return this.refresh(this.current.travel);
      case "fold": {
        const fold = cmd.fold as ViewFold;
        if (!VIEW_FOLDS.includes(fold))
          throw new BadCommand(DEMO, cmd, `fold must be one of ${VIEW_FOLDS.join(", ")}`);
        this.current = { ...this.current, last: null, view: emptyView(fold) };
        this.viewState = FOLDS[fold].empty;
        await this.project(true);
        return this.refresh(this.current.travel);
      }
      case "travel": {
        const to =
          cmd.to === null ? null : integerField(DEMO, cmd, "to", 0, Number.MAX_SAFE_INTEGER);
        this.current = { ...this.current, last: null, view: this.quietView() };
        return this.refresh(to);
      }
      default: {
        const amount = integerField(DEMO, cmd, "amount", -MAX_AMOUNT, MAX_AMOUNT);
        return this.transact({ type: cmd.type, amount });
      }
    }
  }

  private viewState: FoldState = FOLDS.totals.empty;

  /** The view as it stands, with no projection step to report for this command. */
  private quietView(): ReadView {
    return { ...this.current.view, applied: 0, rebuilt: false };
  }

  /**
   * One projection step: read the journal after the view's offset, fold what is new, move the
   * offset. From scratch (a new fold), that is every event: the view is rebuilt by replay.
   */
  private async project(fromScratch: boolean): Promise<void> {
    const { fold, offset } = this.current.view;
    const events = await currentEventsByPersistenceId(this.journal, PERSISTENCE_ID, offset + 1);
    const step = FOLDS[fold].step;
    this.viewState = events.reduce((v, r) => step(v, r.event as AccountEvent), this.viewState);
    this.current = {
      ...this.current,
      view: {
        fold,
        offset: events.at(-1)?.sequenceNr ?? offset,
        rows: rowsOf(this.viewState),
        applied: events.length,
        rebuilt: fromScratch,
      },
    };
  }

  private start(): void {
    this.system = ActorSystem.create(Behaviors.ignore, `bank-${this.incarnation++}`, {
      scheduler: this.scheduler,
    });
    Persistence.register(this.system as ActorSystem<unknown>, { journal: this.journal });
    this.account = this.system.systemActorOf(accountBehavior(this.limit), "account");
  }

  private async transact(tx: Transaction): Promise<BankView> {
    await this.scheduler.advanceBy(STEP_MS);
    const before = await this.journal.highestSequenceNr(PERSISTENCE_ID);
    const answer = ask<Cmd, Reply>(this.account, (replyTo) => ({ ...tx, replyTo }), {
      timeout: 5_000,
    });
    await this.scheduler.runUntilIdle();
    const reply = await answer;
    const stored = await currentEventsByPersistenceId(this.journal, PERSISTENCE_ID, before + 1);
    const text = `${tx.type} ${tx.amount}`;
    const last: Outcome =
      reply.rejected === undefined
        ? { ok: true, text, events: stored.map((r) => r.event as AccountEvent) }
        : { ok: false, text, reason: reply.rejected };
    this.current = { ...this.current, last, balance: reply.balance, view: this.quietView() };
    // A new event moves "now"; a slider left in the past stays where it was.
    return this.refresh(this.current.travel);
  }

  /** Rebuilds the journal table, then the state at `travel` by replaying the events up to it. */
  private async refresh(travel: number | null): Promise<BankView> {
    const reprs = await currentEventsByPersistenceId(this.journal, PERSISTENCE_ID);
    let account = emptyAccount;
    const journal: JournalRow[] = reprs.map((repr) => {
      account = applyEvent(account, repr.event as AccountEvent);
      return {
        sequenceNr: repr.sequenceNr,
        event: repr.event as AccountEvent,
        at: repr.timestamp,
        balance: account.balance,
      };
    });
    const sequenceNr = journal.length;
    const at = travel === null ? sequenceNr : Math.min(travel, sequenceNr);
    const shown = journal
      .slice(0, at)
      .reduce<Account>((state, row) => applyEvent(state, row.event), emptyAccount);
    this.current = {
      ...this.current,
      sequenceNr,
      journal,
      travel: travel === null ? null : at,
      shown: { sequenceNr: at, balance: shown.balance },
    };
    return this.current;
  }
}
