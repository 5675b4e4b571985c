import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { LabCompileError } from "../labs/runner/loader";
import { transpile } from "../labs/runner/transpile";
import type { LabRegistry } from "./child/lab-modules";
import type { Lab } from "./lab";

/**
 * How check files reach the lab's files in the grader's worker without the test runner ever
 * loading one as a module of its own (./child/lab-modules.ts says why). In the sandbox:
 *
 *     lab-modules.ts   every lab file's transpiled code, and the loader that runs it
 *     bridge/<file>    for each lab file, a module that loads it there and re-exports its exports
 *
 * `@lab/<file>` resolves to `bridge/<file>`. The files are transpiled here, by the grader, so the
 * worker never loads sucrase; export names come from the syntax tree.
 */
const LAB_MODULES = fileURLToPath(new URL("./child/lab-modules.ts", import.meta.url));

export function writeLabBridge(root: string, lab: Lab, files: Readonly<Record<string, string>>) {
  const registry: LabRegistry = {
    files: {},
    editable: [...lab.meta.editable],
    withheld: [...lab.meta.withheld],
  };
  for (const [path, source] of Object.entries(files)) {
    let code: string;
    try {
      code = transpile(path, source);
    } catch (e) {
      const message = e instanceof LabCompileError ? e.message : String(e);
      code = `throw new SyntaxError(${JSON.stringify(message)});`;
    }
    registry.files[path] = { source, code };
  }
  writeFileSync(
    join(root, "lab-modules.ts"),
    [
      'import * as runtime from "@runtime";',
      `import { labModules } from ${JSON.stringify(LAB_MODULES)};`,
      `export const labs = labModules(runtime, ${JSON.stringify(registry)});`,
      "",
    ].join("\n"),
  );
  for (const path of Object.keys(files)) {
    const bridge = join(root, "bridge", path);
    mkdirSync(dirname(bridge), { recursive: true });
    const names = [...exportNames(path, files)];
    const named = names.filter((n) => n !== "default");
    writeFileSync(
      bridge,
      [
        `import { labs as __labs } from ${JSON.stringify(join(root, "lab-modules.ts"))};`,
        // `@lab/<file>?copy=<name>` (a node's own copy, with module state of its own) makes Vite
        // evaluate this module once per query; the query is not in import.meta.url, but it is in
        // the module id that names this module's frame. The loader keeps one instance per copy.
        `const __labCopy = /\\?copy=[\\w-]+/.exec(new Error().stack?.split("\\n")[1] ?? "")?.[0] ?? "";`,
        // Live bindings: Vitest evaluates this module once per worker, and each check file gets
        // the lab file afresh (./child/lab-modules.ts), so the exports are bound again for it.
        ...(named.length > 0 ? [`export let ${named.join(", ")};`] : []),
        "let __labDefault;",
        `__labs.bind(() => {`,
        `  const __labModule = __labs.load(${JSON.stringify(path)} + __labCopy);`,
        ...named.map((n) => `  ${n} = __labModule.${n};`),
        "  __labDefault = __labModule.default;",
        "});",
        ...(names.includes("default") ? ["export { __labDefault as default };"] : []),
        "",
      ].join("\n"),
    );
  }
}

/** The value exports of a lab file, following `export * from "./other"` inside the lab. */
function exportNames(
  path: string,
  files: Readonly<Record<string, string>>,
  seen = new Set<string>(),
): Set<string> {
  const names = new Set<string>();
  const source = files[path];
  if (source === undefined || seen.has(path)) return names;
  seen.add(path);
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  const bindingNames = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else
      for (const element of name.elements)
        if (!ts.isOmittedExpression(element)) bindingNames(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement) && exported(statement)) {
      if (statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) continue;
      for (const d of statement.declarationList.declarations) bindingNames(d.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      exported(statement)
    ) {
      if (isDefault(statement)) names.add("default");
      else if (statement.name) names.add(statement.name.text);
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      names.add("default");
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      const clause = statement.exportClause;
      if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements)
          if (!element.isTypeOnly) names.add(element.name.text);
      } else if (clause && ts.isNamespaceExport(clause)) {
        names.add(clause.name.text);
      } else if (
        !clause &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
      ) {
        const target = resolveLabPath(path, statement.moduleSpecifier.text, files);
        if (target)
          for (const name of exportNames(target, files, seen))
            if (name !== "default") names.add(name);
      }
    }
  }
  return names;
}

function resolveLabPath(
  importer: string,
  specifier: string,
  files: Readonly<Record<string, string>>,
): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const parts = importer.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  const base = parts.join("/");
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => candidate in files);
}
