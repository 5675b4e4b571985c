import type { LabBundle } from "../catalog";
import { doesNotCompile } from "../compile-message";
import { errorResults, type V3Results } from "../results";
import type { TraceMarker } from "../trace-marker";
import type { LabEditor } from "./editor";
import { describeProgressLoss, type LabProgress, ProgressStore } from "./progress";
import { renderResults, taskProgress } from "./render-results";
import {
  onRunnerReadiness,
  prepareNextRun,
  replayTraceInWorker,
  runChecksInWorker,
} from "./run-checks";
import { submissionArchive } from "./zip";

/**
 * The lab page's behaviour: file tabs, the editor, running checks, and progress kept in
 * IndexedDB. Monaco arrives after first paint; until then the page shows the code as text and
 * every button already works.
 */
export function startLabPage(): void {
  const data = JSON.parse(byId("lab-data").textContent ?? "{}") as LabBundle;
  const page = new LabPage(data);
  page.start().catch((e) => {
    page.status(`Could not start the lab: ${e instanceof Error ? e.message : String(e)}`);
  });
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`The lab page is missing #${id}`);
  return el as T;
}

class LabPage {
  private readonly store = new ProgressStore();
  private files: Record<string, string>;
  private mine: Record<string, string> | undefined;
  /** The last results of the learner's own code: what progress and "Done" are made of. */
  private results: V3Results | undefined;
  private open: string;
  private editor: LabEditor | undefined;
  private editorReady: Promise<LabEditor | undefined> | undefined;
  private running = false;
  private runnerReady = false;
  private typeCheckWarm = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly tabs: HTMLButtonElement[];

  constructor(private readonly lab: LabBundle) {
    this.files = this.starterFiles();
    this.open = lab.editable[0] ?? "";
    this.tabs = [...document.querySelectorAll<HTMLButtonElement>(".tabs [role=tab]")];
  }

  async start(): Promise<void> {
    this.wireControls();
    const saved = await this.store.load(this.lab.slug).catch(() => undefined);
    if (saved) this.restore(saved);
    const lost = await this.store.dataLoss().catch(() => undefined);
    if (lost) {
      // A notice that stays (the editor status line is overwritten as the editor loads).
      const notice = document.createElement("p");
      notice.className = "data-loss-notice";
      notice.setAttribute("role", "alert");
      notice.textContent = describeProgressLoss(lost);
      (document.querySelector("main") ?? document.body).prepend(notice);
      this.store.acknowledgeDataLoss();
    }
    this.selectTab(this.open, false);
    if (this.results) this.showResults(this.results, "Results of your last run.");
    // Monaco is heavy: let the page paint and become usable first.
    // The spare worker starts loading at once; its preparation (a warm-up simulation in
    // cluster labs) waits for the editor, so it does not compete with Monaco for the CPU.
    // The run button says whether the runner is at rest: a run then starts at once, on a
    // prepared worker, with no other preparation competing for the CPU.
    // At rest also means the editor's first type check is done: runs after it are not slowed.
    onRunnerReadiness((ready) => {
      this.runnerReady = ready;
      this.showReadiness();
    });
    const mount = () => {
      prepareNextRun();
      this.editorReady = this.mountEditor()
        .catch((e) => {
          this.status(`The editor could not load: ${e instanceof Error ? e.message : String(e)}`);
          this.typeCheckWarm = true;
          this.showReadiness();
          return undefined;
        })
        .finally(() => prepareNextRun(this.nextRun()));
    };
    if ("requestIdleCallback" in window) requestIdleCallback(mount, { timeout: 500 });
    else setTimeout(mount, 50);
  }

  private showReadiness(): void {
    byId("run-checks").dataset.runner =
      this.runnerReady && this.typeCheckWarm ? "ready" : "preparing";
  }

  status(text: string): void {
    const el = document.querySelector(".editor-status");
    if (el) el.textContent = text;
  }

  /** What a spare worker can get ready for the next run (see `prepareNextRun`). */
  private nextRun() {
    // Cluster labs (the ones with a trace view) spend their run simulating: warm that up too.
    return {
      sources: { ...this.allFiles(), ...this.lab.checks },
      warmUp: this.lab.trace !== undefined,
    };
  }

  /** Cluster labs turn a failing check's seed into a "Show trace" button. */
  private renderOptions() {
    if (!this.lab.trace) return {};
    return { lab: this.lab.slug, onTrace: (marker: TraceMarker) => void this.showTrace(marker) };
  }

  /**
   * Replays the marker's seed with the code as it is now (the run is deterministic, so with
   * unchanged code it is the run that failed) and draws its timeline in the trace panel.
   */
  private async showTrace(marker: TraceMarker): Promise<void> {
    const trace = this.lab.trace;
    if (!trace) return;
    const panel = byId("trace-panel");
    const heading = document.createElement("h2");
    heading.id = "trace-title";
    heading.tabIndex = -1;
    heading.textContent = `Trace of seed ${marker.seed}`;
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close trace";
    close.addEventListener("click", () => {
      panel.hidden = true;
      panel.replaceChildren();
    });
    const status = document.createElement("p");
    status.className = "muted trace-status";
    status.setAttribute("role", "status");
    status.textContent = `Replaying seed ${marker.seed} with your code…`;
    const body = document.createElement("div");
    body.className = "trace-body";
    panel.dataset.seed = String(marker.seed);
    panel.dataset.state = "loading";
    panel.replaceChildren(heading, close, status, body);
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
    heading.focus();
    try {
      const [replayed, { buildTimeline }, { renderTrace }] = await Promise.all([
        replayTraceInWorker({
          files: this.allFiles(),
          file: trace.file,
          exportName: trace.export,
          seed: marker.seed,
          timeoutMs: this.lab.timeoutSeconds * 1000,
        }),
        import("../trace-timeline"),
        import("./trace-view"),
      ]);
      if (panel.dataset.seed !== String(marker.seed)) return;
      const timeline = buildTimeline(replayed.cluster, replayed.sharding);
      renderTrace(body, timeline, marker.seed);
      status.textContent = `Seed ${marker.seed}, replayed with your current code: ${timeline.events.length} events over ${(timeline.endMs / 1000).toFixed(0)} s of virtual time.`;
      panel.dataset.state = "ready";
    } catch (e) {
      if (panel.dataset.seed !== String(marker.seed)) return;
      status.textContent = e instanceof Error ? e.message : String(e);
      panel.dataset.state = "error";
    }
  }

  private starterFiles(): Record<string, string> {
    return Object.fromEntries(this.lab.editable.map((f) => [f, this.lab.starter[f] ?? ""]));
  }

  /** Editable files plus the read-only ones: everything the checks import. */
  private allFiles(): Record<string, string> {
    const readonly = Object.fromEntries(
      this.lab.readonly.map((f) => [f, this.lab.starter[f] ?? ""]),
    );
    return { ...readonly, ...this.files };
  }

  private restore(saved: LabProgress): void {
    for (const file of this.lab.editable) {
      const text = saved.files[file];
      if (typeof text === "string") this.files[file] = text;
    }
    this.mine = saved.mine;
    this.results = saved.results;
    if (this.mine) {
      this.notice(
        "The solution is shown. Runs now check the solution and do not count as your progress; Download submission still saves your own code.",
      );
    }
    if (saved.openFile && this.tabs.some((t) => t.dataset.file === saved.openFile)) {
      this.open = saved.openFile;
    }
    this.updateRestoreButton();
  }

  private async mountEditor(): Promise<LabEditor> {
    this.status("Loading the editor…");
    const { mountLabEditor } = await import("./editor");
    this.editor = await mountLabEditor({
      container: byId("editor"),
      files: this.allFiles(),
      readonly: this.lab.readonly,
      checks: this.lab.checks,
      open: this.open,
      onChange: (file, value) => {
        this.files[file] = value;
        this.scheduleSave();
      },
      onRun: () => void this.run(),
    });
    byId("editor").dataset.ready = "true";
    this.status("Editor ready.");
    // The first type check of the lab and its checks takes Monaco's worker seconds; later ones
    // take milliseconds. Pay for the first now, while the learner reads, not after their click.
    void this.editor
      .compileErrors(this.typeCheckOrder())
      .catch(() => {})
      .finally(() => {
        this.typeCheckWarm = true;
        this.showReadiness();
      });
    return this.editor;
  }

  /**
   * The grader's type check, in the browser: errors in the lab's files or the checks, worded as
   * `npm run grade` words them. Empty when there are none, undefined when the editor (whose
   * TypeScript worker does the checking) could not load.
   */
  private async compileErrors(): Promise<string[] | undefined> {
    const editor = this.editor ?? (await this.editorReady);
    if (!editor) return undefined;
    return editor.compileErrors(this.typeCheckOrder());
  }

  /** The grader's order: editable files, read-only files, then the checks. */
  private typeCheckOrder(): string[] {
    return [...this.lab.editable, ...this.lab.readonly, ...Object.keys(this.lab.checks)];
  }

  /** Draws results in the results pane and their per-task progress beside the instructions. */
  private showResults(results: V3Results | undefined, note?: string, ofSolution = false): void {
    const target = byId("results");
    if (results) renderResults(target, results, note, this.renderOptions());
    else {
      const empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = note ?? "No run yet.";
      target.replaceChildren(empty);
    }
    target.dataset.of = ofSolution ? "solution" : "mine";
    const progress = results ? taskProgress(results) : new Map();
    for (const heading of document.querySelectorAll<HTMLElement>(".instructions h2")) {
      const id = Number(/^\s*(\d+)\s*[.)]/.exec(heading.textContent ?? "")?.[1]);
      let badge = heading.querySelector<HTMLElement>(".task-progress");
      const task = progress.get(id);
      if (!task) {
        badge?.remove();
        continue;
      }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "task-progress";
        heading.append(" ", badge);
      }
      const done = task.passed === task.total;
      badge.dataset.state = ofSolution ? "solution" : done ? "pass" : "fail";
      badge.textContent = `${ofSolution ? "solution: " : ""}${task.passed}/${task.total}${done ? " ✓" : ""}`;
      badge.setAttribute(
        "aria-label",
        `${ofSolution ? "The solution passes" : "Your code passes"} ${task.passed} of ${task.total} checks of this task`,
      );
    }
    const count = document.getElementById("pane-tab-count");
    if (count) {
      count.textContent = results
        ? `(${results.tests.filter((t) => t.status === "pass").length}/${results.tests.length})`
        : "";
    }
  }

  /** A message beside the toolbar, for what the learner must not miss (a download of what). */
  private notice(text: string | undefined): void {
    const el = byId("lab-notice");
    el.hidden = text === undefined;
    el.textContent = text ?? "";
  }

  /** Phones show one pane at a time: instructions, code or results. */
  private selectPane(pane: string, focus = false): void {
    const lab = document.querySelector<HTMLElement>(".lab");
    if (!lab) return;
    lab.dataset.pane = pane;
    for (const tab of document.querySelectorAll<HTMLButtonElement>(".pane-tabs [role=tab]")) {
      const selected = tab.dataset.pane === pane;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    }
  }

  private wireControls(): void {
    const panes = [...document.querySelectorAll<HTMLButtonElement>(".pane-tabs [role=tab]")];
    for (const [i, tab] of panes.entries()) {
      tab.addEventListener("click", () => this.selectPane(tab.dataset.pane ?? "instructions"));
      tab.addEventListener("keydown", (e) => {
        const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        e.preventDefault();
        const next = panes[(i + step + panes.length) % panes.length];
        this.selectPane(next?.dataset.pane ?? "instructions", true);
      });
    }
    for (const tab of this.tabs) {
      tab.addEventListener("click", () => this.selectTab(tab.dataset.file ?? "", true));
      tab.addEventListener("keydown", (e) => this.onTabKey(e, tab));
    }
    byId("run-checks").addEventListener("click", () => void this.run());
    byId("reset-file").addEventListener("click", () => this.resetFile());
    byId("show-solution").addEventListener("click", () => this.askShowSolution());
    byId("restore-mine").addEventListener("click", () => this.restoreMine());
    byId("download").addEventListener("click", () => this.download());
    const dialog = byId<HTMLDialogElement>("solution-dialog");
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "confirm") this.showSolution();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.run();
      }
    });
  }

  /** Arrow keys move between tabs, as in the WAI-ARIA tabs pattern. */
  private onTabKey(e: KeyboardEvent, tab: HTMLButtonElement): void {
    const i = this.tabs.indexOf(tab);
    const next =
      e.key === "ArrowRight"
        ? i + 1
        : e.key === "ArrowLeft"
          ? i - 1
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? this.tabs.length - 1
              : -2;
    if (next === -2) return;
    e.preventDefault();
    const target = this.tabs[(next + this.tabs.length) % this.tabs.length];
    target?.focus();
    if (target?.dataset.file) this.selectTab(target.dataset.file, false);
  }

  private selectTab(file: string, focusEditor: boolean): void {
    this.open = file;
    for (const tab of this.tabs) {
      const selected = tab.dataset.file === file;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    byId("editor-panel").setAttribute("aria-labelledby", `tab-${file}`);
    const locked = this.lab.readonly.includes(file);
    byId<HTMLButtonElement>("reset-file").disabled = locked;
    if (this.editor) {
      this.editor.show(file);
      if (focusEditor) this.editor.focus();
    } else {
      const code = document.querySelector(".editor-fallback code");
      if (code) code.textContent = this.allFiles()[file] ?? "";
    }
    this.scheduleSave();
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), 250);
  }

  private async save(): Promise<void> {
    clearTimeout(this.saveTimer);
    const progress: LabProgress = {
      slug: this.lab.slug,
      files: { ...this.files },
      openFile: this.open,
      updatedAt: Date.now(),
    };
    if (this.mine) progress.mine = this.mine;
    if (this.results) progress.results = this.results;
    await this.store.save(progress);
  }

  private setFiles(files: Record<string, string>): void {
    for (const file of this.lab.editable) {
      const text = files[file];
      if (typeof text !== "string") continue;
      this.files[file] = text;
      this.editor?.setValue(file, text);
    }
    if (!this.editor) this.selectTab(this.open, false);
    void this.save();
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const button = byId<HTMLButtonElement>("run-checks");
    const target = byId("results");
    const ofSolution = this.mine !== undefined;
    button.disabled = true;
    target.setAttribute("aria-busy", "true");
    const progress = document.createElement("p");
    progress.className = "muted running";
    progress.textContent = "Running checks…";
    target.replaceChildren(progress);
    if (matchMedia("(max-width: 64rem)").matches) this.selectPane("results");
    const started = performance.now();
    try {
      // The type check runs beside the checks, in Monaco's worker. Warm, it ends first; the
      // first one after a page load can take seconds, and then the checks' results show at once,
      // marked as waiting for it.
      let typeChecked = false;
      const typeCheck = this.compileErrors()
        .catch(() => undefined)
        .finally(() => {
          typeChecked = true;
        });
      const outcome = await runChecksInWorker({
        files: this.allFiles(),
        checks: this.lab.checks,
        timeoutMs: this.lab.timeoutSeconds * 1000,
        editable: this.lab.editable,
        withheld: this.lab.withheld,
        onTestStart: (name) => {
          progress.textContent = `Running: ${name}`;
        },
      });
      const show = (results: V3Results, pending: boolean) => {
        const notes = [
          pending
            ? "Type-checking your code, as the grader does: these results stand unless it finds an error…"
            : undefined,
          ofSolution
            ? "These are the reference solution's results: they do not count as your progress. “Restore my code” brings your code and your results back."
            : undefined,
        ].filter((n) => n !== undefined);
        this.showResults(results, notes.length > 0 ? notes.join(" ") : undefined, ofSolution);
        target.dataset.typecheck = pending ? "pending" : "done";
      };
      // What the learner waited for before seeing results.
      target.dataset.lastRunMs = String(Math.round(performance.now() - started));
      target.dataset.workerMs = String(Math.round(outcome.wallMs));
      if (!typeChecked) show(outcome.results, true);
      const errors = await typeCheck;
      // As in CI: code that does not type-check is not graded, whatever its checks did.
      const results =
        errors && errors.length > 0 ? errorResults(doesNotCompile(errors)) : outcome.results;
      if (!ofSolution) this.results = results;
      show(results, false);
      target.dataset.verdictMs = String(Math.round(performance.now() - started));
      target.dataset.runs = String(Number(target.dataset.runs ?? 0) + 1);
      await this.save();
    } finally {
      prepareNextRun(this.nextRun());
      this.running = false;
      button.disabled = false;
      target.removeAttribute("aria-busy");
    }
  }

  private resetFile(): void {
    if (this.lab.readonly.includes(this.open)) return;
    const starter = this.lab.starter[this.open];
    if (starter === undefined) return;
    if (this.files[this.open] !== starter && !confirm(`Reset ${this.open} to the starter code?`)) {
      return;
    }
    this.setFiles({ [this.open]: starter });
    // The last results were of other code: they no longer say where the learner stands.
    if (this.mine === undefined && this.results) {
      this.results = undefined;
      this.showResults(
        undefined,
        `${this.open} was reset to the starter code: run the checks to see where you stand.`,
      );
      void this.save();
    }
  }

  private askShowSolution(): void {
    byId<HTMLDialogElement>("solution-dialog").showModal();
  }

  /** Shows the solution, setting the learner's code aside first (never overwriting a set-aside). */
  private showSolution(): void {
    this.mine ??= { ...this.files };
    this.setFiles(this.lab.solution);
    this.updateRestoreButton();
    this.status("Showing the solution. “Restore my code” brings yours back.");
    this.notice(
      "The solution is shown. Runs now check the solution and do not count as your progress; Download submission still saves your own code.",
    );
  }

  private restoreMine(): void {
    if (!this.mine) return;
    const mine = this.mine;
    this.mine = undefined;
    this.setFiles(mine);
    this.updateRestoreButton();
    this.notice(undefined);
    // The solution's results go with it: what shows is the last run of the learner's own code.
    this.showResults(
      this.results,
      this.results ? "Results of your last run of your own code." : "No run of your own code yet.",
    );
    this.status("Your code is back.");
    byId("show-solution").focus();
  }

  private updateRestoreButton(): void {
    byId("restore-mine").hidden = !this.mine;
  }

  /** The editable files under `<slug>-submission/`, the folder layout `npm run grade` reads. */
  private download(): void {
    // While the solution is shown, the learner's work is the code set aside, not the solution.
    const files = this.mine ?? this.files;
    if (this.mine) {
      this.notice(
        "The solution is shown in the editor, so the download holds your own code (set aside), not the solution.",
      );
    }
    const archive = submissionArchive(this.lab.slug, this.lab.editable, files);
    const blob = new Blob([archive.bytes as BlobPart], { type: "application/zip" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = archive.name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }
}
