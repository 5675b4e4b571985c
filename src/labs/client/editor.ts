import type * as Monaco from "monaco-editor";
import { checkModelSource, compileErrors, LAB_ROOT } from "./typecheck";

/**
 * Monaco for a lab page: one TypeScript model per lab file, so cross-file imports type-check and
 * the learner gets IntelliSense and inline diagnostics. Loaded lazily: only lab pages import this
 * module, and only after first paint.
 */

export interface LabEditorOptions {
  container: HTMLElement;
  /** Every file the learner can see, editable and read-only. */
  files: Record<string, string>;
  readonly: readonly string[];
  /** Check files (`checks/x.test.ts`): never shown, type-checked with the lab's files. */
  checks: Record<string, string>;
  open: string;
  onChange: (file: string, value: string) => void;
  onRun: () => void;
}

export interface LabEditor {
  show(file: string): void;
  setValue(file: string, value: string): void;
  focus(): void;
  /**
   * The type errors of `order` (lab files and checks, in the grader's order), worded as
   * `npm run grade` words them; empty when everything type-checks.
   */
  compileErrors(order: readonly string[]): Promise<string[]>;
}

type MonacoApi = typeof Monaco;

function wireWorkers(): void {
  // Monaco 0.57 asks for each worker by label; Vite bundles them as module workers.
  const environment: Monaco.Environment = {
    async getWorker(_workerId: string, label: string): Promise<Worker> {
      if (label === "typescript" || label === "javascript") {
        const { default: TsWorker } = await import(
          "monaco-editor/language/typescript/ts.worker?worker"
        );
        return new TsWorker();
      }
      const { default: EditorWorker } = await import("monaco-editor/editor/editor.worker?worker");
      return new EditorWorker();
    },
  };
  globalThis.MonacoEnvironment = environment;
}

function prefersDark(): boolean {
  const theme = document.documentElement.dataset.theme;
  if (theme === "dark") return true;
  if (theme === "light") return false;
  return matchMedia("(prefers-color-scheme: dark)").matches;
}

export async function mountLabEditor(options: LabEditorOptions): Promise<LabEditor> {
  wireWorkers();
  const monaco = (await import("monaco-editor/editor/editor.main.js")) as unknown as MonacoApi;
  const ts = monaco.typescript;
  ts.typescriptDefaults.setCompilerOptions({
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    strict: true,
    noEmit: true,
    // As the grader's program (src/grader/program.ts): declaration files are not checked.
    skipLibCheck: true,
    types: [],
    allowNonTsExtensions: true,
    lib: ["es2022", "dom"],
  });
  // The runtime's declarations, TSDoc included, so `@runtime` has IntelliSense and hover docs.
  const { default: runtimeDts } = await import("virtual:runtime-dts");
  // What checks import besides the lab's files, so the page type-checks them as the grader does.
  const { default: checkDts } = await import("virtual:check-dts");
  for (const [path, text] of Object.entries({ ...runtimeDts, ...checkDts })) {
    ts.typescriptDefaults.addExtraLib(text, `file:///${path}`);
  }
  ts.typescriptDefaults.setDiagnosticsOptions({
    noSemanticValidation: false,
    noSyntaxValidation: false,
  });

  const models = new Map<string, Monaco.editor.ITextModel>();
  for (const [file, value] of Object.entries(options.files)) {
    const uri = monaco.Uri.parse(`${LAB_ROOT}${file}`);
    const model =
      monaco.editor.getModel(uri) ?? monaco.editor.createModel(value, "typescript", uri);
    model.setValue(value);
    models.set(file, model);
    model.onDidChangeContent(() => {
      if (!options.readonly.includes(file)) options.onChange(file, model.getValue());
    });
  }

  for (const [file, value] of Object.entries(options.checks)) {
    const uri = monaco.Uri.parse(`${LAB_ROOT}${file}`);
    const text = checkModelSource(value);
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, "typescript", uri);
    model.setValue(text);
  }

  defineThemes(monaco);
  options.container.replaceChildren();
  const editor = monaco.editor.create(options.container, {
    model: models.get(options.open) ?? null,
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    scrollBeyondLastLine: false,
    tabSize: 2,
    theme: prefersDark() ? "lab-dark" : "lab-light",
    // Suggestions and hovers float above the page instead of being clipped by the editor's edge.
    fixedOverflowWidgets: true,
    ariaLabel: `Code editor: ${options.open}`,
    accessibilitySupport: "auto",
  });
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => options.onRun());

  const show = (file: string) => {
    const model = models.get(file);
    if (!model) return;
    const locked = options.readonly.includes(file);
    editor.setModel(model);
    editor.updateOptions({
      readOnly: locked,
      readOnlyMessage: { value: `${file} is read-only in this lab: it is part of the setup.` },
      ariaLabel: `Code editor: ${file}${locked ? " (read-only)" : ""}`,
    });
    options.container.setAttribute("aria-label", `Code editor: ${file}`);
  };
  show(options.open);

  return {
    show,
    setValue(file, value) {
      const model = models.get(file);
      if (model && model.getValue() !== value) model.setValue(value);
    },
    focus: () => editor.focus(),
    compileErrors: (order) => compileErrors(monaco, order),
  };
}

/**
 * Monaco's own themes, with comments dark (light theme) or light (dark theme) enough to read:
 * `vs` draws them at about 3:1 against the page's editor background, below WCAG AA's 4.5:1.
 */
function defineThemes(monaco: MonacoApi): void {
  monaco.editor.defineTheme("lab-light", {
    base: "vs",
    inherit: true,
    rules: [{ token: "comment", foreground: "3b6e2a" }],
    colors: {},
  });
  monaco.editor.defineTheme("lab-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [{ token: "comment", foreground: "8fbf7f" }],
    colors: {},
  });
}
