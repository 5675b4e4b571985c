import type { CounterCommand, CounterReply, ShardedEntity } from "@runtime";

/**
 * The demo's clients: each request is one `add` to a counter entity through some node's shard
 * region, with an ask timeout. An entity is unavailable from the first request that got no
 * answer until the next one that did: that window is what a crash or a partition costs.
 */

/** How one request ended (so far). */
export type Outcome = "pending" | "answered" | "lost";

export interface Request {
  readonly id: number;
  readonly entityId: string;
  readonly from: string;
  readonly sentAt: number;
  outcome: Outcome;
  answeredAt?: number;
  /** The total the entity answered with. */
  total?: number;
  /** The node whose entity incarnation answered. */
  answeredBy?: string;
}

/**
 * A window in which an entity answered nothing: from the first request that got no answer to the
 * answer of the next request that got one (null while none has).
 */
export interface Outage {
  readonly from: number;
  readonly to: number | null;
}

/** How long a client waits for an answer (virtual ms). */
export const ASK_TIMEOUT_MS = 5_000;

export class Traffic {
  private nextId = 1;
  private readonly sent = new Map<string, Request[]>();

  constructor(
    private readonly counters: ShardedEntity<CounterCommand>,
    private readonly now: () => number,
    /** Where the entity answering a request lives, read when the reply arrives. */
    private readonly homeOf: (entityId: string, replyFrom: string) => string | undefined,
  ) {}

  /** Sends one `add 1` to `entityId` through the region on `from`. */
  send(entityId: string, from: string): Request {
    const request: Request = {
      id: this.nextId++,
      entityId,
      from,
      sentAt: this.now(),
      outcome: "pending",
    };
    const list = this.sent.get(entityId) ?? [];
    list.push(request);
    this.sent.set(entityId, list);
    this.counters
      .entityRefFor(entityId, from)
      .ask<CounterReply>((replyTo) => ({ type: "add", n: 1, replyTo }), ASK_TIMEOUT_MS)
      .then(
        (reply) => {
          request.outcome = "answered";
          request.answeredAt = this.now();
          request.total = reply.total;
          request.answeredBy = this.homeOf(entityId, from);
        },
        () => {
          request.outcome = "lost";
        },
      );
    return request;
  }

  /** Every request sent to `entityId`, oldest first. */
  requests(entityId: string): readonly Request[] {
    return this.sent.get(entityId) ?? [];
  }

  /**
   * The outages of `entityId`, oldest first. Requests are taken in the order they were sent
   * (answers to a request in flight may come later): a run of lost requests opens an outage, the
   * next answered request closes it when its answer arrives.
   */
  outagesOf(entityId: string): Outage[] {
    const outages: Outage[] = [];
    let open: number | undefined;
    for (const r of this.requests(entityId)) {
      if (r.outcome === "lost") open ??= r.sentAt;
      else if (r.outcome === "answered" && open !== undefined) {
        outages.push({ from: open, to: r.answeredAt ?? null });
        open = undefined;
      }
    }
    if (open !== undefined) outages.push({ from: open, to: null });
    return outages;
  }
}
