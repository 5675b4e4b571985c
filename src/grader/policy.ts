import ts from "typescript";
import { locate, type SandboxProgram } from "./program";

/**
 * What a submission's code may touch, checked on its syntax tree before anything runs. Lab code
 * needs its own files, `@runtime` and plain JavaScript; everything that could reach the test
 * framework, the process or the file system is refused with `file:line:col` and the reason.
 * It is the first line, for clear messages: at run time lab code runs in a SES compartment
 * (src/labs/runner/confine.ts) that has none of these names, whatever the code declares.
 *
 * Names are resolved with the type checker: a name is a global when what it refers to is declared
 * outside the lab's files or only ambiently (`declare const process: …` in a submission still
 * means the global `process`). A name used only as a type (`fn: Function`) is not a reference.
 */

export const RUNTIME_SPECIFIER = "@runtime";

/** Free names that lead out of lab code: the global object, Node's module system, code from strings. */
const FORBIDDEN_GLOBALS = new Map<string, string>([
  ["process", "the process is not available to lab code"],
  ["globalThis", "lab code may not use the global object"],
  ["global", "lab code may not use the global object"],
  ["self", "lab code may not use the global object"],
  ["window", "lab code may not use the global object"],
  ["require", "lab code imports with `import … from`"],
  ["module", "lab code imports with `import … from`"],
  ["exports", "lab code exports with `export`"],
  ["__filename", "lab code does not know where it is stored"],
  ["__dirname", "lab code does not know where it is stored"],
  ["eval", "lab code may not run code from strings"],
  ["Function", "lab code may not build functions from strings"],
  ["Deno", "the host is not available to lab code"],
  ["Bun", "the host is not available to lab code"],
  ["Proxy", "lab code is not granted Proxy: checks compare what it returns as plain data"],
  ["Atomics", "lab code is not granted Atomics (a blocked worker is not a result)"],
  ["SharedArrayBuffer", "lab code is not granted SharedArrayBuffer"],
  ["WebAssembly", "lab code is not granted WebAssembly"],
  ["harden", "lab code is not granted SES's tools"],
  ["lockdown", "lab code is not granted SES's tools"],
  ["Compartment", "lab code is not granted SES's tools"],
]);

/** Property names that lead from any value to its constructor and the global object. */
const FORBIDDEN_PROPERTIES = new Set([
  "constructor",
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

const TEST_FRAMEWORKS = new Set(["vitest", "chai", "@vitest/expect", "@vitest/runner", "jest"]);

export interface PolicyInput {
  /** The submission's files, as the learner names them (`account.ts`). */
  editable: readonly string[];
  /** Every file of the lab a submission may import (editable and read-only). */
  labFiles: readonly string[];
  /** `@runtime` exports the lab withholds from submissions (lab.json `withheld`). */
  withheld?: readonly string[];
}

export function policyViolations(sandbox: SandboxProgram, input: PolicyInput): string[] {
  const found: string[] = [];
  const withheld = withheldSymbols(sandbox, input.withheld ?? []);
  for (const name of input.editable) {
    const file = sandbox.fileOf(name);
    if (!file) continue;
    const report = (node: ts.Node, message: string) =>
      found.push(`${locate(sandbox, file, node.getStart(file))}: ${message}`);
    const visit = (node: ts.Node): void => {
      const export_ =
        ts.isIdentifier(node) || ts.isStringLiteral(node)
          ? withheldExport(node, sandbox, withheld)
          : undefined;
      if (export_) {
        report(
          node,
          `@runtime's "${export_}" is withheld in this lab: the lab asks you to write it yourself`,
        );
      }
      checkNode(node, name, input, sandbox, report);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  // `a.constructor.constructor` is two accesses starting at the same place: say it once.
  return [...new Set(found)];
}

function checkNode(
  node: ts.Node,
  importer: string,
  input: PolicyInput,
  sandbox: SandboxProgram,
  report: (node: ts.Node, message: string) => void,
): void {
  // import … from "x", export … from "x", import x = require("x")
  if (
    (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
    node.moduleSpecifier &&
    ts.isStringLiteral(node.moduleSpecifier)
  ) {
    const problem = importProblem(node.moduleSpecifier.text, importer, input);
    if (problem) report(node.moduleSpecifier, problem);
    return;
  }
  if (ts.isImportEqualsDeclaration(node)) {
    report(node, "lab code imports with `import … from`");
    return;
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    report(node, "dynamic import() is not allowed in lab code; use `import … from`");
    return;
  }
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
    report(node, "import.meta is not available to lab code");
    return;
  }
  if (ts.isModuleDeclaration(node) || isAmbient(node)) {
    report(
      node,
      "ambient declarations (`declare …`) are not allowed in lab code: they name globals the lab does not grant",
    );
    return;
  }
  if (ts.isIdentifier(node) && !inTypePosition(node) && isFreeReference(node, sandbox)) {
    const reason =
      FORBIDDEN_GLOBALS.get(node.text) ??
      (node.text.startsWith("__vitest") ? "the test framework is off limits" : undefined);
    if (reason) report(node, `"${node.text}" is not allowed: ${reason}`);
    return;
  }
  const property = accessedProperty(node);
  if (property !== undefined && FORBIDDEN_PROPERTIES.has(property)) {
    report(node, `"${property}" is not allowed: it leads from a value to the built-ins behind it`);
    return;
  }
  if (ts.isCallExpression(node)) {
    const target = redefinedBuiltin(node, sandbox);
    if (target) report(node, `changing the built-in "${target}" is not allowed`);
    return;
  }
  if (isMutation(node)) {
    const target = mutatedBuiltin(node, sandbox);
    if (target) report(node, `changing the built-in "${target}" is not allowed`);
  }
}

/** Why an import is refused, or undefined when lab code may make it. */
export function importProblem(
  specifier: string,
  importer: string,
  input: Pick<PolicyInput, "labFiles">,
): string | undefined {
  const allowed = `lab code may import only the lab's own files ("./<file>") and "${RUNTIME_SPECIFIER}"`;
  if (specifier === RUNTIME_SPECIFIER) return undefined;
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    const target = joinPath(dirname(importer), specifier);
    if (target === undefined || /(^|\/)solution(\/|$)/.test(specifier)) {
      return `cannot import "${specifier}": lab code may not reach outside the lab's files (the solution included)`;
    }
    const known = new Set(input.labFiles);
    if ([target, `${target}.ts`, `${target}/index.ts`].some((t) => known.has(t))) return undefined;
    return `cannot import "${specifier}": there is no such lab file (${[...known].join(", ")})`;
  }
  if (TEST_FRAMEWORKS.has(specifier) || specifier.startsWith("@vitest/")) {
    return `cannot import "${specifier}": lab code may not use the test framework; ${allowed}`;
  }
  if (specifier.startsWith("node:") || isNodeBuiltin(specifier)) {
    return `cannot import "${specifier}": Node's modules are not available to lab code; ${allowed}`;
  }
  return `cannot import "${specifier}": ${allowed}`;
}

function isNodeBuiltin(specifier: string): boolean {
  const name = specifier.split("/")[0] ?? specifier;
  return [
    "fs",
    "path",
    "os",
    "process",
    "child_process",
    "worker_threads",
    "vm",
    "module",
    "net",
    "http",
    "https",
    "crypto",
    "util",
    "v8",
    "inspector",
  ].includes(name);
}

/** An identifier that names something no lab file declares: a global. */
function isFreeReference(node: ts.Identifier, sandbox: SandboxProgram): boolean {
  const parent = node.parent;
  // Property names and declarations are not references.
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if (ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) {
    if (parent.name === node) return false;
  }
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isBindingElement(parent) ||
      ts.isImportSpecifier(parent) ||
      ts.isImportClause(parent)) &&
    (parent as { name?: ts.Node }).name === node
  ) {
    return false;
  }
  const symbol = resolved(sandbox.checker, sandbox.checker.getSymbolAtLocation(node));
  if (!symbol) return true;
  const declarations = symbol.declarations ?? [];
  // A name is the lab's own only where a lab file really declares it: `declare const process`
  // declares nothing at run time, and the name still means the global.
  return !declarations.some(
    (d) => isSandboxFile(d.getSourceFile(), sandbox) && !isAmbientDeclaration(d),
  );
}

/** What an imported or re-exported name finally refers to. */
function resolved(checker: ts.TypeChecker, symbol: ts.Symbol | undefined): ts.Symbol | undefined {
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
    try {
      return checker.getAliasedSymbol(symbol);
    } catch {
      return symbol;
    }
  }
  return symbol;
}

function isAmbient(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)
  );
}

function isAmbientDeclaration(declaration: ts.Node): boolean {
  for (let node: ts.Node | undefined = declaration; node; node = node.parent) {
    if (isAmbient(node) || ts.isModuleDeclaration(node)) return true;
  }
  return false;
}

/** `fn: Function`, `x as typeof globalThis`: names in types do nothing at run time. */
function inTypePosition(node: ts.Node): boolean {
  for (let at: ts.Node = node; at.parent; at = at.parent) {
    const parent = at.parent;
    if (ts.isTypeNode(parent) && !ts.isExpressionWithTypeArguments(parent)) return true;
    if (ts.isExpressionWithTypeArguments(parent)) {
      // `implements X` is a type; `extends X` of a class is a value.
      const clause = parent.parent;
      return ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ImplementsKeyword;
    }
    if (
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isStatement(parent) ||
      ts.isExpression(parent)
    ) {
      return ts.isInterfaceDeclaration(parent) || ts.isTypeAliasDeclaration(parent);
    }
  }
  return false;
}

/** The runtime's withheld exports, as the checker's symbols, by name. */
function withheldSymbols(sandbox: SandboxProgram, names: readonly string[]): Map<ts.Symbol, string> {
  const symbols = new Map<ts.Symbol, string>();
  if (names.length === 0) return symbols;
  for (const file of sandbox.program.getSourceFiles()) {
    if (!/\/runtime\/index\.ts$/.test(file.fileName)) continue;
    const module = sandbox.checker.getSymbolAtLocation(file);
    if (!module) continue;
    for (const exported of sandbox.checker.getExportsOfModule(module)) {
      if (!names.includes(exported.name)) continue;
      const target = resolved(sandbox.checker, exported);
      if (target) symbols.set(target, exported.name);
    }
  }
  return symbols;
}

function withheldExport(
  node: ts.Node,
  sandbox: SandboxProgram,
  withheld: Map<ts.Symbol, string>,
): string | undefined {
  if (withheld.size === 0) return undefined;
  const parent = node.parent;
  // Where an export is named: `import { decide }`, `export { decide } from`, `rt.decide`,
  // `rt["decide"]`. Uses of a local name imported that way are reported at the import.
  const names =
    ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) &&
      node === (parent.propertyName ?? parent.name)) ||
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isElementAccessExpression(parent) && parent.argumentExpression === node);
  if (!names) return undefined;
  const symbol = resolved(sandbox.checker, sandbox.checker.getSymbolAtLocation(node));
  return symbol ? withheld.get(symbol) : undefined;
}
