import { el, part, scrollToEnd } from "../dom";
import { hostDemo } from "../host";
import type { MountDemo } from "../islands";
import type { ClusterView, EntityView, NodeView, PeerView } from "./model";
import ClusterWorker from "./worker?worker";

/** Virtual ms as seconds, one decimal when it matters. */
const seconds = (ms: number) => `${(ms / 1000).toFixed(Number.isInteger(ms / 1000) ? 0 : 1)} s`;

/**
 * The cluster demo: three node cards (membership as each node sees it, suspicion, shards,
 * entities), a table of entities with their recent answers, and what happened. Play sends
 * "+1 s" commands on a timer from this window only, so the log stays what every window replays.
 */
export const mount: MountDemo = (root, id, logs) => {
  const status = part(root, "status");
  const verdict = part(root, "verdict");
  const clockOut = part(root, "clock");
  const nodes = part(root, "nodes");
  const entities = part<HTMLTableElement>(root, "entities");
  const lines = part<HTMLOListElement>(root, "lines");
  const nodeSelect = part<HTMLSelectElement>(root, "node");
  const downing = part<HTMLSelectElement>(root, "downing");
  const traffic = part<HTMLInputElement>(root, "traffic");
  const play = part<HTMLButtonElement>(root, "play");
  let inFlight = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const session = hostDemo<ClusterView>({
    id,
    logs,
    worker: new ClusterWorker(),
    config: { downing: root.dataset.downing ?? "", entity: root.dataset.entity ?? "" },
    render,
    report: (message) => {
      status.textContent = message;
    },
  });
  const send = (command: unknown) => {
    inFlight++;
    session.send(command);
  };

  part(root, "controls").addEventListener("submit", (event) => event.preventDefault());
  root.addEventListener("click", (event) => {
    const target = (event.target as Element | null)?.closest<HTMLElement>(
      "[data-advance], [data-action]",
    );
    if (!target) return;
    if (target.dataset.advance) send({ type: "advance", ms: Number(target.dataset.advance) });
    else if (target.dataset.action === "heal" || target.dataset.action === "reset")
      send({ type: target.dataset.action });
    else send({ type: target.dataset.action, node: nodeSelect.value });
  });
  downing.addEventListener("change", () => send({ type: "downing", mode: downing.value }));
  traffic.addEventListener("change", () => send({ type: "traffic", on: traffic.checked }));
  play.addEventListener("click", () => setPlaying(timer === undefined));

  /** One simulated second per real second; a step waits for the last one to be drawn. */
  function setPlaying(on: boolean): void {
    clearInterval(timer);
    timer = on
      ? setInterval(() => {
          if (inFlight === 0) send({ type: "advance", ms: 1000 });
        }, 1000)
      : undefined;
    play.setAttribute("aria-pressed", String(on));
    play.textContent = on ? "Pause" : "Play";
  }

  function render(view: ClusterView, changed: boolean): void {
    inFlight = 0;
    clockOut.textContent = seconds(view.now);
    downing.value = view.downing;
    traffic.checked = view.traffic;
    root.dataset.downing = view.downing;
    nodes.replaceChildren(...view.nodes.map(nodeCard));
    const body = entities.tBodies[0] ?? entities.createTBody();
    body.replaceChildren(...view.entities.map((e) => entityRow(e, view.now)));
    lines.replaceChildren(
      ...view.lines.map((line) =>
        el(
          "li",
          { class: `is-${line.tone}` },
          el("span", { class: "demo-seq" }, seconds(Math.max(0, Math.round(line.at / 100) * 100))),
          line.text,
        ),
      ),
    );
    scrollToEnd(lines);
    verdict.hidden = view.splitBrain.length === 0 && view.doubleRuns.length === 0;
    verdict.textContent = [
      view.splitBrain.length > 0 ? `Split brain: ${view.splitBrain.join("; ")}.` : "",
      view.doubleRuns.length > 0
        ? `Ran twice ${view.doubleRuns.length}×, first: ${view.doubleRuns[0]}.`
        : "",
    ]
      .filter(Boolean)
      .join(" ");
    root.dataset.splitBrain = String(view.splitBrain.length > 0);
    status.textContent =
      changed && view.said
        ? view.said
        : `Ready: ${view.downing} downing. Move time on, then crash or cut off a node.`;
  }

  function nodeCard(node: NodeView): HTMLElement {
    const title = node.running
      ? `${node.address} · ${node.status ?? "not a member"}`
      : `${node.address} · not running`;
    const card = el(
      "section",
      {
        class: `demo-panel cluster-node${node.running ? "" : " is-stopped"}${node.side ? ` is-side-${node.side}` : ""}`,
        "data-node": node.address,
        "aria-label": title,
      },
      el(
        "h3",
        {},
        title,
        node.coordinator ? el("span", { class: "cluster-badge" }, "coordinator") : null,
        node.side ? el("span", { class: "demo-muted" }, ` side ${node.side}`) : null,
      ),
    );
    if (!node.running) {
      card.append(
        el(
          "p",
          { class: "demo-muted" },
          node.incarnation > 0 ? `incarnation ${node.incarnation} is gone` : "",
        ),
      );
      return card;
    }
    card.append(
      el(
        "p",
        { class: "demo-muted" },
        `incarnation ${node.incarnation} · leader ${node.leader ?? "none"}`,
      ),
      el(
        "ul",
        { class: "cluster-peers", "aria-label": `${node.address} sees` },
        ...node.peers.map(peerItem),
      ),
      el(
        "p",
        {},
        "shards ",
        ...node.shards.map((s) => el("span", { class: "cluster-chip" }, s)),
        " entities ",
        ...node.entities.map((e) => el("span", { class: "cluster-chip is-entity" }, e)),
      ),
    );
    return card;
  }

  function peerItem(peer: PeerView): HTMLElement {
    const status = peer.status ?? "removed";
    return el(
      "li",
      { class: peer.reachable ? "" : "demo-bad" },
      `sees ${peer.address}: ${status}`,
      peer.status === null ? "" : peer.reachable ? ", reachable" : ", UNREACHABLE",
      peer.status === null ? "" : el("span", { class: "demo-muted" }, ` φ ${peer.phi.toFixed(1)}`),
    );
  }

  function entityRow(entity: EntityView, now: number): HTMLTableRowElement {
    const open = entity.outages.find((o) => o.to === null);
    const last = entity.outages.at(-1);
    const unavailable = open
      ? `${seconds(now - open.from)} so far`
      : last
        ? `was ${seconds(Math.round(((last.to ?? now) - last.from) / 100) * 100)}`
        : "—";
    const strip = el(
      "span",
      { class: "cluster-strip", role: "img", "aria-label": stripLabel(entity) },
      ...entity.recent.map((r) =>
        el(
          "span",
          { class: `is-${r.outcome}`, "aria-hidden": "true" },
          r.outcome === "lost" ? "✕" : "■",
        ),
      ),
    );
    return el(
      "tr",
      {
        class: entity.homes.length > 1 ? "is-twice" : open ? "is-down" : "",
        "data-entity": entity.id,
      },
      el("th", { scope: "row" }, entity.id),
      el("td", {}, entity.shard),
      el(
        "td",
        {},
        entity.homes.join(" + ") || "—",
        entity.homes.length > 1 ? el("strong", { class: "demo-bad" }, " twice!") : null,
      ),
      el("td", {}, entity.client ?? "—"),
      el("td", {}, strip),
      el(
        "td",
        {},
        entity.total === null ? "—" : `${entity.total}`,
        entity.answeredBy ? el("span", { class: "demo-muted" }, ` (${entity.answeredBy})`) : null,
      ),
      el("td", { class: open ? "demo-bad" : "" }, unavailable),
    );
  }

  return () => {
    clearInterval(timer);
    session.dispose();
  };
};

function stripLabel(entity: EntityView): string {
  const count = (o: string) => entity.recent.filter((r) => r.outcome === o).length;
  return `last ${entity.recent.length} requests: ${count("answered")} answered, ${count("lost")} without answer, ${count("pending")} waiting`;
}
