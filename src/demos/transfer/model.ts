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
 *
 * What lets it resume after a crash: the workflows run in their own process (actor system),
 * apart from the accounts, and messages between the two cross a link that a crashed process
 * does not receive from. On recovery a workflow re-sends the step whose answer it never stored;
 * the accounts apply a command once per transfer and step (idempotent), answering a repeat
 * without applying it again; a step that gets no answer is retried after a timeout, then given
 * up; and a refund that fails is parked for a human, because a compensation cannot be compensated.
 */

export type AccountId = "A" | "B";
export const AMOUNTS: readonly number[] = [20, 50, 150];
/** A's opening balance; the two balances always add up to it once every workflow has ended. */
export const OPENING_BALANCE = 100;

export type TransferCommand =
  | { readonly type: "transfer"; readonly amount: number }
  | { readonly type: "block"; readonly blocked: boolean; readonly account?: AccountId }
  | { readonly type: "crash-after-withdrawal"; readonly armed: boolean }
  | { readonly type: "restart" }
  | { readonly type: "unreachable"; readonly unreachable: boolean }
  | { readonly type: "reset" };

/** How long a workflow waits for an answer before it sends the step again, and how often. */
export const STEP_TIMEOUT_MS = 3_000;
export const MAX_ATTEMPTS = 3;

type AccountEvent =
  | {
      readonly type: "deposited";
      readonly amount: number;
      readonly transfer: string | null;
      readonly step?: string;
    }
  | {
      readonly type: "withdrew";
      readonly amount: number;
      readonly transfer: string;
      readonly step?: string;
    }
  | { readonly type: "blocked" }
  | { readonly type: "unblocked" };
interface AccountState {
  readonly balance: number;
  readonly blocked: boolean;
  /** The (transfer, step) pairs already applied: a repeat is answered, never applied twice. */
  readonly applied: ReadonlySet<string>;
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

/**
 * The wire between the accounts' process and the workflows' process. A process that crashed
 * receives nothing; the model counts the repeats the accounts recognised.
 */
interface Link {
  toWorkflow(to: ActorRef<StepResult>, result: StepResult): void;
  toAccount(to: ActorRef<AccountCmd>, cmd: AccountCmd): void;
  /** Called by an account right after it stored a step, before it answers. */
  stored(account: AccountId, step: StepResult["step"]): void;
  repeated(account: AccountId, key: string): void;
}

export type WorkflowStatus =
  | "withdrawing"
  | "depositing"
  | "refunding"
  | "completed"
  | "refused"
  | "compensated"
  | "parked";

type WorkflowEvent =
  | { readonly type: "started"; readonly amount: number }
  | { readonly type: "withdrawn" }
  | { readonly type: "withdrawal-refused"; readonly reason: string }
  | { readonly type: "deposited" }
  | { readonly type: "deposit-refused"; readonly reason: string }
  | { readonly type: "refunded" }
  | { readonly type: "refund-failed"; readonly reason: string }
  | { readonly type: "completed" };
interface WorkflowState {
  readonly amount: number;
  readonly status: WorkflowStatus | "new";
}
type Timeout = {
  readonly type: "timeout";
  readonly step: StepResult["step"];
  readonly attempt: number;
};
type WorkflowCmd = { readonly type: "start"; readonly amount: number } | StepResult | Timeout;

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
  /** How many times each step's command was sent (more than once: a retry or a re-send). */
  readonly sends: Readonly<Partial<Record<StepResult["step"], number>>>;
}

export interface TransferView {
  readonly a: AccountView;
  readonly b: AccountView;
  /** Every transfer so far, oldest first. */
  readonly workflows: readonly WorkflowView[];
  /** The workflows' process: down after a crash until restarted. */
  readonly workflowsDown: boolean;
  readonly crashArmed: boolean;
  readonly unreachable: boolean;
  /** Repeated commands the accounts recognised and did not apply again. */
  readonly repeats: number;
  readonly said: string;
}

const DEMO = "transfer-workflow";
const STEP_MS = 1_000;
const MAX_TRANSFERS = 100;
const TERMINAL: ReadonlySet<string> = new Set(["completed", "refused", "compensated", "parked"]);

const emptyAccount: AccountState = { balance: 0, blocked: false, applied: new Set() };
const stepKey = (transfer: string, step: string) => `${transfer}/${step}`;
const markApplied = (state: AccountState, event: { transfer: string | null; step?: string }) =>
  event.transfer === null || event.step === undefined
    ? state.applied
    : new Set([...state.applied, stepKey(event.transfer, event.step)]);

function applyAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case "deposited":
      return {
        ...state,
        balance: state.balance + event.amount,
        applied: markApplied(state, event),
      };
    case "withdrew":
      return {
        ...state,
        balance: state.balance - event.amount,
        applied: markApplied(state, event),
      };
    case "blocked":
      return { ...state, blocked: true };
    case "unblocked":
      return { ...state, blocked: false };
  }
}

/**
 * An account: refuses a withdrawal it cannot cover, and every deposit while it is blocked. It
 * applies each (transfer, step) once: a repeat — a workflow re-sending after a crash or a
 * timeout — gets the answer again, and the money does not move twice.
 */
function account(id: AccountId, link: Link) {
  const answer = (cmd: Extract<AccountCmd, { replyTo: unknown }>, ok: boolean, reason?: string) =>
    link.toWorkflow(cmd.replyTo, {
      type: "step-result",
      step: cmd.step,
      ok,
      ...(reason === undefined ? {} : { reason }),
    });
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
        case "deposit": {
          const key = stepKey(cmd.transfer, cmd.step);
          if (state.applied.has(key))
            return Effect.none<AccountEvent, AccountState>().thenRun(() => {
              link.repeated(id, key);
              answer(cmd, true);
            });
          if (cmd.type === "withdraw" && cmd.amount > state.balance)
            return Effect.none<AccountEvent, AccountState>().thenRun(() =>
              answer(cmd, false, `account ${id} holds only ${state.balance}`),
            );
          if (cmd.type === "deposit" && state.blocked)
            return Effect.none<AccountEvent, AccountState>().thenRun(() =>
              answer(cmd, false, `account ${id} is blocked`),
            );
          return Effect.persist<AccountEvent, AccountState>(
            cmd.type === "withdraw"
              ? { type: "withdrew", amount: cmd.amount, transfer: cmd.transfer, step: cmd.step }
              : { type: "deposited", amount: cmd.amount, transfer: cmd.transfer, step: cmd.step },
          ).thenRun(() => {
            link.stored(id, cmd.step);
            answer(cmd, true);
          });
        }
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
    case "refund-failed":
      return { ...state, status: "parked" };
    case "completed":
      return { ...state, status: "completed" };
  }
}

/** The step a workflow in this status is waiting on, and the account that owes the answer. */
const PENDING: Partial<
  Record<WorkflowStatus, { to: AccountId; type: "withdraw" | "deposit"; step: StepResult["step"] }>
> = {
  withdrawing: { to: "A", type: "withdraw", step: "withdraw" },
  depositing: { to: "B", type: "deposit", step: "deposit" },
  refunding: { to: "A", type: "deposit", step: "refund" },
};

/**
 * The process manager: each answer is stored first, then the next step's command is sent. The
 * table of talk 4: withdraw from A (refused: stop), deposit into B (refused: pay A back), done.
 * Every send starts a timer; no answer in time means the step is sent again, and after
 * MAX_ATTEMPTS it is given up. After a crash, recovery re-sends the step still pending.
 */
function workflow(
  id: string,
  accounts: Record<AccountId, ActorRef<AccountCmd>>,
  link: Link,
): Behavior<WorkflowCmd> {
  return Behaviors.setup<WorkflowCmd>((ctx) => {
    const self = ctx.self as ActorRef<StepResult>;
    const sendPending = (state: WorkflowState, attempt = 1) => {
      const pending = PENDING[state.status as WorkflowStatus];
      if (!pending) return;
      link.toAccount(accounts[pending.to], {
        type: pending.type,
        step: pending.step,
        amount: state.amount,
        transfer: id,
        replyTo: self,
      });
      ctx.timers.startSingleTimer(
        "step",
        { type: "timeout", step: pending.step, attempt },
        STEP_TIMEOUT_MS,
      );
    };
    const giveUp = (step: StepResult["step"], reason: string): WorkflowEvent =>
      step === "withdraw"
        ? { type: "withdrawal-refused", reason }
        : step === "deposit"
          ? { type: "deposit-refused", reason }
          : { type: "refund-failed", reason };
    return EventSourcedBehavior.create<WorkflowCmd, WorkflowEvent, WorkflowState>({
      persistenceId: id,
      emptyState: { amount: 0, status: "new" },
      commandHandler: (state, cmd) => {
        if (cmd.type === "start")
          return state.status === "new"
            ? Effect.persist<WorkflowEvent, WorkflowState>({
                type: "started",
                amount: cmd.amount,
              }).thenRun((s) => sendPending(s))
            : Effect.none();
        // An answer or a timeout for a step this workflow is no longer on: a late duplicate.
        if (PENDING[state.status as WorkflowStatus]?.step !== cmd.step) return Effect.none();
        if (cmd.type === "timeout") {
          if (cmd.attempt < MAX_ATTEMPTS)
            return Effect.none<WorkflowEvent, WorkflowState>().thenRun((s) =>
              sendPending(s, cmd.attempt + 1),
            );
          const event = giveUp(cmd.step, `no answer after ${MAX_ATTEMPTS} attempts`);
          return Effect.persist<WorkflowEvent, WorkflowState>(event).thenRun((s) => sendPending(s));
        }
        ctx.timers.cancel("step");
        switch (cmd.step) {
          case "withdraw":
            return cmd.ok
              ? Effect.persist<WorkflowEvent, WorkflowState>({ type: "withdrawn" }).thenRun((s) =>
                  sendPending(s),
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
                }).thenRun((s) => sendPending(s));
          case "refund":
            // A compensation cannot itself be compensated: a refused refund is parked for a human.
            return cmd.ok
              ? Effect.persist({ type: "refunded" })
              : Effect.persist({ type: "refund-failed", reason: cmd.reason ?? "" });
        }
      },
      eventHandler: applyWorkflow,
    }).receiveSignal((state, signal) => {
      // Live again after a restart: whatever step was pending, its answer was never stored.
      if (signal.type === "RecoveryCompleted" && signal.sequenceNr > 0) sendPending(state);
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
    case "refund-failed":
      return `refund failed (${event.reason}): parked for a human`;
    case "completed":
      return "step 3: done";
  }
};

export class TransferWorkflowModel implements DemoModel<TransferView> {
  private scheduler!: VirtualScheduler;
  private journal!: InMemoryJournal;
  /** The accounts' process. */
  private bank!: ActorSystem<never>;
  /** The workflows' process: it can crash and restart on its own. */
  private flows!: ActorSystem<never>;
  private accounts!: Record<AccountId, ActorRef<AccountCmd>>;
  private transfers: string[] = [];
  private sends = new Map<string, Partial<Record<StepResult["step"], number>>>();
  private started = false;
  private generation = 0;
  private flowsDown = false;
  private crashArmed = false;
  private unreachable = false;
  private repeats = 0;

  private readonly link: Link = {
    toWorkflow: (to, result) => {
      if (!this.flowsDown) to.tell(result); // a crashed process receives nothing
    },
    toAccount: (to, cmd) => {
      if ("transfer" in cmd) {
        const counts = this.sends.get(cmd.transfer) ?? {};
        counts[cmd.step] = (counts[cmd.step] ?? 0) + 1;
        this.sends.set(cmd.transfer, counts);
      }
      if (this.unreachable && to === this.accounts.B) return; // lost on the way to B
      to.tell(cmd);
    },
    stored: (account, step) => {
      if (this.crashArmed && account === "A" && step === "withdraw") {
        this.crashArmed = false;
        this.flowsDown = true; // the workflows' process dies before A's answer reaches it
        void this.flows.terminate(); // and with it every workflow's memory and timers
      }
    },
    repeated: () => {
      this.repeats++;
    },
  };

  view(): Promise<TransferView> {
    return this.snapshot(`Ready: A holds ${OPENING_BALANCE}; move money to B.`);
  }

  async apply(command: unknown): Promise<TransferView> {
    await this.ensureStarted();
    const cmd = commandType(DEMO, command, [
      "transfer",
      "block",
      "crash-after-withdrawal",
      "restart",
      "unreachable",
      "reset",
    ]);
    switch (cmd.type) {
      case "reset":
        await this.flows.terminate();
        await this.bank.terminate();
        this.started = false;
        await this.ensureStarted();
        return this.snapshot("Reset: A holds 100 again, B nothing, no transfers.");
      case "block": {
        if (typeof cmd.blocked !== "boolean")
          throw new BadCommand(DEMO, cmd, "blocked must be true or false");
        const which = cmd.account ?? "B";
        if (which !== "A" && which !== "B")
          throw new BadCommand(DEMO, cmd, "account must be A or B");
        this.accounts[which].tell({ type: "block", blocked: cmd.blocked });
        await this.scheduler.runUntilIdle();
        return this.snapshot(
          cmd.blocked
            ? `${which} is blocked: it refuses deposits.`
            : `${which} is open for deposits again.`,
        );
      }
      case "crash-after-withdrawal":
        if (typeof cmd.armed !== "boolean")
          throw new BadCommand(DEMO, cmd, "armed must be true or false");
        this.crashArmed = cmd.armed;
        return this.snapshot(
          cmd.armed
            ? "Armed: the workflows' process will crash right after A stores the next withdrawal."
            : "Disarmed: no crash.",
        );
      case "unreachable":
        if (typeof cmd.unreachable !== "boolean")
          throw new BadCommand(DEMO, cmd, "unreachable must be true or false");
        this.unreachable = cmd.unreachable;
        return this.snapshot(
          cmd.unreachable
            ? "B is unreachable: commands to it are lost on the way."
            : "B is reachable again.",
        );
      case "restart":
        return this.restart();
      case "transfer": {
        if (!AMOUNTS.includes(cmd.amount as number))
          throw new BadCommand(DEMO, cmd, `amount must be one of ${AMOUNTS.join(", ")}`);
        if (this.transfers.length >= MAX_TRANSFERS)
          return this.snapshot(`Stopped at ${MAX_TRANSFERS} transfers: press Reset.`);
        if (this.flowsDown)
          return this.snapshot("The workflows' process is down: restart it first.");
        const id = `transfer-${this.transfers.length + 1}`;
        this.transfers.push(id);
        await this.scheduler.advanceBy(STEP_MS);
        const ref = this.flows.systemActorOf(workflow(id, this.accounts, this.link), id);
        ref.tell({ type: "start", amount: cmd.amount as number });
        await this.scheduler.runUntilIdle();
        if (this.flowsDown) {
          await this.flows.whenTerminated;
          return this.snapshot(
            `Transfer #${id.replace("transfer-", "")}: A stored the withdrawal, then the workflows' process crashed before the answer arrived. The workflow's journal still says "started".`,
          );
        }
        const view = await this.snapshot("");
        const flow = view.workflows.at(-1) as WorkflowView;
        return { ...view, said: this.describe(flow) };
      }
    }
  }

  /** A new workflows process over the same journal: every unfinished workflow recovers. */
  private async restart(): Promise<TransferView> {
    if (!this.flowsDown)
      return this.snapshot("The workflows' process is running: nothing to restart.");
    this.flowsDown = false;
    this.flows = this.process("flows");
    const before = this.repeats;
    const resumed: string[] = [];
    for (const id of this.transfers) {
      const { status } = await this.workflowView(id);
      if (isFinished(status)) continue;
      resumed.push(id.replace("transfer-", "#"));
      this.flows.systemActorOf(workflow(id, this.accounts, this.link), id);
    }
    await this.scheduler.runUntilIdle();
    const view = await this.snapshot("");
    const repeats = this.repeats - before;
    const flows =
      resumed.length === 0
        ? "no workflow was unfinished"
        : `${resumed.join(", ")} recovered and re-sent the step it had no answer for`;
    return {
      ...view,
      said: `Restarted the workflows' process: ${flows}.${repeats > 0 ? ` The accounts recognised ${repeats} repeat${repeats > 1 ? "s" : ""} and did not move the money twice.` : ""}`,
    };
  }

  private describe(flow: WorkflowView): string {
    const n = flow.id.replace("transfer-", "#");
    const deposits = flow.sends.deposit ?? 0;
    const retried = deposits > 1 ? ` B was sent the deposit ${deposits} times.` : "";
    switch (flow.status) {
      case "completed":
        return `Transfer ${n}: ${flow.amount} left A and reached B.${retried}`;
      case "refused":
        return `Transfer ${n}: A refused to pay ${flow.amount}; the workflow stopped, nothing moved.`;
      case "compensated":
        return `Transfer ${n}: A paid ${flow.amount}, B refused it, so the workflow paid A back. Both journals keep the attempt.${retried}`;
      case "parked":
        return `Transfer ${n}: B refused, and the refund into A failed too: parked for a human, ${flow.amount} is out of A.`;
      default:
        return `Transfer ${n} is still ${flow.status}.`;
    }
  }

  private process(name: string): ActorSystem<never> {
    const system = ActorSystem.create(Behaviors.ignore, `${name}-${this.generation++}`, {
      scheduler: this.scheduler,
    });
    Persistence.register(system as ActorSystem<unknown>, { journal: this.journal });
    return system;
  }

  private async ensureStarted(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.scheduler = new VirtualScheduler();
    this.journal = new InMemoryJournal();
    this.transfers = [];
    this.sends = new Map();
    this.flowsDown = false;
    this.crashArmed = false;
    this.unreachable = false;
    this.repeats = 0;
    this.bank = this.process("bank");
    this.flows = this.process("flows");
    this.accounts = {
      A: this.bank.systemActorOf(account("A", this.link), "account-A"),
      B: this.bank.systemActorOf(account("B", this.link), "account-B"),
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
      sends: { ...(this.sends.get(id) ?? {}) },
    };
  }

  private async snapshot(said: string): Promise<TransferView> {
    await this.ensureStarted();
    const workflows: WorkflowView[] = [];
    for (const id of this.transfers) workflows.push(await this.workflowView(id));
    return {
      a: await this.accountView("A"),
      b: await this.accountView("B"),
      workflows,
      workflowsDown: this.flowsDown,
      crashArmed: this.crashArmed,
      unreachable: this.unreachable,
      repeats: this.repeats,
      said,
    };
  }
}

/** True once a workflow can take no further step. */
export const isFinished = (status: WorkflowStatus): boolean => TERMINAL.has(status);
