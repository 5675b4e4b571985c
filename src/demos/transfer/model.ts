import {
  type ActorRef,
  ActorSystem,
  type Behavior,
  Behaviors,
  currentEventsByPersistenceId,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  Persistence,
  VirtualScheduler,
} from "@runtime";
import { BadCommand, commandType, type DemoModel } from "../model";

/**
 * Talk 4's workflow: money moves from account A to account B through a process manager, itself
 * event-sourced, that sends one command per step and records each answer before the next step.
 * When B refuses the deposit the workflow compensates: it pays the amount back into A. Nothing
 * is rolled back or erased; every account's journal shows the attempt and its reversal.
 */

export type AccountId = "A" | "B";
export const AMOUNTS: readonly number[] = [20, 50, 150];
/** A's opening balance; the two balances always add up to it once every workflow has ended. */
export const OPENING_BALANCE = 100;

export type TransferCommand =
  | { readonly type: "transfer"; readonly amount: number }
  | { readonly type: "block"; readonly blocked: boolean }
  | { readonly type: "reset" };

type AccountEvent =
  | { readonly type: "deposited"; readonly amount: number; readonly transfer: string | null }
  | { readonly type: "withdrew"; readonly amount: number; readonly transfer: string }
  | { readonly type: "blocked" }
  | { readonly type: "unblocked" };
interface AccountState {
  readonly balance: number;
  readonly blocked: boolean;
}

/** An account's answer to one workflow step. */
type StepResult = {
  readonly type: "step-result";
  readonly step: "withdraw" | "deposit" | "refund";
  readonly ok: boolean;
  readonly reason?: string;
};
type AccountCmd =
  | {
      readonly type: "withdraw" | "deposit";
      readonly step: StepResult["step"];
      readonly amount: number;
      readonly transfer: string;
      readonly replyTo: ActorRef<StepResult>;
    }
  | { readonly type: "open"; readonly amount: number }
  | { readonly type: "block"; readonly blocked: boolean };

export type WorkflowStatus =
  | "withdrawing"
  | "depositing"
  | "refunding"
  | "completed"
  | "refused"
  | "compensated";

type WorkflowEvent =
  | { readonly type: "started"; readonly amount: number }
  | { readonly type: "withdrawn" }
  | { readonly type: "withdrawal-refused"; readonly reason: string }
  | { readonly type: "deposited" }
  | { readonly type: "deposit-refused"; readonly reason: string }
  | { readonly type: "refunded" }
  | { readonly type: "completed" };
interface WorkflowState {
  readonly amount: number;
  readonly status: WorkflowStatus | "new";
}
type WorkflowCmd = { readonly type: "start"; readonly amount: number } | StepResult;

export interface JournalLine {
  readonly sequenceNr: number;
  readonly text: string;
  /** The transfer that wrote it, if any. */
  readonly transfer: string | null;
}

export interface AccountView {
  readonly id: AccountId;
  readonly balance: number;
  readonly blocked: boolean;
  readonly journal: readonly JournalLine[];
}

export interface WorkflowView {
  readonly id: string;
  readonly amount: number;
  readonly status: WorkflowStatus;
  readonly journal: readonly JournalLine[];
}

export interface TransferView {
  readonly a: AccountView;
  readonly b: AccountView;
  /** Every transfer so far, oldest first. */
  readonly workflows: readonly WorkflowView[];
  readonly said: string;
}

const DEMO = "transfer-workflow";
const STEP_MS = 1_000;
const MAX_TRANSFERS = 100;
const TERMINAL: ReadonlySet<string> = new Set(["completed", "refused", "compensated"]);

const emptyAccount: AccountState = { balance: 0, blocked: false };

function applyAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case "deposited":
      return { ...state, balance: state.balance + event.amount };
    case "withdrew":
      return { ...state, balance: state.balance - event.amount };
    case "blocked":
      return { ...state, blocked: true };
    case "unblocked":
      return { ...state, blocked: false };
  }
}

/** An account: refuses a withdrawal it cannot cover, and every deposit while it is blocked. */
function account(id: AccountId) {
  return EventSourcedBehavior.create<AccountCmd, AccountEvent, AccountState>({
    persistenceId: `account-${id}`,
    emptyState: emptyAccount,
    commandHandler: (state, cmd) => {
      switch (cmd.type) {
        case "open":
          return Effect.persist({ type: "deposited", amount: cmd.amount, transfer: null });
        case "block":
          return cmd.blocked === state.blocked
            ? Effect.none()
            : Effect.persist<AccountEvent, AccountState>({
                type: cmd.blocked ? "blocked" : "unblocked",
              });
        case "withdraw":
          if (cmd.amount > state.balance)
            return Effect.reply(cmd.replyTo, {
              type: "step-result",
              step: cmd.step,
              ok: false,
              reason: `account ${id} holds only ${state.balance}`,
            });
          return Effect.persist<AccountEvent, AccountState>({
            type: "withdrew",
            amount: cmd.amount,
            transfer: cmd.transfer,
          }).thenReply(
            cmd.replyTo,
            (): StepResult => ({ type: "step-result", step: cmd.step, ok: true }),
          );
        case "deposit":
          if (state.blocked)
            return Effect.reply(cmd.replyTo, {
              type: "step-result",
              step: cmd.step,
              ok: false,
              reason: `account ${id} is blocked`,
            });
          return Effect.persist<AccountEvent, AccountState>({
            type: "deposited",
            amount: cmd.amount,
            transfer: cmd.transfer,
          }).thenReply(
            cmd.replyTo,
            (): StepResult => ({ type: "step-result", step: cmd.step, ok: true }),
          );
      }
    },
    eventHandler: applyAccount,
  });
}

function applyWorkflow(state: WorkflowState, event: WorkflowEvent): WorkflowState {
  switch (event.type) {
    case "started":
      return { amount: event.amount, status: "withdrawing" };
    case "withdrawn":
      return { ...state, status: "depositing" };
    case "withdrawal-refused":
      return { ...state, status: "refused" };
    case "deposited":
      return state;
    case "deposit-refused":
      return { ...state, status: "refunding" };
    case "refunded":
      return { ...state, status: "compensated" };
    case "completed":
      return { ...state, status: "completed" };
  }
}

/**
 * The process manager: each answer is stored first, then the next step's command is sent. The
 * table of talk 4: withdraw from A (refused: stop), deposit into B (refused: pay A back), done.
 */
function workflow(
  id: string,
  accounts: Record<AccountId, ActorRef<AccountCmd>>,
): Behavior<WorkflowCmd> {
  return Behaviors.setup<WorkflowCmd>((ctx) => {
    const self = ctx.self as ActorRef<StepResult>;
    const send =
      (to: AccountId, type: "withdraw" | "deposit", step: StepResult["step"]) =>
      (state: WorkflowState) =>
        accounts[to].tell({ type, step, amount: state.amount, transfer: id, replyTo: self });
    return EventSourcedBehavior.create<WorkflowCmd, WorkflowEvent, WorkflowState>({
      persistenceId: id,
      emptyState: { amount: 0, status: "new" },
      commandHandler: (state, cmd) => {
        if (cmd.type === "start")
          return state.status === "new"
            ? Effect.persist<WorkflowEvent, WorkflowState>({
                type: "started",
                amount: cmd.amount,
              }).thenRun(send("A", "withdraw", "withdraw"))
            : Effect.none();
        switch (cmd.step) {
          case "withdraw":
            return cmd.ok
              ? Effect.persist<WorkflowEvent, WorkflowState>({ type: "withdrawn" }).thenRun(
                  send("B", "deposit", "deposit"),
                )
              : Effect.persist({ type: "withdrawal-refused", reason: cmd.reason ?? "" });
          case "deposit":
            return cmd.ok
              ? Effect.persist<WorkflowEvent, WorkflowState>([
                  { type: "deposited" },
                  { type: "completed" },
                ])
              : Effect.persist<WorkflowEvent, WorkflowState>({
                  type: "deposit-refused",
                  reason: cmd.reason ?? "",
                }).thenRun(send("A", "deposit", "refund"));
          case "refund":
            // A refund into A cannot be refused here (only B can be blocked); were it refused,
            // the workflow would stay in "refunding" for someone to look at.
            return cmd.ok ? Effect.persist({ type: "refunded" }) : Effect.none();
        }
      },
      eventHandler: applyWorkflow,
    });
  });
}

const accountText = (event: AccountEvent): string => {
  switch (event.type) {
    case "deposited":
      return event.transfer === null ? `opened with ${event.amount}` : `deposited ${event.amount}`;
    case "withdrew":
      return `withdrew ${event.amount}`;
    case "blocked":
      return "blocked";
    case "unblocked":
      return "unblocked";
  }
};

const workflowText = (event: WorkflowEvent): string => {
  switch (event.type) {
    case "started":
      return `started: move ${event.amount} from A to B`;
    case "withdrawn":
      return "step 1: A withdrew";
    case "withdrawal-refused":
      return `step 1 refused (${event.reason}): stop, nothing moved`;
    case "deposited":
      return "step 2: B deposited";
    case "deposit-refused":
      return `step 2 refused (${event.reason}): compensate`;
    case "refunded":
      return "compensation: paid back into A";
    case "completed":
      return "step 3: done";
  }
};

export class TransferWorkflowModel implements DemoModel<TransferView> {
  private scheduler!: VirtualScheduler;
  private journal!: InMemoryJournal;
  private system!: ActorSystem<never>;
  private accounts!: Record<AccountId, ActorRef<AccountCmd>>;
  private transfers: string[] = [];
  private started = false;
  private generation = 0;

  view(): Promise<TransferView> {
    return this.snapshot(`Ready: A holds ${OPENING_BALANCE}; move money to B.`);
  }

  async apply(command: unknown): Promise<TransferView> {
    await this.ensureStarted();
    const cmd = commandType(DEMO, command, ["transfer", "block", "reset"]);
    switch (cmd.type) {
      case "reset":
        await this.system.terminate();
        this.started = false;
        await this.ensureStarted();
        return this.snapshot("Reset: A holds 100 again, B nothing, no transfers.");
      case "block": {
        if (typeof cmd.blocked !== "boolean")
          throw new BadCommand(DEMO, cmd, "blocked must be true or false");
        this.accounts.B.tell({ type: "block", blocked: cmd.blocked });
        await this.scheduler.runUntilIdle();
        return this.snapshot(
          cmd.blocked ? "B is blocked: it refuses deposits." : "B is open for deposits again.",
        );
      }
      case "transfer": {
        if (!AMOUNTS.includes(cmd.amount as number))
          throw new BadCommand(DEMO, cmd, `amount must be one of ${AMOUNTS.join(", ")}`);
        if (this.transfers.length >= MAX_TRANSFERS)
          return this.snapshot(`Stopped at ${MAX_TRANSFERS} transfers: press Reset.`);
        const id = `transfer-${this.transfers.length + 1}`;
        this.transfers.push(id);
        await this.scheduler.advanceBy(STEP_MS);
        const ref = this.system.systemActorOf(workflow(id, this.accounts), id);
        ref.tell({ type: "start", amount: cmd.amount as number });
        await this.scheduler.runUntilIdle();
        const view = await this.snapshot("");
        const flow = view.workflows.at(-1) as WorkflowView;
        return { ...view, said: this.describe(flow) };
      }
    }
  }

  private describe(flow: WorkflowView): string {
    const n = flow.id.replace("transfer-", "#");
    switch (flow.status) {
      case "completed":
        return `Transfer ${n}: ${flow.amount} left A and reached B.`;
      case "refused":
        return `Transfer ${n}: A refused to pay ${flow.amount}; the workflow stopped, nothing moved.`;
      case "compensated":
        return `Transfer ${n}: A paid ${flow.amount}, B refused it, so the workflow paid A back. Both journals keep the attempt.`;
      default:
        return `Transfer ${n} is still ${flow.status}.`;
    }
  }

  private async ensureStarted(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.scheduler = new VirtualScheduler();
    this.journal = new InMemoryJournal();
    this.transfers = [];
    this.system = ActorSystem.create(Behaviors.ignore, `bank-${this.generation++}`, {
      scheduler: this.scheduler,
    });
    Persistence.register(this.system as ActorSystem<unknown>, { journal: this.journal });
    this.accounts = {
      A: this.system.systemActorOf(account("A"), "account-A"),
      B: this.system.systemActorOf(account("B"), "account-B"),
    };
    this.accounts.A.tell({ type: "open", amount: OPENING_BALANCE });
    await this.scheduler.runUntilIdle();
  }

  private async accountView(id: AccountId): Promise<AccountView> {
    const stored = await currentEventsByPersistenceId(this.journal, `account-${id}`);
    let state = emptyAccount;
    const journal = stored.map((repr) => {
      const event = repr.event as AccountEvent;
      state = applyAccount(state, event);
      return {
        sequenceNr: repr.sequenceNr,
        text: accountText(event),
        transfer: "transfer" in event ? event.transfer : null,
      };
    });
    return { id, balance: state.balance, blocked: state.blocked, journal };
  }

  private async workflowView(id: string): Promise<WorkflowView> {
    const stored = await currentEventsByPersistenceId(this.journal, id);
    let state: WorkflowState = { amount: 0, status: "new" };
    const journal = stored.map((repr) => {
      const event = repr.event as WorkflowEvent;
      state = applyWorkflow(state, event);
      return { sequenceNr: repr.sequenceNr, text: workflowText(event), transfer: id };
    });
    return {
      id,
      amount: state.amount,
      status: state.status === "new" ? "withdrawing" : state.status,
      journal,
    };
  }

  private async snapshot(said: string): Promise<TransferView> {
    await this.ensureStarted();
    const workflows: WorkflowView[] = [];
    for (const id of this.transfers) workflows.push(await this.workflowView(id));
    return { a: await this.accountView("A"), b: await this.accountView("B"), workflows, said };
  }
}

/** True once a workflow can take no further step. */
export const isFinished = (status: WorkflowStatus): boolean => TERMINAL.has(status);
