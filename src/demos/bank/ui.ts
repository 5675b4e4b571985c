import { clock, el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { type AccountEvent, parseTransaction } from "./account";
import type { BankView } from "./model";

/** How long the read side takes to catch up after a write: long enough to see the lag. */
const PROJECTION_DELAY_MS = 900;

import BankWorker from "./worker?worker";

const eventText = (e: AccountEvent) => `${e.type} ${e.amount}`;

/** The bank console: a command line, the journal, the balance and a time-travel slider. */
export const mount: MountDemo = (root, id, logs) => {
  const form = part<HTMLFormElement>(root, "form");
  const input = part<HTMLInputElement>(root, "input");
  const status = part(root, "status");
  const journal = part<HTMLOListElement>(root, "journal");
  const balance = part(root, "balance");
  const travel = part<HTMLInputElement>(root, "travel");
  const shown = part(root, "shown");
  const fold = part<HTMLSelectElement>(root, "fold");
  const viewRows = part(root, "view-rows");
  const viewOffset = part(root, "view-offset");
  let projecting: ReturnType<typeof setTimeout> | undefined;

  const session = hostDemo<BankView>({
    id,
    logs,
    worker: new BankWorker(),
    config: { limit: root.dataset.limit ?? "" },
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    const text = submitter?.value || input.value;
    const parsed = parseTransaction(text);
    if ("error" in parsed) {
      status.textContent = parsed.error;
      return;
    }
    session.send(parsed);
    if (!submitter?.value) input.value = "";
    // The read side runs on its own, a moment later: the window that wrote asks it to catch up,
    // and the command reaches every other window through the log like any other.
    clearTimeout(projecting);
    projecting = setTimeout(() => session.send({ type: "project" }), PROJECTION_DELAY_MS);
  });
  fold.addEventListener("change", () => session.send({ type: "fold", fold: fold.value }));
  part(root, "reset").addEventListener("click", () => session.send({ type: "reset" }));
  travel.addEventListener("input", () => {
    const to = Number(travel.value);
    session.send({ type: "travel", to: to >= Number(travel.max) ? null : to });
  });

  /** What the journal list last drew: a projection step alone must not redraw (and re-animate) it. */
  let drawnJournal = "";

  function drawJournal(view: BankView, changed: boolean): void {
    journal.replaceChildren(
      ...view.journal.map((row) =>
        el(
          "li",
          {
            "data-seq": row.sequenceNr,
            class:
              row.sequenceNr > view.shown.sequenceNr
                ? "is-future"
                : changed && view.last?.ok && row.sequenceNr === view.sequenceNr
                  ? "is-new"
                  : undefined,
          },
          el("span", { class: "demo-seq" }, `#${row.sequenceNr}`),
          el("span", {}, eventText(row.event)),
          el("span", { class: "demo-muted" }, `at ${clock(row.at)} → ${row.balance}`),
        ),
      ),
    );
    if (view.journal.length === 0)
      journal.append(el("li", { class: "demo-muted" }, "No events yet."));
    scrollToEnd(journal);
  }

  function drawView(view: BankView): void {
    fold.value = view.view.fold;
    viewRows.replaceChildren(
      ...view.view.rows.flatMap((row) => [
        el("dt", {}, row.label),
        el("dd", {}, String(row.value)),
      ]),
    );
    const behind = view.sequenceNr - view.view.offset;
    viewOffset.textContent =
      behind > 0
        ? `Projection offset ${view.view.offset}: ${behind} event${behind > 1 ? "s" : ""} behind the journal.`
        : view.view.rebuilt
          ? `Rebuilt from scratch: replayed ${view.view.applied} events; offset ${view.view.offset}.`
          : `Projection offset ${view.view.offset}: up to date.`;
    root.dataset.viewBehind = String(behind);
  }

  function statusText(view: BankView): string {
    if (view.view.rebuilt)
      return `The view's fold changed: rebuilt from the journal, ${view.view.applied} events replayed.`;
    const caughtUp =
      view.view.applied > 0
        ? ` The read side caught up: ${view.view.applied} event${view.view.applied > 1 ? "s" : ""} projected.`
        : "";
    const last = view.last;
    if (!last)
      return view.travel === null
        ? `Back to now.${caughtUp}`
        : `Showing the state after event #${view.travel}.${caughtUp}`;
    return last.ok
      ? `${last.text}: stored ${last.events.map(eventText).join(", ")}; balance ${view.balance}.${caughtUp}`
      : `${last.text} rejected: ${last.reason}. Nothing stored.`;
  }

  function render(view: BankView, changed: boolean): void {
    root.dataset.sequenceNr = String(view.sequenceNr);
    const journalKey = `${view.sequenceNr}:${view.shown.sequenceNr}:${changed && view.last?.ok}`;
    if (journalKey !== drawnJournal) drawJournal(view, changed);
    drawnJournal = journalKey;
    balance.textContent = String(view.balance);
    travel.max = String(view.sequenceNr);
    travel.value = String(view.shown.sequenceNr);
    travel.disabled = view.sequenceNr === 0;
    travel.setAttribute(
      "aria-valuetext",
      view.travel === null ? `now, after event ${view.sequenceNr}` : `after event ${view.travel}`,
    );
    shown.textContent =
      view.travel === null
        ? `Now: after event #${view.sequenceNr}, balance ${view.balance}`
        : `Replayed events 1–${view.travel}: balance ${view.shown.balance}`;
    root.classList.toggle("is-travelling", view.travel !== null);
    root.dataset.outcome = view.last ? (view.last.ok ? "ok" : "rejected") : "";
    drawView(view);
    status.textContent = changed ? statusText(view) : "Ready: type deposit 50 or withdraw 20.";
  }

  return () => {
    clearTimeout(projecting);
    session.dispose();
  };
};
