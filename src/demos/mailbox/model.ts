import {
  type ActorRef,
  ActorSystem,
  type Behavior,
  Behaviors,
  SupervisorStrategy,
  type SystemEvent,
} from "@runtime";
import { commandType, type DemoModel } from "../model";
import { SteppingScheduler } from "./stepper";

/**
 * Talk 1's actor: a worker with a mailbox and a running total, under a parent that supervises
 * it. Each step lets the worker take exactly one message; a "crash" message makes it throw, and
 * the chosen strategy decides what happens to its state and to the mail still queued.
 */

export type Strategy = "restart" | "resume" | "stop";

export interface Mail {
  readonly id: number;
  readonly kind: "job" | "crash";
}

export type MailboxCommand =
  | { readonly type: "send"; readonly kind: Mail["kind"]; readonly count?: number }
  | { readonly type: "step" }
  | { readonly type: "drain" }
  | { readonly type: "strategy"; readonly strategy: Strategy }
  | { readonly type: "reset" };

export interface MailboxView {
  readonly strategy: Strategy;
  /** Messages in the worker's mailbox, oldest first. */
  readonly mailbox: readonly Mail[];
  readonly worker: {
    readonly alive: boolean;
    /** 1 for the first start, +1 per restart. */
    readonly incarnation: number;
    readonly handled: number;
    readonly total: number;
  };
  /** What happened, oldest first (the last 40 lines). */
  readonly trace: readonly string[];
  readonly deadLetters: readonly number[];
  /** A sentence for the live region about the last command. */
  readonly said: string;
}

const DEMO = "mailbox";
const STRATEGIES: readonly Strategy[] = ["restart", "resume", "stop"];
const MAX_MAILBOX = 60;

/** A job adds its id to the total, so the total shows which jobs the state has seen. */
const amountOf = (mail: Mail) => mail.id;

class PoisonMessage extends Error {
  constructor(id: number) {
    super(`message #${id} made the worker throw`);
    this.name = "PoisonMessage";
  }
}

interface Hooks {
  started(): void;
  took(mail: Mail, total: number, handled: number): void;
}

function worker(hooks: Hooks): Behavior<Mail> {
  const counting = (handled: number, total: number): Behavior<Mail> =>
    Behaviors.receiveMessage<Mail>((mail) => {
      hooks.took(mail, total, handled);
      if (mail.kind === "crash") throw new PoisonMessage(mail.id);
      return counting(handled + 1, total + amountOf(mail));
    });
  return Behaviors.setup<Mail>(() => {
    hooks.started();
    return counting(0, 0);
  });
}

const strategyOf: Record<Strategy, SupervisorStrategy> = {
  restart: SupervisorStrategy.restart,
  resume: SupervisorStrategy.resume,
  stop: SupervisorStrategy.stop,
};

export class MailboxModel implements DemoModel<MailboxView> {
  private scheduler!: SteppingScheduler;
  private system!: ActorSystem<never>;
  private worker!: ActorRef<Mail>;
  private strategy: Strategy = "restart";
  private nextId = 1;
  private queue: Mail[] = [];
  private trace: string[] = [];
  private deadLetters: number[] = [];
  private alive = true;
  private incarnation = 0;
  private handled = 0;
  private total = 0;
  private tookOne = false;
  private said = "";

  constructor() {
    this.start("restart");
  }

  view(): MailboxView {
    return {
      strategy: this.strategy,
      mailbox: [...this.queue],
      worker: {
        alive: this.alive,
        incarnation: this.incarnation,
        handled: this.handled,
        total: this.total,
      },
      trace: this.trace.slice(-40),
      deadLetters: [...this.deadLetters],
      said: this.said,
    };
  }

  async apply(command: unknown): Promise<MailboxView> {
    const cmd = commandType(DEMO, command, ["send", "step", "drain", "strategy", "reset"]);
    switch (cmd.type) {
      case "send": {
        const kind = cmd.kind === "crash" ? "crash" : "job";
        const count = cmd.count === 3 ? 3 : 1;
        const ids: number[] = [];
        for (let i = 0; i < count && this.queue.length < MAX_MAILBOX; i++) {
          const mail: Mail = { id: this.nextId++, kind };
          ids.push(mail.id);
          if (this.alive) this.queue.push(mail);
          this.worker.tell(mail);
        }
        if (ids.length === 0) {
          this.said = `The demo's mailbox holds at most ${MAX_MAILBOX} messages.`;
          break;
        }
        this.said = this.alive
          ? `Sent ${ids.map((id) => `#${id}`).join(", ")}; ${this.queue.length} waiting in the mailbox.`
          : `Sent ${ids.map((id) => `#${id}`).join(", ")} to a stopped worker: dead letters.`;
        break;
      }
      case "step":
        this.step();
        break;
      case "drain": {
        let steps = 0;
        while (this.queue.length > 0 && this.alive && steps++ < MAX_MAILBOX) this.step();
        this.said = `Handled the mailbox. ${this.summary()}`;
        break;
      }
      case "strategy": {
        const strategy = cmd.strategy as Strategy;
        if (!STRATEGIES.includes(strategy))
          throw new Error(`${DEMO}: strategy must be one of ${STRATEGIES.join(", ")}`);
        this.start(strategy);
        this.said = `Started over with supervision: ${strategy}.`;
        break;
      }
      case "reset":
        this.start(this.strategy);
        this.said = "Started over.";
        break;
    }
    return this.view();
  }

  private summary(): string {
    return this.alive
      ? `Worker total ${this.total} after ${this.handled} jobs.`
      : "The worker has stopped.";
  }

  /** Lets the worker take one message, then settles what that caused. */
  private step(): void {
    if (this.queue.length === 0 || !this.alive) {
      this.said = this.alive ? "The mailbox is empty." : "The worker has stopped.";
      return;
    }
    this.tookOne = false;
    while (!this.tookOne && this.scheduler.runNext());
    // A stopped worker's parent still hears ChildFailed; nothing else is queued then.
    if (!this.alive) this.scheduler.runAll();
    const last = this.trace.at(-1) ?? "";
    this.said = `${last}. ${this.queue.length} left in the mailbox.`;
  }

  private start(strategy: Strategy): void {
    this.strategy = strategy;
    this.scheduler = new SteppingScheduler();
    this.queue = [];
    this.trace = [];
    this.deadLetters = [];
    this.nextId = 1;
    this.alive = true;
    this.incarnation = 0;
    this.handled = 0;
    this.total = 0;
    const hooks: Hooks = {
      started: () => {
        this.incarnation++;
        this.handled = 0;
        this.total = 0;
        if (this.incarnation > 1)
          this.note(`worker restarted (incarnation ${this.incarnation}): total back to 0`);
      },
      took: (mail, total, handled) => {
        this.tookOne = true;
        this.queue = this.queue.filter((m) => m.id !== mail.id);
        if (mail.kind === "crash") {
          this.note(`#${mail.id} crash: the worker throws (its total was ${total})`);
          return;
        }
        this.handled = handled + 1;
        this.total = total + amountOf(mail);
        this.note(`#${mail.id} job +${amountOf(mail)}: total ${this.total}`);
      },
    };
    const supervised = Behaviors.supervise(worker(hooks)).onFailure(strategyOf[strategy]);
    const parent = Behaviors.setup<never>((ctx) => {
      this.worker = ctx.spawn(supervised, "worker");
      ctx.watch(this.worker);
      return Behaviors.receiveSignal<never>((_ctx, signal) => {
        if (signal.type === "ChildFailed" || signal.type === "Terminated")
          this.note(`parent: its worker has stopped (${signal.type})`);
        return Behaviors.same;
      });
    });
    // One message per dispatcher task, so a step is one message.
    this.system = ActorSystem.create(parent, "mailbox", {
      scheduler: this.scheduler,
      throughput: 1,
      batchLimit: 1,
    });
    this.system.observe((event) => this.observe(event));
    this.scheduler.runAll();
  }

  private observe(event: SystemEvent): void {
    if (!event.path.endsWith("/worker")) return;
    switch (event.type) {
      case "failed":
        this.note(
          this.strategy === "resume"
            ? `supervisor resumes: the message is dropped, total kept at ${this.total}`
            : `supervisor decides: ${this.strategy}`,
        );
        break;
      case "stopped":
        this.alive = false;
        this.note("worker stopped: its state is gone");
        break;
      case "deadLetter": {
        const id = (event.message as Mail).id;
        this.deadLetters.push(id);
        this.queue = this.queue.filter((m) => m.id !== id);
        this.note(`#${id} → dead letters`);
        break;
      }
    }
  }

  private note(line: string): void {
    this.trace.push(line);
  }
}
