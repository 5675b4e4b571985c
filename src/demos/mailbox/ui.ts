import { el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import type { MailboxView } from "./model";
import MailboxWorker from "./worker?worker";

/** The mailbox demo: a queue you fill, a worker that takes one message per step, supervision. */
export const mount: MountDemo = (root, id, logs) => {
  const status = part(root, "status");
  const mailbox = part<HTMLOListElement>(root, "mailbox");
  const worker = part(root, "worker");
  const trace = part<HTMLOListElement>(root, "trace");
  const dead = part(root, "dead");
  const waiting = part(root, "count");

  const session = hostDemo<MailboxView>({
    id,
    logs,
    worker: new MailboxWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  part(root, "controls").addEventListener("submit", (event) => event.preventDefault());
  root.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("[data-command]");
    if (!button) return;
    const [type, kind, count] = (button.dataset.command ?? "").split(" ");
    if (type === "send") session.send({ type, kind, count: Number(count) || 1 });
    else session.send({ type });
  });
  root.addEventListener("change", (event) => {
    const input = event.target as HTMLInputElement;
    if (input.name === "strategy") session.send({ type: "strategy", strategy: input.value });
  });

  function render(view: MailboxView, changed: boolean): void {
    mailbox.replaceChildren(
      ...view.mailbox.map((mail) =>
        el(
          "li",
          { class: `demo-mail is-${mail.kind}`, "data-id": mail.id },
          `#${mail.id} ${mail.kind === "job" ? `job +${mail.id}` : "crash"}`,
        ),
      ),
    );
    if (view.mailbox.length === 0) mailbox.append(el("li", { class: "demo-muted" }, "empty"));
    mailbox.setAttribute("aria-label", `Mailbox: ${view.mailbox.length} messages waiting`);
    waiting.textContent = String(view.mailbox.length);
    const w = view.worker;
    worker.replaceChildren(
      el("strong", {}, w.alive ? `worker (incarnation ${w.incarnation})` : "worker: stopped"),
      el("span", { "data-part": "total" }, `total ${w.total}`),
      el("span", { class: "demo-muted" }, `${w.handled} jobs handled`),
    );
    worker.classList.toggle("is-stopped", !w.alive);
    trace.replaceChildren(...view.trace.map((line) => el("li", {}, line)));
    scrollToEnd(trace);
    dead.textContent =
      view.deadLetters.length === 0 ? "none" : view.deadLetters.map((n) => `#${n}`).join(", ");
    for (const radio of root.querySelectorAll<HTMLInputElement>("input[name=strategy]"))
      radio.checked = radio.value === view.strategy;
    status.textContent = changed && view.said ? view.said : "Ready: send messages, then step.";
  }

  return session.dispose;
};
