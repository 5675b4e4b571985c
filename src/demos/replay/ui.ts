import { el, part } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { type Desk, type ReplayView, type Rule, timeOfDay } from "./model";
import ReplayWorker from "./worker?worker";

/** The replay lab: hold seats, toggle the three rules, rebuild, and compare. */
export const mount: MountDemo = (root, id, logs) => {
  const status = part(root, "status");
  const journal = part<HTMLOListElement>(root, "journal");
  const table = part<HTMLTableSectionElement>(root, "desk");
  const notices = part(root, "notices");
  const diverged = part<HTMLUListElement>(root, "diverged");
  const clock = part(root, "clock");

  const session = hostDemo<ReplayView>({
    id,
    logs,
    worker: new ReplayWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  part(root, "controls").addEventListener("submit", (event) => event.preventDefault());
  root.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("[data-command]");
    if (button) session.send({ type: button.dataset.command });
  });
  root.addEventListener("change", (event) => {
    const box = event.target as HTMLInputElement;
    if (box.dataset.rule) session.send({ type: "rule", rule: box.dataset.rule, kept: box.checked });
  });

  const cell = (text: string, changed: boolean) =>
    el("td", { class: changed ? "demo-bad" : undefined }, text);

  function rows(desk: Desk, before: Desk | null) {
    return desk.holds.map((hold, i) => {
      const old = before?.holds[i];
      return el(
        "tr",
        {},
        el("th", { scope: "row" }, hold.seat),
        cell(
          old && old.expiresAt !== hold.expiresAt
            ? `${timeOfDay(old.expiresAt)} → ${timeOfDay(hold.expiresAt)}`
            : timeOfDay(hold.expiresAt),
          !!old && old.expiresAt !== hold.expiresAt,
        ),
        cell(
          old && old.code !== hold.code ? `${old.code} → ${hold.code}` : String(hold.code),
          !!old && old.code !== hold.code,
        ),
      );
    });
  }

  function render(view: ReplayView, changed: boolean): void {
    for (const box of root.querySelectorAll<HTMLInputElement>("[data-rule]"))
      box.checked = view.rules[box.dataset.rule as Rule];
    clock.textContent = timeOfDay(view.now);
    journal.replaceChildren(
      ...view.journal.map((row) =>
        el(
          "li",
          {},
          el("span", { class: "demo-seq" }, `#${row.sequenceNr}`),
          `held ${row.seat}`,
          el("span", { class: "demo-muted" }, `at ${timeOfDay(row.at)}`),
        ),
      ),
    );
    if (view.journal.length === 0)
      journal.append(el("li", { class: "demo-muted" }, "No events yet."));
    table.replaceChildren(...rows(view.desk, view.before));
    if (view.desk.holds.length === 0)
      table.append(el("tr", {}, el("td", { colspan: 3, class: "demo-muted" }, "No holds.")));
    notices.textContent =
      view.noticesBefore !== null && view.noticesBefore !== view.notices
        ? `${view.noticesBefore} → ${view.notices}`
        : String(view.notices);
    notices.classList.toggle(
      "demo-bad",
      view.noticesBefore !== null && view.noticesBefore !== view.notices,
    );
    diverged.replaceChildren(
      ...(view.before === null
        ? [el("li", { class: "demo-muted" }, "Rebuild to compare.")]
        : view.diverged.length === 0
          ? [el("li", { class: "demo-ok" }, `Rebuild ${view.rebuilds}: identical.`)]
          : view.diverged.map((line) => el("li", { class: "demo-bad" }, line))),
    );
    root.dataset.outcome = view.before === null ? "" : view.diverged.length ? "rejected" : "ok";
    status.textContent =
      changed && view.said ? view.said : "Ready: hold a few seats, then restart and rebuild.";
  }

  return session.dispose;
};
