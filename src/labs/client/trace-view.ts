import { formatTime, type Timeline, type TimelineKind } from "../trace-timeline";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 760;
const LEFT = 80;
const RIGHT = 12;
const TOP = 26;
const ROW = 48;

/** Where each kind of event sits in a node's row, relative to its incarnation bar. */
const LANE: Record<TimelineKind, number> = {
  node: 0,
  membership: -15,
  downing: -15,
  partition: 0,
  entity: 14,
  shard: -6,
};

const KIND_LABEL: Record<TimelineKind, string> = {
  node: "node",
  membership: "membership",
  downing: "downing",
  partition: "partition",
  entity: "entity",
  shard: "shard",
};

/**
 * Draws a seed's timeline: an SVG with one row per node (incarnation bars, crashes, membership
 * and downing marks, shard allocations, entity starts and stops, partitions shaded across the
 * rows), then every event as a table, which is also what a screen reader gets. Text goes in
 * through textContent only: entity ids come from the learner's code.
 */
export function renderTrace(target: HTMLElement, timeline: Timeline, seed: number): void {
  const doc = target.ownerDocument;
  const height = TOP + ROW * Math.max(1, timeline.nodes.length) + 8;
  const span = Math.max(1, timeline.endMs);
  const x = (at: number) => LEFT + (at / span) * (WIDTH - LEFT - RIGHT);
  const rowY = new Map(timeline.nodes.map((n, i) => [n.address, TOP + ROW * i + ROW / 2]));
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
  svg.setAttribute("class", "trace-svg");
  svg.setAttribute("role", "img");
  const crashes = timeline.nodes.flatMap((n) =>
    n.incarnations
      .filter((i) => i.end === "crashed")
      .map((i) => `${n.address} at ${formatTime(i.to)}`),
  );
  svg.setAttribute(
    "aria-label",
    `Timeline of seed ${seed} over ${formatTime(timeline.endMs)}: ${timeline.nodes.length} nodes` +
      `${crashes.length ? `; crashed: ${crashes.join(", ")}` : ""}` +
      `; ${timeline.partitions.length} partitions; ${timeline.events.length} events, listed in the table below.`,
  );
  const shape = (tag: string, attrs: Record<string, string | number>, title?: string) => {
    const node = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (title !== undefined) {
      const t = doc.createElementNS(SVG, "title");
      t.textContent = title;
      node.append(t);
    }
    svg.append(node);
    return node;
  };

  // Time axis: about eight ticks at round seconds.
  const step =
    [1, 2, 5, 10, 20, 30, 60, 120].map((s) => s * 1000).find((s) => span / s <= 9) ?? 300_000;
  for (let t = 0; t <= span; t += step) {
    shape("line", { x1: x(t), x2: x(t), y1: TOP - 6, y2: height - 4, class: "trace-grid" });
    shape("text", {
      x: x(t),
      y: TOP - 10,
      class: "trace-tick",
      "text-anchor": "middle",
    }).textContent = `${t / 1000} s`;
  }
  for (const p of timeline.partitions)
    shape(
      "rect",
      {
        x: x(p.from),
        y: TOP - 4,
        width: Math.max(2, x(p.to) - x(p.from)),
        height: height - TOP,
        class: "trace-partition",
      },
      `${formatTime(p.from)}–${formatTime(p.to)}: partition ${p.sideA.join(", ")} | ${p.sideB.join(", ")}`,
    );
  for (const node of timeline.nodes) {
    const y = rowY.get(node.address) ?? 0;
    shape("text", { x: 6, y: y + 4, class: "trace-node" }).textContent = node.address;
    for (const inc of node.incarnations) {
      shape(
        "rect",
        {
          x: x(inc.from),
          y: y - 4,
          width: Math.max(2, x(inc.to) - x(inc.from)),
          height: 8,
          rx: 2,
          class: `trace-bar trace-${inc.end}`,
        },
        `${node.address} (uid ${inc.uid}) ${formatTime(inc.from)}–${formatTime(inc.to)}: ${inc.end}`,
      );
      if (inc.end === "crashed")
        shape(
          "text",
          { x: x(inc.to), y: y + 5, class: "trace-crash", "text-anchor": "middle" },
          `${node.address} crashed at ${formatTime(inc.to)}`,
        ).append(doc.createTextNode("✕"));
    }
  }
  for (const e of timeline.events) {
    if (e.node === null || e.kind === "node" || e.kind === "partition") continue;
    const y = (rowY.get(e.node) ?? 0) + LANE[e.kind];
    const title = `${formatTime(e.at)} ${e.node}: ${e.text}`;
    const cx = x(e.at);
    if (e.kind === "entity")
      shape("circle", { cx, cy: y, r: 3, class: `trace-mark trace-${e.kind}` }, title);
    else if (e.kind === "shard")
      shape(
        "rect",
        { x: cx - 2.5, y: y - 2.5, width: 5, height: 5, class: `trace-mark trace-${e.kind}` },
        title,
      );
    else
      shape(
        "path",
        {
          d: `M${cx} ${y - 4} L${cx + 4} ${y + 3} L${cx - 4} ${y + 3} Z`,
          class: `trace-mark trace-${e.kind}`,
        },
        title,
      );
  }

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };
  const legend = el("p", undefined, "trace-legend");
  legend.append(
    "Bars: node incarnations (✕ crashed). ▲ membership and downing, ■ shard allocations, ● entity starts and stops; shaded: partitions. Hover a mark for details.",
  );
  const details = el("details", undefined, "trace-table");
  details.append(el("summary", `All ${timeline.events.length} events as a table`));
  const table = el("table");
  table.append(el("caption", `Events of seed ${seed}, in virtual time`));
  const head = el("tr");
  for (const h of ["time", "node", "kind", "what happened"]) {
    const th = el("th", h);
    th.scope = "col";
    head.append(th);
  }
  table.append(el("thead"));
  table.tHead?.append(head);
  const body = el("tbody");
  for (const e of timeline.events) {
    const row = el("tr");
    row.dataset.kind = e.kind;
    row.append(
      el("td", formatTime(e.at)),
      el("td", e.node ?? "cluster"),
      el("td", KIND_LABEL[e.kind]),
      el("td", e.text),
    );
    body.append(row);
  }
  table.append(body);
  details.append(table);
  target.replaceChildren(svg, legend, details);
}
