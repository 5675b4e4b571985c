import { el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import type { AccountView, TransferView, WorkflowView } from "./model";
import TransferWorker from "./worker?worker";

const label = (id: string) => id.replace("transfer-", "#");

const STATUS_TEXT: Record<WorkflowView["status"], string> = {
  withdrawing: "step 1: withdrawing from A",
  depositing: "step 2: depositing into B",
  refunding: "compensating: paying A back",
  completed: "completed",
  refused: "stopped: A refused, nothing moved",
  compensated: "compensated: A paid back",
  parked: "parked: the refund failed, a human must look",
};

/** Two account journals with the workflow between them, one row per stored event. */
export const mount: MountDemo = (root, id, logs) => {
  const form = part<HTMLFormElement>(root, "form");
  const amount = part<HTMLSelectElement>(root, "amount");
  const blocked = part<HTMLInputElement>(root, "blocked");
  const blockedA = part<HTMLInputElement>(root, "blocked-a");
  const crash = part<HTMLInputElement>(root, "crash");
  const unreachable = part<HTMLInputElement>(root, "unreachable");
  const restart = part<HTMLButtonElement>(root, "restart");
  const status = part(root, "status");
  const flowState = part(root, "flow-state");
  const flows = part<HTMLOListElement>(root, "flows");
  const accounts = {
    a: { balance: part(root, "a-balance"), journal: part<HTMLOListElement>(root, "a-journal") },
    b: { balance: part(root, "b-balance"), journal: part<HTMLOListElement>(root, "b-journal") },
  };

  const session = hostDemo<TransferView>({
    id,
    logs,
    worker: new TransferWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    session.send({ type: "transfer", amount: Number(amount.value) });
  });
  blocked.addEventListener("change", () =>
    session.send({ type: "block", blocked: blocked.checked }),
  );
  part(root, "reset").addEventListener("click", () => session.send({ type: "reset" }));
  blockedA.addEventListener("change", () =>
    session.send({ type: "block", blocked: blockedA.checked, account: "A" }),
  );
  crash.addEventListener("change", () =>
    session.send({ type: "crash-after-withdrawal", armed: crash.checked }),
  );
  unreachable.addEventListener("change", () =>
    session.send({ type: "unreachable", unreachable: unreachable.checked }),
  );
  restart.addEventListener("click", () => session.send({ type: "restart" }));

  function drawAccount(view: AccountView, latest: string | null, changed: boolean): void {
    const parts = view.id === "A" ? accounts.a : accounts.b;
    parts.balance.textContent = String(view.balance);
    parts.journal.replaceChildren(
      ...view.journal.map((line) =>
        el(
          "li",
          {
            class:
              changed && line.transfer !== null && line.transfer === latest ? "is-new" : undefined,
          },
          el("span", { class: "demo-seq" }, `#${line.sequenceNr}`),
          el("span", {}, line.text),
          line.transfer ? el("span", { class: "demo-muted" }, `by ${label(line.transfer)}`) : null,
        ),
      ),
    );
    if (view.journal.length === 0)
      parts.journal.append(el("li", { class: "demo-muted" }, "No events yet."));
    scrollToEnd(parts.journal);
  }

  function render(view: TransferView, changed: boolean): void {
    const last = view.workflows.at(-1) ?? null;
    const latest = last?.id ?? null;
    blocked.checked = view.b.blocked;
    blockedA.checked = view.a.blocked;
    crash.checked = view.crashArmed;
    unreachable.checked = view.unreachable;
    restart.disabled = !view.workflowsDown;
    root.dataset.workflowsDown = String(view.workflowsDown);
    drawAccount(view.a, latest, changed);
    drawAccount(view.b, latest, changed);
    flowState.textContent = view.workflowsDown
      ? "The workflows' process is down: restart it."
      : last
        ? `Transfer ${label(last.id)} (${last.amount}): ${STATUS_TEXT[last.status]}`
        : "No transfer yet.";
    root.dataset.flow = last?.status ?? "";
    flows.replaceChildren(
      ...view.workflows.flatMap((flow) =>
        flow.journal.map((line) =>
          el(
            "li",
            {
              class: /refused|parked/.test(line.text)
                ? "is-bad"
                : /compensation/.test(line.text)
                  ? "is-warn"
                  : changed && flow.id === latest
                    ? "is-new"
                    : undefined,
            },
            el("span", { class: "demo-seq" }, `${label(flow.id)}.${line.sequenceNr}`),
            el("span", {}, line.text),
          ),
        ),
      ),
    );
    if (view.workflows.length === 0)
      flows.append(el("li", { class: "demo-muted" }, "Each transfer's own events appear here."));
    scrollToEnd(flows);
    root.dataset.outcome = !last ? "" : last.status === "completed" ? "ok" : "rejected";
    status.textContent = changed ? view.said : "Ready: A holds 100; move money to B.";
  }

  return session.dispose;
};
