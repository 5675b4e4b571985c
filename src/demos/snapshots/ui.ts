import { el, part } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { INTERVALS, type RecoveryPoint, type SnapshotView } from "./model";
import SnapshotWorker from "./worker?worker";

const count = (n: number) => n.toLocaleString("en");
const policy = (every: number | null) =>
  every === null ? "no snapshots" : `every ${count(every)}`;

/** The snapshot slider: pick an interval, see the events a recovery replays and how long it took. */
export const mount: MountDemo = (root, id, logs) => {
  const slider = part<HTMLInputElement>(root, "interval");
  const history = part<HTMLSelectElement>(root, "history");
  const status = part(root, "status");
  const chart = part<HTMLOListElement>(root, "chart");
  const chosen = part(root, "chosen");

  const session = hostDemo<SnapshotView>({
    id,
    logs,
    worker: new SnapshotWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  const pending = () => {
    status.textContent = "Writing the history and recovering it…";
  };
  // `change`, not `input`: one measurement per chosen stop, not one per pixel dragged.
  slider.addEventListener("change", () => {
    pending();
    session.send({ type: "interval", every: INTERVALS[Number(slider.value)] ?? null });
  });
  slider.addEventListener("input", () => {
    chosen.textContent = policy(INTERVALS[Number(slider.value)] ?? null);
  });
  history.addEventListener("change", () => {
    pending();
    session.send({ type: "history", events: Number(history.value) });
  });
  part(root, "recover").addEventListener("click", () => {
    pending();
    session.send({ type: "recover" });
  });

  const bar = (point: RecoveryPoint, events: number, current: boolean) =>
    el(
      "li",
      { class: current ? "is-new" : undefined },
      el("span", { class: "demo-bar-label" }, policy(point.every)),
      el(
        "span",
        { class: "demo-bar-track", "aria-hidden": "true" },
        el("span", {
          class: "demo-bar-fill",
          style: `width: ${Math.max(0.5, (100 * point.replayed) / events)}%`,
        }),
      ),
      el(
        "span",
        { class: "demo-bar-value" },
        `${count(point.replayed)} replayed · ${point.ms.toFixed(1)} ms`,
      ),
    );

  function render(view: SnapshotView, changed: boolean): void {
    const index = INTERVALS.indexOf(view.every);
    slider.value = String(index);
    slider.setAttribute("aria-valuetext", policy(view.every));
    chosen.textContent = policy(view.every);
    history.value = String(view.events);
    chart.replaceChildren(
      ...view.points.map((point) => bar(point, view.events, point === view.last)),
    );
    if (view.points.length === 0)
      chart.append(el("li", { class: "demo-muted" }, "Move the slider to measure a recovery."));
    const last = view.last;
    if (!changed || !last) {
      status.textContent = "Ready: move the slider to write the history and recover it.";
      return;
    }
    const same = last.balance === last.fullReplayBalance;
    root.dataset.outcome = same ? "ok" : "rejected";
    const from =
      last.snapshotAt === 0
        ? "recovery started from the empty state"
        : `recovery loaded the snapshot at #${count(last.snapshotAt)}`;
    status.textContent = `${policy(last.every)}: ${from} and replayed ${count(last.replayed)} of ${count(view.events)} events in ${last.ms.toFixed(1)} ms; balance ${count(last.balance)} ${same ? "equals" : "differs from"} the full replay's.`;
  }

  return session.dispose;
};
