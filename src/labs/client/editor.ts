import type * as Monaco from "monaco-editor";

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
  open: string;
  onChange: (file: string, value: string) => void;
  onRun: () => void;
}

export interface LabEditor {
  show(file: string): void;
  setValue(file: string, value: string): void;
  focus(): void;
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
    allowNonTsExtensions: true,
    lib: ["es2022", "dom"],
  });
  // The runtime's declarations, TSDoc included, so `@runtime` has IntelliSense and hover docs.
  const { default: runtimeDts } = await import("virtual:runtime-dts");
  for (const [path, text] of Object.entries(runtimeDts)) {
    ts.typescriptDefaults.addExtraLib(text, `file:///${path}`);
  }
  ts.typescriptDefaults.setDiagnosticsOptions({
    noSemanticValidation: false,
    noSyntaxValidation: false,
  });

  const models = new Map<string, Monaco.editor.ITextModel>();
  for (const [file, value] of Object.entries(options.files)) {
    const uri = monaco.Uri.parse(`file:///lab/${file}`);
    const model =
      monaco.editor.getModel(uri) ?? monaco.editor.createModel(value, "typescript", uri);
    model.setValue(value);
    models.set(file, model);
    model.onDidChangeContent(() => {
      if (!options.readonly.includes(file)) options.onChange(file, model.getValue());
    });
  }

  options.container.replaceChildren();
  const editor = monaco.editor.create(options.container, {
    model: models.get(options.open) ?? null,
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    scrollBeyondLastLine: false,
    tabSize: 2,
    theme: prefersDark() ? "vs-dark" : "vs",
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
  };
}
