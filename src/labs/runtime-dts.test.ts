import ts from "typescript";
import { describe, expect, it } from "vitest";
import { emitRuntimeDeclarations } from "./runtime-dts.mjs";

describe("runtime declarations for Monaco", () => {
  const files = emitRuntimeDeclarations();

  it("carries the public API with its TSDoc for hover", () => {
    const index = files["runtime/index.d.ts"] ?? "";
    expect(index).toContain("Behaviors");
    const behavior = files["runtime/actor/behavior.d.ts"] ?? "";
    expect(behavior).toMatch(/Builds behaviours, after Akka Typed/);
    expect(behavior).not.toMatch(/class ReceiveBehavior[\s\S]*@internal/);
  });

  it("is self-contained: a learner file importing @runtime type-checks against it alone", () => {
    const learner = `import { Behaviors, type Behavior, ActorSystem, VirtualScheduler } from "@runtime";
type Msg = { type: "ping" };
export const b: Behavior<Msg> = Behaviors.receiveMessage((m) => (m.type === "ping" ? Behaviors.same : Behaviors.stopped));
export const sys = ActorSystem.create(b, "lab", { scheduler: new VirtualScheduler() });
export const wrong: number = Behaviors.same;`;
    const all: Record<string, string> = { ...files, "lab/learner.ts": learner };
    const host = ts.createCompilerHost({});
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    };
    const virtual = (f: string) => f.replace(/^\/+/, "");
    const program = ts.createProgram(["/lab/learner.ts"], options, {
      ...host,
      fileExists: (f) => virtual(f) in all || host.fileExists(f),
      readFile: (f) => all[virtual(f)] ?? host.readFile(f),
      getSourceFile: (f, lang) => {
        const text = all[virtual(f)];
        return text !== undefined
          ? ts.createSourceFile(f, text, lang)
          : host.getSourceFile(f, lang);
      },
      getCurrentDirectory: () => "/",
      directoryExists: () => true,
    });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    // Exactly the deliberate error: the types are real, not `any`.
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/not assignable to type 'number'/);
  });
});
