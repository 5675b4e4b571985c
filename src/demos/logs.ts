/**
 * The command logs of a window's live demos. A demo's state is a pure function of its log, so
 * the log is the only thing windows exchange: the presenter's commands reach the audience (and
 * back) as `deck:demo` events, and a window opened late adopts the longer log of a peer.
 *
 * It lives apart from any demo, in the deck's own small script, because a demo element may be
 * created after commands arrived (a slide not hydrated yet, a presenter pane re-cloned): the
 * element then starts by replaying what the log already holds.
 */

/** What a demo hears about its log. */
export type LogChange =
  | { readonly kind: "append"; readonly command: unknown }
  | { readonly kind: "replace"; readonly log: readonly unknown[] };

/** How a demo's command leaves the window: `deck:demo-send`, which the deck channel relays. */
export interface DemoRelay {
  send(id: string, command: unknown): void;
}

/** Relays over the document events that `openDeckChannel` listens to. */
export const documentRelay = (target: EventTarget = document): DemoRelay => ({
  send(id, command) {
    target.dispatchEvent(new CustomEvent("deck:demo-send", { detail: { id, command } }));
  },
});

/** Longest log a peer may hand over; a longer one is ignored rather than trusted. */
export const MAX_LOG_LENGTH = 10_000;

export class DemoLogs {
  private readonly logs = new Map<string, unknown[]>();
  private readonly listeners = new Map<string, Set<(change: LogChange) => void>>();

  constructor(private readonly relay: DemoRelay) {}

  /** The commands demo `id` has seen, oldest first. */
  log(id: string): readonly unknown[] {
    return this.logs.get(id) ?? [];
  }

  /** Every non-empty log, for a peer that asks (`hello`). */
  entries(): Array<[string, readonly unknown[]]> {
    return [...this.logs].filter(([, log]) => log.length > 0);
  }

  /** A command made in this window: recorded, applied here, and relayed to the other window. */
  send(id: string, command: unknown): void {
    if (this.append(id, command)) this.relay.send(id, command);
  }

  /** A command that came from another window: recorded and applied, not relayed again. */
  receive(id: string, command: unknown): void {
    this.append(id, command);
  }

  /**
   * A peer's whole log. It replaces ours only if it is longer, so two windows that answer each
   * other's `hello` settle on the same log instead of swapping forever.
   */
  adopt(id: string, log: readonly unknown[]): boolean {
    if (log.length > MAX_LOG_LENGTH || log.length <= this.log(id).length) return false;
    this.logs.set(id, [...log]);
    this.notify(id, { kind: "replace", log });
    return true;
  }

  /** Follows demo `id`'s log; returns the unsubscribe function. */
  subscribe(id: string, listener: (change: LogChange) => void): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private append(id: string, command: unknown): boolean {
    let log = this.logs.get(id);
    if (!log) {
      log = [];
      this.logs.set(id, log);
    }
    if (log.length >= MAX_LOG_LENGTH) return false;
    log.push(command);
    this.notify(id, { kind: "append", command });
    return true;
  }

  private notify(id: string, change: LogChange): void {
    for (const listener of this.listeners.get(id) ?? []) listener(change);
  }
}

/**
 * The window's logs, fed by the deck channel's `deck:demo` (one remote command) and
 * `deck:demo-log` (a peer's whole log) events.
 */
export function windowLogs(target: EventTarget = document): DemoLogs {
  const logs = new DemoLogs(documentRelay(target));
  target.addEventListener("deck:demo", (event) => {
    const detail = (event as CustomEvent<{ id?: unknown; command?: unknown }>).detail;
    if (typeof detail?.id === "string") logs.receive(detail.id, detail.command);
  });
  target.addEventListener("deck:demo-log", (event) => {
    const detail = (event as CustomEvent<{ id?: unknown; log?: unknown }>).detail;
    if (typeof detail?.id === "string" && Array.isArray(detail.log))
      logs.adopt(detail.id, detail.log);
  });
  return logs;
}
