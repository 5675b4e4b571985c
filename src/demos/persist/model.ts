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
  PersistFailure,
  VirtualScheduler,
} from "@runtime";
import { commandType, type DemoModel } from "../model";

/**
 * Talk 1's `persist` versus `persistAsync`, on a capacity pool. Both forms update the state and
 * reply only after the journal confirmed the write. The difference is what happens to commands
 * that arrive meanwhile: `persist` (the only form in Akka Typed, and the runtime's
 * EventSourcedBehavior) stashes them, so each is checked against a state that includes every
 * earlier event; Classic's `persistAsync` does not, so they are checked against a state that
 * misses the events still in flight — and several can be accepted against the same free seats.
 * The runtime has no persistAsync, so that side is written by hand here, as Classic behaves.
 */

export type Side = "safe" | "risky";
export const SIDES: readonly Side[] = ["safe", "risky"];

export type PersistCommand =
  | { readonly type: "order" }
  | { readonly type: "burst" }
  | { readonly type: "reset" };

/** The pool's size and what each order asks for: three orders at once overbook it. */
export const CAPACITY = 10;
export const SEATS_PER_ORDER = 4;

/** What the caller of one side heard back for one order. */
export interface Answer {
  readonly order: number;
  readonly accepted: boolean;
  /** Seats reserved as the actor saw them when it checked this order. */
  readonly checkedAgainst: number;
}

export interface SideView {
  readonly side: Side;
  readonly answers: readonly Answer[];
  /** Seats per stored event, in sequence-number order. */
  readonly journal: readonly { readonly order: number; readonly seats: number }[];
  /** Seats reserved according to the journal. */
  readonly reserved: number;
  readonly overbooked: boolean;
}

export interface PersistView {
  readonly placed: number;
  readonly capacity: number;
  readonly safe: SideView;
  readonly risky: SideView;
  /** A sentence about the last command, for the status line. */
  readonly said: string;
}

type Event = { readonly type: "reserved"; readonly order: number; readonly seats: number };
type Reply = { readonly accepted: boolean; readonly checkedAgainst: number };
type Msg = {
  readonly type: "order";
  readonly order: number;
  readonly seats: number;
  readonly replyTo: ActorRef<Reply>;
};
type RiskyMsg =
  | Msg
  | {
      readonly type: "written";
      readonly event: Event;
      readonly replyTo: ActorRef<Reply>;
      readonly checkedAgainst: number;
    }
  | { readonly type: "write-failed"; readonly error: unknown };

const DEMO = "persist-vs-async";
const PERSISTENCE_ID = "pool-evening";
const ASK_TIMEOUT_MS = 3_000;
const MAX_ORDERS = 60;

/** persist: the runtime's Effect.persist; commands that arrive during the write are stashed. */
function safePool(): EventSourcedBehavior<Msg, Event, number> {
  return EventSourcedBehavior.create<Msg, Event, number>({
    persistenceId: PERSISTENCE_ID,
    emptyState: 0,
    commandHandler: (reserved, msg) =>
      reserved + msg.seats > CAPACITY
        ? Effect.reply(msg.replyTo, { accepted: false, checkedAgainst: reserved })
        : Effect.persist<Event, number>({
            type: "reserved",
            order: msg.order,
            seats: msg.seats,
          }).thenReply(msg.replyTo, () => ({ accepted: true, checkedAgainst: reserved })),
    eventHandler: (reserved, event) => reserved + event.seats,
  });
}

/**
 * Classic persistAsync, by hand: check, start the write, and take the next command at once.
 * The state update and the reply wait for the write (the callback), exactly as in Akka Classic;
 * only the stash is missing. A failed write stops the actor, as Classic's does.
 */
function riskyPool(journal: InMemoryJournal, writerUuid: string): Behavior<RiskyMsg> {
  const running = (reserved: number, seq: number): Behavior<RiskyMsg> =>
    Behaviors.receive<RiskyMsg>((ctx, msg) => {
      switch (msg.type) {
        case "order": {
          if (reserved + msg.seats > CAPACITY) {
            msg.replyTo.tell({ accepted: false, checkedAgainst: reserved });
            return Behaviors.same;
          }
          const event: Event = { type: "reserved", order: msg.order, seats: msg.seats };
          const checkedAgainst = reserved;
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
          const replyTo = msg.replyTo;
          ctx.pipeToSelf(write, (outcome) =>
            outcome.ok
              ? { type: "written", event, replyTo, checkedAgainst }
              : { type: "write-failed", error: outcome.error },
          );
          // No stash: the next command is checked against `reserved`, without this event.
          return running(reserved, seq + 1);
        }
        case "written":
          // The persistAsync callback: apply the event, then reply.
          msg.replyTo.tell({ accepted: true, checkedAgainst: msg.checkedAgainst });
          return running(reserved + msg.event.seats, seq);
        case "write-failed":
          throw new PersistFailure(PERSISTENCE_ID, msg.error);
      }
    });
  return running(0, 0);
}

export class PersistVsAsyncModel implements DemoModel<PersistView> {
  private scheduler!: VirtualScheduler;
  private system!: ActorSystem<never>;
  private journals!: Record<Side, InMemoryJournal>;
  private refs!: Record<Side, ActorRef<Msg>>;
  private answers!: Record<Side, Answer[]>;
  private placed = 0;
  private generation = 0;
  private current!: PersistView;

  constructor() {
    this.start();
  }

  async view(): Promise<PersistView> {
    this.current ??= await this.snapshot(
      `Ready: a pool of ${CAPACITY} seats; each order asks for ${SEATS_PER_ORDER}.`,
    );
    return this.current;
  }

  async apply(command: unknown): Promise<PersistView> {
    const cmd = commandType(DEMO, command, ["order", "burst", "reset"]);
    let said: string;
    switch (cmd.type) {
      case "reset":
        await this.system.terminate();
        this.start();
        said = "Reset: empty journals, empty pools.";
        break;
      case "order":
        said = await this.place(1);
        break;
      case "burst":
        said = await this.place(3);
        break;
    }
    this.current = await this.snapshot(said);
    return this.current;
  }

  private start(): void {
    this.placed = 0;
    this.journals = { safe: new InMemoryJournal(), risky: new InMemoryJournal() };
    this.answers = { safe: [], risky: [] };
    this.scheduler = new VirtualScheduler();
    this.system = ActorSystem.create(Behaviors.ignore, `pools-${this.generation++}`, {
      scheduler: this.scheduler,
    });
    this.refs = {
      safe: this.system.systemActorOf(safePool().withJournal(this.journals.safe), "safe"),
      risky: this.system.systemActorOf(
        riskyPool(this.journals.risky, "risky"),
        "risky",
      ) as ActorRef<Msg>,
    };
  }

  /** Sends `count` orders to both sides at once: all are in each mailbox before any is handled. */
  private async place(count: number): Promise<string> {
    if (this.placed + count > MAX_ORDERS) return `Stopped at ${MAX_ORDERS} orders: press Reset.`;
    const orders = Array.from({ length: count }, () => ++this.placed);
    const pending = SIDES.flatMap((side) =>
      orders.map((order) =>
        ask<Msg, Reply>(
          this.refs[side],
          (replyTo) => ({ type: "order", order, seats: SEATS_PER_ORDER, replyTo }),
          { timeout: ASK_TIMEOUT_MS },
        ).then(
          (reply) => ({ side, order, ...reply }),
          () => ({ side, order, accepted: false, checkedAgainst: Number.NaN }),
        ),
      ),
    );
    await this.scheduler.runUntilIdle();
    for (const { side, order, accepted, checkedAgainst } of await Promise.all(pending))
      this.answers[side].push({ order, accepted, checkedAgainst });
    const yes = (side: Side) =>
      orders.filter((o) => this.answers[side].find((a) => a.order === o)?.accepted).length;
    const what = count === 1 ? `Order #${orders[0]}` : `${count} orders at once`;
    return `${what}: persist accepted ${yes("safe")}, persistAsync accepted ${yes("risky")}.`;
  }

  private async sideView(side: Side): Promise<SideView> {
    const stored = await currentEventsByPersistenceId(this.journals[side], PERSISTENCE_ID);
    const journal = stored.map((repr) => {
      const event = repr.event as Event;
      return { order: event.order, seats: event.seats };
    });
    const reserved = journal.reduce((sum, e) => sum + e.seats, 0);
    return {
      side,
      answers: [...this.answers[side]],
      journal,
      reserved,
      overbooked: reserved > CAPACITY,
    };
  }

  private async snapshot(said: string): Promise<PersistView> {
    const [safe, risky] = await Promise.all(SIDES.map((side) => this.sideView(side)));
    return {
      placed: this.placed,
      capacity: CAPACITY,
      safe: safe as SideView,
      risky: risky as SideView,
      said: risky?.overbooked
        ? `${said} The persistAsync journal holds ${risky.reserved} of ${CAPACITY} seats: overbooked.`
        : said,
    };
  }
}
