import { part } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import { NODES, type ReadSideView } from "./model";
import ReadSideWorker from "./worker?worker";

/** The read side: the writer's count against each node's replicated copy, as gossip moves. */
export const mount: MountDemo = (root, id, logs) => {
  const status = part(root, "status");
  const clock = part(root, "clock");
  const written = part(root, "written");

  const session = hostDemo<ReadSideView>({
    id,
    logs,
    worker: new ReadSideWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  for (const button of root.querySelectorAll<HTMLButtonElement>("[data-command]")) {
    button.addEventListener("click", () => session.send({ type: button.dataset.command }));
  }

  function render(view: ReadSideView, changed: boolean): void {
    clock.textContent = `t = ${view.seconds} s`;
    written.textContent = String(view.written);
    for (const node of NODES) {
      const copy = view.replicas[node];
      part(root, `copy-${node}`).textContent = copy === null ? "—" : String(copy);
      const behind = (copy ?? 0) !== view.written;
      const cut = view.partitioned && node === "node-3";
      part(root, `state-${node}`).textContent = cut
        ? behind
          ? "cut off: stale"
          : "cut off"
        : behind
          ? "lagging"
          : "up to date";
      root.querySelector(`[data-node="${node}"]`)?.classList.toggle("is-stale", behind);
    }
    root.dataset.converged = String(view.converged);
    status.textContent = changed
      ? `${view.said}${view.converged ? " Every copy agrees." : ""}`
      : "Ready: reserve seats on the write side, then step the clock.";
  }

  return session.dispose;
};
