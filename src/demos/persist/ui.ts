import { el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { type PersistView, SIDES, type SideView } from "./model";
import PersistWorker from "./worker?worker";

/** Two pools side by side: what each caller heard, what each checked against, what each journal kept. */
export const mount: MountDemo = (root, id, logs) => {
  const status = part(root, "status");
  const lists = Object.fromEntries(
    SIDES.map((side) => [
      side,
      {
        reserved: part(root, `${side}-reserved`),
        heard: part<HTMLOListElement>(root, `${side}-heard`),
        journal: part<HTMLOListElement>(root, `${side}-journal`),
      },
    ]),
  );

  const session = hostDemo<PersistView>({
    id,
    logs,
    worker: new PersistWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  for (const button of root.querySelectorAll<HTMLButtonElement>("[data-command]")) {
    button.addEventListener("click", () => session.send({ type: button.dataset.command }));
  }

  function drawSide(view: SideView, capacity: number): void {
    const parts = lists[view.side];
    if (!parts) return;
    parts.reserved.textContent = `Reserved in the journal: ${view.reserved} of ${capacity} seats${view.overbooked ? " — overbooked" : ""}.`;
    parts.reserved.classList.toggle("demo-bad", view.overbooked);
    parts.heard.replaceChildren(
      ...view.answers.map((a) =>
        el(
          "li",
          { class: a.accepted ? undefined : "is-warn", "data-order": a.order },
          el("span", { class: "demo-seq" }, `#${a.order}`),
          el("span", {}, a.accepted ? "yes" : "no: full"),
          el("span", { class: "demo-muted" }, `checked against ${a.checkedAgainst} reserved`),
        ),
      ),
    );
    if (view.answers.length === 0)
      parts.heard.append(el("li", { class: "demo-muted" }, "No orders yet."));
    let total = 0;
    parts.journal.replaceChildren(
      ...view.journal.map((e, i) => {
        total += e.seats;
        return el(
          "li",
          { class: total > capacity ? "is-bad" : undefined },
          el("span", { class: "demo-seq" }, `seq ${i + 1}`),
          el("span", {}, `order #${e.order}: ${e.seats} seats (total ${total})`),
        );
      }),
    );
    if (view.journal.length === 0)
      parts.journal.append(el("li", { class: "demo-muted" }, "No events yet."));
    scrollToEnd(parts.heard);
    scrollToEnd(parts.journal);
  }

  function render(view: PersistView, changed: boolean): void {
    drawSide(view.safe, view.capacity);
    drawSide(view.risky, view.capacity);
    root.dataset.outcome = view.risky.overbooked ? "rejected" : changed ? "ok" : "";
    root.dataset.overbooked = String(view.risky.overbooked);
    status.textContent = changed ? view.said : "Ready: place one order, or three at once.";
  }

  return session.dispose;
};
