import type { Position } from "./navigation";

/**
 * The messages the windows of one presenter session exchange over a BroadcastChannel named
 * `deck:<slug>:<session>`. Only windows joined to the session hear them: the presenter window
 * and the audience windows it opened or that were opened from its link (`?session=<id>`). A
 * reader's tabs join no session, so each stays where its reader put it. Each message carries the
 * sending window's id, because every BroadcastChannel object with the same name hears every
 * other, including ones in the same window.
 *
 * - `hello`: a window has joined and asks for the current position; the presenter answers with
 *   `goto` (it leads the session), and every window with its demo logs.
 * - `goto`: show this slide and step.
 * - `blackout`: the audience screen is (or is no longer) blacked out.
 * - `demo`: one command of a live demo's log. The runtime is deterministic, so the other window
 *   replays the same commands in order and reaches the same state.
 * - `demo-log`: a demo's whole log, sent in answer to `hello` so a window opened later catches up.
 */
export type DeckMessage =
  | { type: "hello"; from: string }
  | { type: "goto"; from: string; slide: number; step: number }
  | { type: "blackout"; from: string; on: boolean }
  | { type: "demo"; from: string; id: string; command: unknown }
  | { type: "demo-log"; from: string; id: string; log: unknown[] };

/** A message before the channel stamps it with the sender. */
export type DeckMessageBody = DeckMessage extends infer M
  ? M extends DeckMessage
    ? Omit<M, "from">
    : never
  : never;

export interface DeckChannel {
  send(message: DeckMessageBody): void;
  close(): void;
}

/** Checks an incoming message's shape; a malformed one is dropped rather than trusted. */
export function isDeckMessage(data: unknown): data is DeckMessage {
  if (typeof data !== "object" || data === null) return false;
  const m = data as Record<string, unknown>;
  if (typeof m.from !== "string") return false;
  switch (m.type) {
    case "hello":
      return true;
    case "goto":
      return Number.isInteger(m.slide) && Number.isInteger(m.step);
    case "blackout":
      return typeof m.on === "boolean";
    case "demo":
      return typeof m.id === "string" && "command" in m;
    case "demo-log":
      return typeof m.id === "string" && Array.isArray(m.log);
    default:
      return false;
  }
}

export const gotoMessage = ({ slide, step }: Position): DeckMessageBody => ({
  type: "goto",
  slide,
  step,
});

/** A window outside any presenter session: it sends nothing and hears nothing. */
export const SOLO: DeckChannel = { send() {}, close() {} };

/** A new presenter session's id: unguessable enough that two talks never share one by chance. */
export function newSessionId(): string {
  return crypto.randomUUID().slice(0, 8);
}

/** The session a page's URL joins (`?session=<id>`), if any. */
export function sessionOf(url: URL): string | undefined {
  const id = url.searchParams.get("session");
  return id && /^[\w-]{1,64}$/.test(id) ? id : undefined;
}

/**
 * Joins a presenter session of a deck. Messages from this window are ignored; `demo` and
 * `demo-log` messages are also re-dispatched as `deck:demo` and `deck:demo-log` CustomEvents on
 * `document`, so the demos' logs can listen without holding the channel.
 */
export function openDeckChannel(
  slug: string,
  session: string,
  onMessage: (message: DeckMessage) => void,
): DeckChannel {
  const self = Math.random().toString(36).slice(2);
  if (typeof BroadcastChannel === "undefined") return SOLO;
  const channel = new BroadcastChannel(`deck:${slug}:${session}`);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isDeckMessage(message) || message.from === self) return;
    if (message.type === "demo") {
      document.dispatchEvent(
        new CustomEvent("deck:demo", { detail: { id: message.id, command: message.command } }),
      );
    } else if (message.type === "demo-log") {
      document.dispatchEvent(
        new CustomEvent("deck:demo-log", { detail: { id: message.id, log: message.log } }),
      );
    }
    onMessage(message);
  };
  // A demo in this window sends its commands by dispatching `deck:demo-send` on document.
  const relay = (event: Event) => {
    const detail = (event as CustomEvent<{ id: string; command: unknown }>).detail;
    if (detail && typeof detail.id === "string")
      channel.postMessage({ type: "demo", from: self, ...detail });
  };
  document.addEventListener("deck:demo-send", relay);
  return {
    send: (message) => channel.postMessage({ ...message, from: self }),
    close() {
      document.removeEventListener("deck:demo-send", relay);
      channel.close();
    },
  };
}

/** Hands every demo log this window holds to a window that just said hello. */
export function sendDemoLogs(
  channel: DeckChannel,
  logs: { entries(): Array<[string, readonly unknown[]]> },
): void {
  for (const [id, log] of logs.entries()) channel.send({ type: "demo-log", id, log: [...log] });
}
