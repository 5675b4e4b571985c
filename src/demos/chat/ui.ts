import { el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import type { ChatView } from "./model";
import type { ThreadId } from "./thread";
import ChatWorker from "./worker?worker";

/** The chat demo: commands in, events in the journal, the aggregate, and the read model. */
export const mount: MountDemo = (root, id, logs) => {
  const form = part<HTMLFormElement>(root, "form");
  const sender = part<HTMLSelectElement>(root, "sender");
  const threadSelect = part<HTMLSelectElement>(root, "thread");
  const text = part<HTMLInputElement>(root, "text");
  const status = part(root, "status");
  const events = part<HTMLOListElement>(root, "events");
  const aggregate = part(root, "aggregate");
  const readModel = part(root, "read-model");
  let last: ChatView | undefined;

  const session = hostDemo<ChatView>({
    id,
    logs,
    worker: new ChatWorker(),
    render,
    report: (message) => {
      status.textContent = message;
    },
  });

  // Post is the form's only submit button, so Enter in the message field posts.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    session.send({
      type: "post",
      thread: threadSelect.value,
      sender: sender.value,
      text: text.value,
    });
    text.value = "";
  });
  form.addEventListener("click", (event) => {
    const action = (event.target as Element | null)?.closest<HTMLElement>("[data-action]")?.dataset
      .action;
    if (action === "restart") session.send({ type: "restart" });
    else if (action)
      session.send({ type: action, thread: threadSelect.value, sender: sender.value });
  });
  // The aggregate panel follows the thread picked in the form (a local choice, not a command).
  threadSelect.addEventListener("change", () => last && drawAggregate(last));

  function drawAggregate(view: ChatView): void {
    const thread = view.threads[threadSelect.value as ThreadId];
    if (!thread) return;
    aggregate.replaceChildren(
      el("p", {}, el("strong", {}, `#${thread.id}`), thread.created ? "" : " (not created yet)"),
      el("p", { class: "demo-muted" }, `members: ${thread.members.join(", ") || "none"}`),
      el(
        "ol",
        { class: "demo-list", "aria-label": `Messages in #${thread.id}` },
        ...thread.messages.map((m) => el("li", {}, el("strong", {}, `${m.sender}:`), m.text)),
      ),
    );
  }

  function render(view: ChatView, changed: boolean): void {
    last = view;
    events.replaceChildren(
      ...view.events.map((e) =>
        el(
          "li",
          {},
          el("span", { class: "demo-seq" }, `@${e.offset}`),
          el("span", { class: "demo-muted" }, `${e.persistenceId}#${e.sequenceNr}`),
          el("span", {}, e.text),
        ),
      ),
    );
    if (view.events.length === 0)
      events.append(el("li", { class: "demo-muted" }, "No events yet."));
    scrollToEnd(events);
    drawAggregate(view);
    const rows = Object.entries(view.readModel.threads);
    readModel.replaceChildren(
      el(
        "table",
        {},
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ...["thread", "members", "messages", "last"].map((h) => el("th", { scope: "col" }, h)),
          ),
        ),
        el(
          "tbody",
          {},
          ...rows.map(([name, row]) =>
            el(
              "tr",
              {},
              el("th", { scope: "row" }, name),
              el("td", {}, row.members),
              el("td", {}, row.messages),
              el("td", {}, row.last),
            ),
          ),
        ),
      ),
      el(
        "p",
        { class: "demo-muted" },
        `messages by: ${
          Object.entries(view.readModel.messagesBy)
            .map(([who, n]) => `${who} ${n}`)
            .join(", ") || "nobody yet"
        }`,
      ),
      el("p", { class: "demo-muted" }, `projection offset ${view.projectionOffset}`),
    );
    root.dataset.outcome = view.outcome ? (view.outcome.ok ? "ok" : "rejected") : "";
    status.textContent =
      changed && view.outcome ? view.outcome.text : "Ready: join a thread, then post.";
  }

  return session.dispose;
};
