import {
  type ActorRef,
  ActorSystem,
  ask,
  type Behavior,
  Behaviors,
  currentEventsByPersistenceId,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  Persistence,
  PersistFailure,
  VirtualScheduler,
} from "@runtime";
import { commandType, type DemoModel } from "../model";

/**
 * Talk 1's `persist` versus `persistAsync`, with a journal that fails one write on demand. Every
 * order goes to two order books that share nothing: the safe one is the runtime's
 * EventSourcedBehavior (state and reply only after the journal confirmed the write); the risky
 * one is written by hand here, because the runtime deliberately has no persistAsync: it updates
 * its state and answers before its write is confirmed. A failed write stops either actor, as in
 * Akka; the next order (or a restart) starts a new incarnation that recovers from its journal.
 */

export type Side = "safe" | "risky";
export const SIDES: readonly Side[] = ["safe", "risky"];

export type PersistCommand =
  | { readonly type: "order" }
  | { readonly type: "fail-next" }
  | { readonly type: "restart" }
  | { readonly type: "reset" };

/** What the caller of one side heard back for one order. */
export interface Confirmation {
  readonly order: number;
  readonly answer: "accepted" | "no answer";
}

export interface SideView {
  readonly side: Side;
  readonly alive: boolean;
  /** 1 for the first start; +1 for each start after a stop or a restart. */
  readonly incarnation: number;
  /** The orders in the live actor's memory; null while it is stopped. */
  readonly memory: readonly number[] | null;
  /** The orders stored in this side's journal, in sequence-number order. */
  readonly journal: readonly number[];
  readonly confirmations: readonly Confirmation[];
  /** Orders the caller was told were accepted but that no journal holds: gone on recovery. */
  readonly lost: readonly number[];
}

export interface PersistView {
  /** Orders placed so far (the next one is `placed + 1`). */
  readonly placed: number;
  /** True when each journal will fail its next write. */
  readonly armed: boolean;
  readonly safe: SideView;
  readonly risky: SideView;
  /** A sentence about the last command, for the status line. */
  readonly said: string;
}

type Event = { readonly type: "order-accepted"; readonly order: number };
type Reply = { readonly accepted: true };
type Msg =
  | { readonly type: "order"; readonly order: number; readonly replyTo: ActorRef<Reply> }
  | { readonly type: "get"; readonly replyTo: ActorRef<readonly number[]> };
type RiskyMsg =
  | Msg
  | { readonly type: "written" }
  | { readonly type: "write-failed"; error: unknown };

const DEMO = "persist-vs-async";
const PERSISTENCE_ID = "orders-1";
/** Virtual time between orders, and how long a caller waits for an answer. */
const STEP_MS = 10_000;
const ASK_TIMEOUT_MS = 3_000;
/** Orders are cheap to click; keep the journals small enough to show. */
const MAX_ORDERS = 200;

/** The safe form: the runtime's Effect.persist; state and reply follow the confirmed write. */
function safeOrders(): EventSourcedBehavior<Msg, Event, readonly number[]> {
  return EventSourcedBehavior.create<Msg, Event, readonly number[]>({
    persistenceId: PERSISTENCE_ID,
    emptyState: [],
    commandHandler: (orders, msg) =>
      msg.type === "get"
        ? Effect.reply<readonly number[], Event, readonly number[]>(msg.replyTo, orders)
        : Effect.persist<Event, readonly number[]>({
            type: "order-accepted",
            order: msg.order,
          }).thenReply(msg.replyTo, (): Reply => ({ accepted: true })),
    eventHandler: (orders, event) => [...orders, event.order],
  });
}

/**
 * The risky form, by hand: memory first, then the answer, then the write. When the write fails
 * the actor stops (Akka's persistAsync does the same), but the caller already holds a "yes".
 */
function riskyOrders(
  journal: InMemoryJournal,
  recovered: readonly number[],
  sequenceNr: number,
  writerUuid: string,
): Behavior<RiskyMsg> {
  const running = (orders: readonly number[], seq: number): Behavior<RiskyMsg> =>
    Behaviors.receive<RiskyMsg>((ctx, msg) => {
      switch (msg.type) {
        case "get":
          msg.replyTo.tell(orders);
          return Behaviors.same;
        case "order": {
          const next = [...orders, msg.order];
          msg.replyTo.tell({ accepted: true });
          const event: Event = { type: "order-accepted", order: msg.order };
          const write = journal.append([
            {
              persistenceId: PERSISTENCE_ID,
              sequenceNr: seq + 1,
              event,
              timestamp: ctx.system.scheduler.now(),
              tags: [],
              writerUuid,
              manifest: "",
            },
          ]);
          ctx.pipeToSelf(write, (outcome) =>
            outcome.ok ? { type: "written" } : { type: "write-failed", error: outcome.error },
          );
          return running(next, seq + 1);
        }
        case "written":
          return Behaviors.same;
        case "write-failed":
          throw new PersistFailure(PERSISTENCE_ID, msg.error);
      }
    });
  return running(recovered, sequenceNr);
}

interface SideState {
  journal: InMemoryJournal;
  ref: ActorRef<Msg> | null;
  incarnation: number;
  confirmations: Confirmation[];
}

export class PersistVsAsyncModel implements DemoModel<PersistView> {
  private scheduler!: VirtualScheduler;
  private system!: ActorSystem<never>;
  private sides!: Record<Side, SideState>;
  private placed = 0;
  private armed = false;
  private generation = 0;
  private current!: PersistView;

  constructor() {
    this.start();
  }

  async view(): Promise<PersistView> {
    this.current ??= await this.snapshot("Ready: place an order; both sides get it.");
    return this.current;
  }

  async apply(command: unknown): Promise<PersistView> {
    const cmd = commandType(DEMO, command, ["order", "fail-next", "restart", "reset"]);
    let said: string;
    switch (cmd.type) {
      case "reset":
        await this.system.terminate();
        this.start();
        said = "Reset: empty journals, new actors.";
        break;
      case "fail-next":
        for (const side of SIDES)
          this.sides[side].journal.failNextAppend(new Error("injected: the disk is full"));
        this.armed = true;
        said = "Both journals will fail their next write.";
        break;
      case "restart":
        await this.system.terminate();
        this.boot();
        for (const side of SIDES) await this.spawn(side);
        said = `Restarted: both sides recovered from their journals.${await this.lostSentence()}`;
        break;
      case "order":
        said = await this.order();
        break;
    }
    this.current = await this.snapshot(said);
    return this.current;
  }

  private start(): void {
    this.placed = 0;
    this.armed = false;
    const side = (): SideState => ({
      journal: new InMemoryJournal(),
      ref: null,
      incarnation: 0,
      confirmations: [],
    });
    this.sides = { safe: side(), risky: side() };
    this.scheduler = new VirtualScheduler();
    this.boot();
    // The first incarnation starts from an empty journal: nothing to read, so no await.
    this.spawnFresh("safe", [], 0);
    this.spawnFresh("risky", [], 0);
  }

  /** A new process: a fresh actor system (and clock, from the same time) over the same journals. */
  private boot(): void {
    this.scheduler = new VirtualScheduler(this.scheduler.now());
    this.system = ActorSystem.create(Behaviors.ignore, `orders-${this.generation++}`, {
      scheduler: this.scheduler,
    });
    Persistence.register(this.system as ActorSystem<unknown>, {
      journal: this.sides.safe.journal,
    });
    this.system.observe((event) => {
      if (event.type !== "stopped") return;
      for (const side of SIDES) {
        const ref = this.sides[side].ref;
        if (ref && ref.path === event.path) this.sides[side].ref = null;
      }
    });
  }

  /** Starts a side's next incarnation; the risky one recovers by folding its journal. */
  private async spawn(side: Side): Promise<void> {
    if (side === "safe") return this.spawnFresh(side, [], 0);
    const stored = await currentEventsByPersistenceId(this.sides.risky.journal, PERSISTENCE_ID);
    const orders = stored.map((repr) => (repr.event as Event).order);
    this.spawnFresh(side, orders, stored.at(-1)?.sequenceNr ?? 0);
  }

  private spawnFresh(side: Side, orders: readonly number[], sequenceNr: number): void {
    const state = this.sides[side];
    state.incarnation++;
    const name = `${side}-${state.incarnation}`;
    state.ref =
      side === "safe"
        ? this.system.systemActorOf(safeOrders(), name)
        : (this.system.systemActorOf(
            riskyOrders(state.journal, orders, sequenceNr, name),
            name,
          ) as ActorRef<Msg>);
  }

  private async order(): Promise<string> {
    if (this.placed >= MAX_ORDERS) return `Stopped at ${MAX_ORDERS} orders: press Reset.`;
    const order = ++this.placed;
    const failing = this.armed;
    this.armed = false;
    await this.scheduler.advanceBy(STEP_MS);
    const restarted: Side[] = [];
    for (const side of SIDES) {
      if (this.sides[side].ref) continue;
      await this.spawn(side);
      restarted.push(side);
    }
    const answers = SIDES.map((side) => {
      const ref = this.sides[side].ref as ActorRef<Msg>;
      return ask<Msg, Reply>(ref, (replyTo) => ({ type: "order", order, replyTo }), {
        timeout: ASK_TIMEOUT_MS,
      }).then(
        (): Confirmation["answer"] => "accepted",
        (): Confirmation["answer"] => "no answer",
      );
    });
    await this.scheduler.runUntilIdle();
    const [safe, risky] = await Promise.all(answers);
    this.sides.safe.confirmations.push({ order, answer: safe ?? "no answer" });
    this.sides.risky.confirmations.push({ order, answer: risky ?? "no answer" });
    const started =
      restarted.length > 0
        ? `The stopped ${restarted.join(" and ")} side${restarted.length > 1 ? "s" : ""} started again and recovered. `
        : "";
    if (!failing) return `${started}Order #${order}: both sides stored it and said yes.`;
    return `${started}Order #${order}, write failed: the safe side never answered and stopped; the risky side had already said yes, then stopped.${await this.lostSentence()}`;
  }

  private async lostSentence(): Promise<string> {
    const lost: number[] = [];
    for (const side of SIDES) lost.push(...(await this.lostOf(side)));
    return lost.length === 0
      ? ""
      : ` Confirmed but not in the journal: ${lost.map((n) => `#${n}`).join(", ")}.`;
  }

  private journalOrders(side: Side): Promise<number[]> {
    return currentEventsByPersistenceId(this.sides[side].journal, PERSISTENCE_ID).then((stored) =>
      stored.map((repr) => (repr.event as Event).order),
    );
  }

  /** Orders this side's caller holds a "yes" for that its journal does not hold. */
  private async lostOf(side: Side): Promise<number[]> {
    const stored = new Set(await this.journalOrders(side));
    return this.sides[side].confirmations
      .filter((c) => c.answer === "accepted" && !stored.has(c.order))
      .map((c) => c.order);
  }

  private async snapshot(said: string): Promise<PersistView> {
    const views = {} as Record<Side, SideView>;
    for (const side of SIDES) {
      const state = this.sides[side];
      const journal = await this.journalOrders(side);
      const lost = await this.lostOf(side);
      let memory: readonly number[] | null = null;
      if (state.ref) {
        const ref = state.ref;
        const read = ask<Msg, readonly number[]>(ref, (replyTo) => ({ type: "get", replyTo }), {
          timeout: ASK_TIMEOUT_MS,
        });
        await this.scheduler.runUntilIdle();
        memory = await read;
      }
      views[side] = {
        side,
        alive: state.ref !== null,
        incarnation: state.incarnation,
        memory,
        journal,
        confirmations: [...state.confirmations],
        lost,
      };
    }
    return { placed: this.placed, armed: this.armed, safe: views.safe, risky: views.risky, said };
  }
}
