import type { LabBundle } from "../catalog";
import type { V3Results } from "../results";
import type { TraceMarker } from "../trace-marker";
import type { LabEditor } from "./editor";
import { describeProgressLoss, type LabProgress, ProgressStore } from "./progress";
import { renderResults } from "./render-results";
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
  private results: V3Results | undefined;
  private open: string;
  private editor: LabEditor | undefined;
  private running = false;
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
    if (this.results)
      renderResults(
        byId("results"),
        this.results,
        "Results of your last run.",
        this.renderOptions(),
      );
    // Monaco is heavy: let the page paint and become usable first.
    // The spare worker starts loading at once; its preparation (a warm-up simulation in
    // cluster labs) waits for the editor, so it does not compete with Monaco for the CPU.
    // The run button says whether the runner is at rest: a run then starts at once, on a
    // prepared worker, with no other preparation competing for the CPU.
    onRunnerReadiness((ready) => {
      byId("run-checks").dataset.runner = ready ? "ready" : "preparing";
    });
    const mount = () => {
      prepareNextRun();
      void this.mountEditor().finally(() => prepareNextRun(this.nextRun()));
    };
    if ("requestIdleCallback" in window) requestIdleCallback(mount, { timeout: 500 });
    else setTimeout(mount, 50);
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
    if (saved.openFile && this.tabs.some((t) => t.dataset.file === saved.openFile)) {
      this.open = saved.openFile;
    }
    this.updateRestoreButton();
  }

  private async mountEditor(): Promise<void> {
    this.status("Loading the editor…");
    const { mountLabEditor } = await import("./editor");
    this.editor = await mountLabEditor({
      container: byId("editor"),
      files: this.allFiles(),
      readonly: this.lab.readonly,
      open: this.open,
      onChange: (file, value) => {
        this.files[file] = value;
        this.scheduleSave();
      },
      onRun: () => void this.run(),
    });
    byId("editor").dataset.ready = "true";
    this.status("Editor ready.");
  }

  private wireControls(): void {
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
    button.disabled = true;
    target.setAttribute("aria-busy", "true");
    const progress = document.createElement("p");
    progress.className = "muted running";
    progress.textContent = "Running checks…";
    target.replaceChildren(progress);
    try {
      const outcome = await runChecksInWorker({
        files: this.allFiles(),
        checks: this.lab.checks,
        timeoutMs: this.lab.timeoutSeconds * 1000,
        onTestStart: (name) => {
          progress.textContent = `Running: ${name}`;
        },
      });
      this.results = outcome.results;
      renderResults(target, outcome.results, undefined, this.renderOptions());
      target.dataset.lastRunMs = String(Math.round(outcome.wallMs));
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
  }

  private restoreMine(): void {
    if (!this.mine) return;
    const mine = this.mine;
    this.mine = undefined;
    this.setFiles(mine);
    this.updateRestoreButton();
    this.status("Your code is back.");
    byId("show-solution").focus();
  }

  private updateRestoreButton(): void {
    byId("restore-mine").hidden = !this.mine;
  }

  /** The editable files under `<slug>-submission/`, the folder layout `npm run grade` reads. */
  private download(): void {
    const archive = submissionArchive(this.lab.slug, this.lab.editable, this.files);
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
