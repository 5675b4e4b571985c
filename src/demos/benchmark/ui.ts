import { el, part } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { type BenchmarkRun, type BenchmarkView, REFERENCE, REFERENCE_RATE } from "./model";
import BenchmarkWorker from "./worker?worker";

const count = (n: number) => Math.round(n).toLocaleString("en");
const seconds = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`;

/** The rebuild benchmark: pick the workload, run it in the worker, compare with the talk. */
export const mount: MountDemo = (root, id, logs) => {
  const events = part<HTMLSelectElement>(root, "events");
  const actors = part<HTMLSelectElement>(root, "actors");
  const run = part<HTMLButtonElement>(root, "run");
  const status = part(root, "status");
  const chart = part<HTMLOListElement>(root, "chart");
  const reference = chart.querySelector("li.is-reference");
  const referenceBar = part(root, "reference-bar");
  const rate = part(root, "rate");
  const detail = part(root, "detail");

  const session = hostDemo<BenchmarkView>({
    id,
    logs,
    worker: new BenchmarkWorker(),
    render,
    report: (message) => {
      status.textContent = message;
      root.removeAttribute("aria-busy");
    },
  });

  events.addEventListener("change", () =>
    session.send({ type: "events", events: Number(events.value) }),
  );
  actors.addEventListener("change", () =>
    session.send({ type: "actors", actors: Number(actors.value) }),
  );
  run.addEventListener("click", () => {
    status.textContent = `Writing ${count(Number(events.value))} events, then rebuilding ${count(Number(actors.value))} actors…`;
    root.setAttribute("aria-busy", "true");
    session.send({ type: "run" });
  });
  part(root, "reset").addEventListener("click", () => session.send({ type: "reset" }));

  const bar = (r: BenchmarkRun, max: number, current: boolean) =>
    el(
      "li",
      { class: current ? "is-new" : undefined, "data-run": r.run },
      el(
        "span",
        { class: "demo-bar-label" },
        `run ${r.run}: ${count(r.actors)} × ${count(r.perActor)}`,
      ),
      el(
        "span",
        { class: "demo-bar-track", "aria-hidden": "true" },
        el("span", {
          class: "demo-bar-fill",
          style: `width: ${Math.max(0.5, (100 * Math.log10(1 + r.rate)) / Math.log10(1 + max))}%`,
        }),
      ),
      el("span", { class: "demo-bar-value" }, `${count(r.rate)}/s · ${seconds(r.ms)}`),
    );

  function render(view: BenchmarkView, changed: boolean): void {
    root.removeAttribute("aria-busy");
    events.value = String(view.events);
    actors.value = String(view.actors);
    const max = Math.max(REFERENCE_RATE, ...view.runs.map((r) => r.rate));
    // A log scale: the in-memory rebuild is orders of magnitude faster than the talk's disk.
    referenceBar.style.width = `${(100 * Math.log10(1 + REFERENCE_RATE)) / Math.log10(1 + max)}%`;
    chart.replaceChildren(
      ...(reference ? [reference] : []),
      ...view.runs.map((r) => bar(r, max, changed && r === view.last)),
    );
    const last = view.last;
    root.dataset.runs = String(view.runs.length);
    if (!last) {
      rate.textContent = "–";
      detail.textContent = "Not run yet.";
      status.textContent = "Ready: choose the workload, then run the rebuild.";
      return;
    }
    const complete = last.recoveredTotal === last.events;
    root.dataset.outcome = complete ? "ok" : "rejected";
    rate.textContent = count(last.rate);
    const full = (REFERENCE.events / last.rate) * 1_000;
    detail.textContent = `${count(last.actors)} actors recovered ${count(last.events)} events (${count(last.perActor)} each) in ${seconds(last.ms)}. At this rate the talk's 5 million would take ${seconds(full)} here, in memory. The talk's ${REFERENCE.seconds} s is its own figure, from disk on its own laptop: not measured here, so not a like-for-like race.`;
    if (changed)
      status.textContent = `Run ${last.run}: ${count(last.events)} events replayed in ${seconds(last.ms)}, ${count(last.rate)} per second; the recovered totals ${complete ? "add up to every event" : `add up to ${count(last.recoveredTotal)}, not every event`}.`;
    else status.textContent = "Ready: choose the workload, then run the rebuild.";
  }

  return session.dispose;
};
