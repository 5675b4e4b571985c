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
import { commandType, type DemoModel, integerField } from "../model";
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
  | { readonly type: "reset" };

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
}

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
    };
    this.start();
  }

  view(): BankView {
    return this.current;
  }

  async apply(command: unknown): Promise<BankView> {
    const cmd = commandType(DEMO, command, ["deposit", "withdraw", "travel", "reset"]);
    switch (cmd.type) {
      case "reset":
        this.scheduler = new VirtualScheduler();
        this.journal = new InMemoryJournal();
        this.start();
        this.current = { ...this.current, balance: 0, last: null, travel: null };
        return this.refresh(null);
      case "travel": {
        const to =
          cmd.to === null ? null : integerField(DEMO, cmd, "to", 0, Number.MAX_SAFE_INTEGER);
        this.current = { ...this.current, last: null };
        return this.refresh(to);
      }
      default: {
        const amount = integerField(DEMO, cmd, "amount", -MAX_AMOUNT, MAX_AMOUNT);
        return this.transact({ type: cmd.type, amount });
      }
    }
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
    this.current = { ...this.current, last, balance: reply.balance };
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
