import { el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { type PersistView, SIDES, type SideView } from "./model";
import PersistWorker from "./worker?worker";

/** Two order books side by side: what each caller was told, against what each journal kept. */
export const mount: MountDemo = (root, id, logs) => {
  const status = part(root, "status");
  const next = part(root, "next");
  const arm = root.querySelector<HTMLButtonElement>('[data-command="fail-next"]');
  const lists = Object.fromEntries(
    SIDES.map((side) => [
      side,
      {
        memory: part(root, `${side}-memory`),
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

  function drawSide(view: SideView, changed: boolean, placed: number): void {
    const parts = lists[view.side];
    if (!parts) return;
    const lost = new Set(view.lost);
    const stored = new Set(view.journal);
    parts.memory.textContent = view.alive
      ? `Actor memory (incarnation ${view.incarnation}): ${view.memory?.length ? view.memory.map((n) => `#${n}`).join(", ") : "no orders"}`
      : `Actor stopped after a failed write; the next order or a restart recovers it.`;
    parts.memory.classList.toggle("demo-bad", !view.alive);
    parts.heard.replaceChildren(
      ...view.confirmations.map((c) =>
        el(
          "li",
          {
            class: lost.has(c.order)
              ? "is-bad"
              : c.answer !== "accepted"
                ? "is-warn"
                : changed && c.order === placed
                  ? "is-new"
                  : undefined,
            "data-order": c.order,
          },
          el("span", { class: "demo-seq" }, `#${c.order}`),
          el("span", {}, c.answer === "accepted" ? "yes, accepted" : "no answer (timed out)"),
          lost.has(c.order) ? el("strong", {}, "lost: not in the journal") : null,
        ),
      ),
    );
    if (view.confirmations.length === 0)
      parts.heard.append(el("li", { class: "demo-muted" }, "No orders yet."));
    parts.journal.replaceChildren(
      ...view.journal.map((order, i) =>
        el(
          "li",
          { class: changed && order === placed && stored.has(placed) ? "is-new" : undefined },
          el("span", { class: "demo-seq" }, `seq ${i + 1}`),
          el("span", {}, `order #${order} accepted`),
        ),
      ),
    );
    if (view.journal.length === 0)
      parts.journal.append(el("li", { class: "demo-muted" }, "No events yet."));
    scrollToEnd(parts.heard);
    scrollToEnd(parts.journal);
  }

  function render(view: PersistView, changed: boolean): void {
    next.textContent = `#${view.placed + 1}`;
    arm?.setAttribute("aria-pressed", String(view.armed));
    drawSide(view.safe, changed, view.placed);
    drawSide(view.risky, changed, view.placed);
    const lost = view.safe.lost.length + view.risky.lost.length;
    root.dataset.outcome = lost > 0 ? "rejected" : changed ? "ok" : "";
    root.dataset.lost = String(view.risky.lost.length);
    status.textContent = changed ? view.said : "Ready: place an order; both sides get it.";
  }

  return session.dispose;
};
