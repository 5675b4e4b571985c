import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { emitRuntimeDeclarations } from "../labs/runtime-dts.mjs";

// Emitting the declarations takes most of this file's time: do it once for every test below.
let declarations: Record<string, string> | undefined;
function runtimeDeclarations(): Record<string, string> {
  declarations ??= emitRuntimeDeclarations();
  return declarations;
}

/*
 * Issue 3's acceptance: the runtime's public API has TSDoc, with an example for each concept.
 * Learners read these docs in Monaco hovers, so this test reads them the way Monaco does: through
 * the TypeScript language service's view of symbols (inherited docs included), and again from the
 * declarations the labs actually load (`virtual:runtime-dts`). Examples are fenced ```ts blocks;
 * each is compiled against the runtime so a rename cannot leave a stale example behind.
 */

const runtimeDir = dirname(fileURLToPath(import.meta.url));
/** The public entry points: `@runtime`, and the live (Web Worker) cluster driver. */
const ENTRIES = {
  runtime: resolve(runtimeDir, "index.ts"),
  live: resolve(runtimeDir, "cluster/live/index.ts"),
} as const;
type EntryName = keyof typeof ENTRIES;

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  exactOptionalPropertyTypes: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
  skipLibCheck: true,
  noEmit: true,
};

/**
 * The concepts a learner meets in the talks and labs. Every key must carry a fenced `@example`
 * that compiles; `mentions` must appear somewhere in that concept's examples.
 */
const CONCEPTS: ReadonlyArray<{ concept: string; keys: string[]; mentions?: string[] }> = [
  { concept: "ActorSystem", keys: ["ActorSystem"], mentions: ["ActorSystem.create"] },
  {
    concept: "Behaviors: receive, setup, same, stopped, unhandled",
    keys: ["Behaviors", "Behaviors.receive", "Behaviors.setup"],
    mentions: ["Behaviors.same", "Behaviors.stopped", "Behaviors.unhandled"],
  },
  { concept: "ActorRef: tell and ask", keys: ["ActorRef", "ask"], mentions: [".tell("] },
  {
    concept: "supervision, with backoff",
    keys: ["SupervisorStrategy", "SupervisorStrategy.restartWithBackoff"],
    mentions: ["Behaviors.supervise", "restartWithLimit", "onFailure"],
  },
  {
    concept: "watch and Terminated",
    keys: ["ActorContext.watch"],
    mentions: ["receiveSignal", '"Terminated"'],
  },
  { concept: "stash", keys: ["StashBuffer"], mentions: ["Behaviors.withStash", "unstashAll"] },
  { concept: "timers", keys: ["TimerScheduler"], mentions: ["Behaviors.withTimers"] },
  {
    concept: "schedulers, clocks and seeded randomness",
    keys: ["RealScheduler", "VirtualScheduler", "SeededRandom"],
    mentions: ["advanceBy", "runUntilIdle"],
  },
  { concept: "EventSourcedBehavior", keys: ["EventSourcedBehavior"] },
  {
    concept: "Effect: persist, none, unhandled, stop, thenReply, thenRun",
    keys: ["Effect"],
    mentions: [
      "Effect.persist",
      "Effect.none",
      "Effect.unhandled",
      "Effect.stop",
      "thenReply",
      "thenRun",
    ],
  },
  {
    concept: "snapshots and retention",
    keys: ["EventSourcedBehavior.withRetention", "EventSourcedBehavior.snapshotWhen"],
  },
  { concept: "journals", keys: ["Journal", "InMemoryJournal", "IndexedDBJournal"] },
  { concept: "snapshot stores", keys: ["InMemorySnapshotStore", "IndexedDBSnapshotStore"] },
  { concept: "event adapters", keys: ["EventAdapter", "AdaptedJournal"] },
  {
    concept: "queries",
    keys: ["eventsByPersistenceId", "eventsByTag", "currentEventsByTag"],
  },
  {
    concept: "projections and offsets",
    keys: ["runProjection", "InMemoryOffsetStore"],
    mentions: ["at-least-once", "exactly-once"],
  },
  {
    concept: "time and randomness decided in the command handler",
    keys: ["HandlerContext"],
    mentions: ["ctx.now()", "ctx.random()"],
  },
  {
    concept: "EventSourcedBehaviorTestKit",
    keys: ["EventSourcedBehaviorTestKit"],
    mentions: ["runCommand", "restart()", "failNextAppend"],
  },
  { concept: "TestProbe", keys: ["TestProbe"] },
  { concept: "cluster simulation", keys: ["ClusterSimulation"], mentions: ["partition"] },
  { concept: "split-brain resolution and downing", keys: ["SplitBrainResolver", "AutoDowning"] },
  { concept: "cluster sharding", keys: ["ClusterSharding", "EntityRef"] },
  { concept: "cluster singleton", keys: ["ClusterSingletonManager"] },
  {
    concept: "distributed data",
    keys: ["Replicator", "GCounter", "PNCounter", "ORSet", "LWWMap"],
    mentions: ["writeMajority", "readLocal"],
  },
  { concept: "live cluster", keys: ["LiveCluster"] },
];

interface DocEntry {
  readonly key: string;
  readonly entry: EntryName;
  readonly summary: string;
  /** Raw text of each `@example` tag, as the language service hands it to Monaco. */
  readonly examples: readonly string[];
  readonly where: string;
}

/** A compiler host that parses each file once, shared by every program this test builds. */
function cachingHost(virtualFiles: Map<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(OPTIONS);
  const cache = new Map<string, ts.SourceFile | undefined>();
  return {
    ...host,
    fileExists: (f) => virtualFiles.has(f) || host.fileExists(f),
    readFile: (f) => virtualFiles.get(f) ?? host.readFile(f),
    getSourceFile: (f, lang) => {
      const text = virtualFiles.get(f);
      if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
      if (!cache.has(f)) cache.set(f, host.getSourceFile(f, lang));
      return cache.get(f);
    },
  };
}

const METHOD_KINDS = new Set([
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.MethodSignature,
  ts.SyntaxKind.GetAccessor,
]);

/** The members a learner calls: public methods and getters (and every entry of a factory object). */
function publicMembers(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol[] {
  const isPublic = (member: ts.Symbol) => {
    const decl = member.declarations?.[0];
    if (!decl || decl.getSourceFile().fileName.includes("/node_modules/")) return false;
    if (member.name.startsWith("#") || member.name.startsWith("__")) return false;
    const flags = ts.getCombinedModifierFlags(decl);
    if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
    return !ts.getJSDocTags(decl).some((t) => t.tagName.text === "internal");
  };
  const isMethod = (member: ts.Symbol) =>
    member.declarations?.some((d) => METHOD_KINDS.has(d.kind)) ?? false;
  const members: ts.Symbol[] = [];
  if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
    members.push(...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)));
    if (symbol.flags & ts.SymbolFlags.Class) {
      const statics = checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol));
      members.push(...statics.filter((s) => s.name !== "prototype"));
    }
    return members.filter((m) => isPublic(m) && isMethod(m));
  }
  if (symbol.flags & ts.SymbolFlags.Variable) {
    // A factory object such as `Behaviors` or `Effect`: every entry is part of the vocabulary.
    // In declarations its methods become function-typed properties, hence the call signatures.
    const props = checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol)).filter(isPublic);
    const callable = (p: ts.Symbol) => checker.getTypeOfSymbol(p).getCallSignatures().length > 0;
    return props.some(callable) ? props : [];
  }
  return [];
}

function collectDocs(program: ts.Program, entries: Partial<Record<EntryName, string>>) {
  const checker = program.getTypeChecker();
  const docs = new Map<string, DocEntry>();
  const add = (key: string, entry: EntryName, symbol: ts.Symbol) => {
    const decl = symbol.declarations?.[0];
    const file = decl?.getSourceFile();
    const where = file
      ? `${relative(runtimeDir, file.fileName)}:${file.getLineAndCharacterOfPosition(decl?.getStart() ?? 0).line + 1}`
      : "?";
    docs.set(key, {
      key,
      entry,
      summary: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
      examples: symbol
        .getJsDocTags(checker)
        .filter((t) => t.name === "example")
        .map((t) => ts.displayPartsToString(t.text)),
      where,
    });
  };
  for (const [entry, file] of Object.entries(entries) as [EntryName, string][]) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`cannot load ${file}`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      add(exported.name, entry, symbol);
      for (const member of publicMembers(checker, symbol)) {
        add(`${exported.name}.${member.name}`, entry, member);
      }
    }
  }
  return docs;
}

const FENCE = /```ts\n([\s\S]*?)\n```/g;
/** The code of each fenced block in an example. */
const codeOf = (example: string) => [...example.matchAll(FENCE)].map((m) => m[1] ?? "");

/**
 * Monaco renders a tag as `*@example* — <text>`: only a caption line followed by a fenced block
 * comes out as a code block; anything else is reflowed as prose.
 */
const rendersAsCode = (example: string) => /^[^\n`]+\n```ts\n[\s\S]*\n```$/.test(example.trim());

/**
 * Wraps an example in its own module that imports, from the runtime's entry points, the exported
 * names it uses (and does not declare itself). Examples declare their own placeholders with
 * `declare const …`, which keeps them honest about what they assume.
 */
function exampleModule(code: string, exportsByEntry: Map<string, EntryName>): string {
  const withoutComments = code.replace(/\/\/.*$/gm, "").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const declared = new Set(
    [...withoutComments.matchAll(/\b(?:const|let|var|function|class|type|interface)\s+(\w+)/g)].map(
      (m) => m[1],
    ),
  );
  const imports: Record<EntryName, string[]> = { runtime: [], live: [] };
  for (const [name, entry] of exportsByEntry) {
    if (declared.has(name)) continue;
    if (new RegExp(`(?<![\\w.$])${name}\\b`).test(withoutComments)) imports[entry].push(name);
  }
  const lines = (Object.entries(imports) as [EntryName, string[]][])
    .filter(([, names]) => names.length > 0)
    .map(([entry, names]) => {
      const path = relative(resolve(runtimeDir, "__examples__"), ENTRIES[entry]).replace(
        /\.ts$/,
        "",
      );
      return `import { ${names.join(", ")} } from "${path}";`;
    });
  return `${lines.join("\n")}\n${code}\nexport {};\n`;
}

describe("runtime API docs", () => {
  const virtualFiles = new Map<string, string>();
  const host = cachingHost(virtualFiles);
  let program: ts.Program;
  let docs: Map<string, DocEntry>;

  beforeAll(() => {
    program = ts.createProgram(Object.values(ENTRIES), OPTIONS, host);
    docs = collectDocs(program, ENTRIES);
    // Building the program parses the whole runtime; on a busy 2-core machine that takes a while.
  }, 120_000);

  it("gives every export, and every public method of an exported class or interface, a summary", () => {
    const missing = [...docs.values()]
      .filter((d) => d.summary === "")
      .map((d) => `${d.key} (${d.where})`);
    expect(missing, `${missing.length} public symbols have no TSDoc summary`).toEqual([]);
    expect(docs.size).toBeGreaterThan(500);
  });

  it("has a fenced, hover-friendly @example for every concept a learner meets", () => {
    const problems: string[] = [];
    for (const { concept, keys, mentions = [] } of CONCEPTS) {
      let code = "";
      for (const key of keys) {
        const doc = docs.get(key);
        if (!doc) {
          problems.push(`${concept}: ${key} is not part of the public API`);
          continue;
        }
        const fenced = doc.examples.filter(rendersAsCode);
        if (fenced.length === 0) {
          problems.push(
            `${concept}: ${key} (${doc.where}) needs an @example with a caption and a \`\`\`ts block`,
          );
        }
        code += fenced.flatMap(codeOf).join("\n");
      }
      for (const word of mentions) {
        if (!code.includes(word)) problems.push(`${concept}: no example shows ${word}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("writes every multi-line @example as a caption and a fenced block, so it renders as code", () => {
    const prose = [...docs.values()].flatMap((d) =>
      d.examples
        .filter((x) => x.trim().includes("\n") && !rendersAsCode(x))
        .map(() => `${d.key} (${d.where})`),
    );
    expect([...new Set(prose)]).toEqual([]);
  });

  it("compiles every fenced @example against the runtime", () => {
    const exportsByEntry = new Map<string, EntryName>();
    for (const doc of docs.values()) {
      if (!doc.key.includes(".") && !exportsByEntry.has(doc.key))
        exportsByEntry.set(doc.key, doc.entry);
    }
    const examples = new Map<string, string>(); // file → "key (where)"
    let n = 0;
    const seen = new Set<string>();
    for (const doc of docs.values()) {
      for (const code of doc.examples.flatMap(codeOf)) {
        // Inherited docs repeat their examples on every subclass; compile each once.
        if (seen.has(code)) continue;
        seen.add(code);
        const file = resolve(runtimeDir, "__examples__", `example-${n++}.ts`);
        virtualFiles.set(file, exampleModule(code, exportsByEntry));
        examples.set(file, `${doc.key} (${doc.where})`);
      }
    }
    const withExamples = ts.createProgram(
      [...Object.values(ENTRIES), ...examples.keys()],
      OPTIONS,
      host,
      program,
    );
    const errors = [...examples.keys()].flatMap((file) => {
      const source = withExamples.getSourceFile(file);
      if (!source) return [`${examples.get(file)}: example module was not compiled`];
      return [
        ...withExamples.getSyntacticDiagnostics(source),
        ...withExamples.getSemanticDiagnostics(source),
      ].map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
        const text = source.text.split("\n")[line]?.trim();
        return `${examples.get(file)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")} — \`${text}\``;
      });
    });
    expect(errors).toEqual([]);
    expect(examples.size).toBeGreaterThan(CONCEPTS.length);
  });

  it("keeps the docs in the declarations the lab editor loads into Monaco", () => {
    const files = runtimeDeclarations();
    const dtsRoot = "/dts/";
    const dtsFiles = new Map(Object.entries(files).map(([path, text]) => [dtsRoot + path, text]));
    const dtsProgram = ts.createProgram([`${dtsRoot}runtime/index.d.ts`], OPTIONS, {
      ...cachingHost(dtsFiles),
      directoryExists: () => true,
    });
    const monaco = collectDocs(dtsProgram, { runtime: `${dtsRoot}runtime/index.d.ts` });
    // A `{@link X}` whose target the declaration file does not import stays unresolved there;
    // Monaco still shows the name, so compare the prose without link markup.
    const prose = (s: string | undefined) => s?.replace(/\{@link\s+([^}|\s]+)[^}]*\}/g, "$1");
    const lost = [...docs.values()]
      .filter((d) => d.entry === "runtime" && d.summary !== "")
      .filter((d) => prose(monaco.get(d.key)?.summary) !== prose(d.summary))
      .map((d) => `${d.key} (${d.where})`);
    expect(lost).toEqual([]);
    const lostExamples = [...docs.values()]
      .filter((d) => d.entry === "runtime")
      .filter((d) => (monaco.get(d.key)?.examples.length ?? 0) < d.examples.length)
      .map((d) => d.key);
    expect(lostExamples).toEqual([]);
  });
});

describe("runtime declarations for Monaco", () => {
  it("carries the public API with its TSDoc for hover", () => {
    const files = runtimeDeclarations();
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
    const all: Record<string, string> = { ...runtimeDeclarations(), "lab/learner.ts": learner };
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
