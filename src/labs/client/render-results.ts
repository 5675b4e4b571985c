import { taskIdOf, type V3Results, type V3TestResult } from "../results";
import { parseTraceMarkers, type TraceMarker } from "../trace-marker";

export interface RenderOptions {
  /** The lab on the page: only its trace markers become buttons. */
  lab?: string;
  /** Cluster labs: open the trace of a failing seed. */
  onTrace?: (marker: TraceMarker) => void;
}

/**
 * Draws v3 results grouped by task. Built with DOM nodes and textContent only: messages and
 * output come from the learner's code and must never be parsed as HTML.
 */
export function renderResults(
  target: HTMLElement,
  results: V3Results,
  note?: string,
  options: RenderOptions = {},
): void {
  const doc = target.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string) => {
    const node = doc.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const passed = results.tests.filter((t) => t.status === "pass").length;
  const heading =
    results.status === "pass"
      ? `All ${passed} checks pass.`
      : results.status === "error"
        ? "The checks could not run to the end."
        : `${passed} of ${results.tests.length} checks pass.`;
  const parts: HTMLElement[] = [el("p", `summary ${results.status}`, heading)];
  /** A folded section, opened on demand. */
  const more = (label: string, body: HTMLElement, kind: string) => {
    const box = el("details", "more");
    box.dataset.more = kind;
    box.append(el("summary", undefined, label), body);
    return box;
  };
  if (results.message) parts.push(el("pre", "run-message", results.message));
  if (note) parts.push(el("p", "label", note));

  for (const group of groupByTask(results.tests)) {
    const ok = group.tests.filter((t) => t.status === "pass").length;
    const box = el("details", "task");
    box.dataset.task = group.id === undefined ? "other" : String(group.id);
    box.dataset.status = ok === group.tests.length ? "pass" : "fail";
    // A task whose checks all pass stays folded: the failures are what the learner reads.
    box.open = ok !== group.tests.length;
    box.append(el("summary", undefined, `${group.title} — ${ok}/${group.tests.length} passed`));
    const list = el("ul");
    for (const test of group.tests) {
      const item = el("li");
      item.dataset.status = test.status;
      item.dataset.name = test.name;
      const short = test.name.split(" > ").slice(1).join(" > ") || test.name;
      item.append(el("span", `status ${test.status}`, test.status), el("span", "name", short));
      if (test.status !== "pass") {
        const { headline, rest } = splitMessage(test.message ?? "");
        if (headline) item.append(el("p", "headline", headline));
        if (rest) item.append(more("Full message and diff", el("pre", "message", rest), "diff"));
        if (test.test_code) {
          item.append(more("The check's code", el("pre", "check-code", test.test_code), "code"));
        }
        const { onTrace } = options;
        const seeds = new Set<number>();
        for (const marker of onTrace ? parseTraceMarkers(test.message ?? "") : []) {
          if (options.lab !== undefined && marker.lab !== options.lab) continue;
          if (seeds.has(marker.seed)) continue;
          seeds.add(marker.seed);
          const button = el("button", "trace-link", `Show trace of seed ${marker.seed}`);
          button.type = "button";
          button.dataset.seed = String(marker.seed);
          button.addEventListener("click", () => onTrace?.(marker));
          item.append(button);
        }
      }
      if (test.output)
        item.append(more("Console output", el("pre", "output", test.output), "output"));
      list.append(item);
    }
    box.append(list);
    parts.push(box);
  }
  target.replaceChildren(...parts);
}

/**
 * A failure's one-line headline, and the rest (diff, further lines) for on demand. The headline
 * is the first line of the message; a message of one line has no rest.
 */
export function splitMessage(message: string): { headline: string; rest: string } {
  const trimmed = message.trim();
  const newline = trimmed.indexOf("\n");
  if (newline < 0) return { headline: trimmed, rest: "" };
  return { headline: trimmed.slice(0, newline).trim(), rest: trimmed };
}

/** Checks passed and run per task, for the badges beside the instructions' task headings. */
export function taskProgress(results: V3Results): Map<number, { passed: number; total: number }> {
  const progress = new Map<number, { passed: number; total: number }>();
  for (const group of groupByTask(results.tests)) {
    if (group.id === undefined) continue;
    const passed = group.tests.filter((t) => t.status === "pass").length;
    progress.set(group.id, { passed, total: group.tests.length });
  }
  return progress;
}

interface TaskGroup {
  id: number | undefined;
  title: string;
  tests: V3TestResult[];
}

function groupByTask(tests: readonly V3TestResult[]): TaskGroup[] {
  const groups = new Map<string, TaskGroup>();
  for (const test of tests) {
    const top = test.name.split(" > ")[0] ?? "";
    const id = test.task_id ?? taskIdOf(top);
    const key = id === undefined ? "other" : String(id);
    let group = groups.get(key);
    if (!group) {
      group = { id, title: id === undefined ? "Other checks" : `Task ${top}`, tests: [] };
      groups.set(key, group);
    }
    group.tests.push(test);
  }
  return [...groups.values()].sort((a, b) => (a.id ?? 1e9) - (b.id ?? 1e9));
}
