import ts from "typescript";
import { locate, type SandboxProgram } from "./program";

/**
 * What a submission's code may touch, checked on its syntax tree before anything runs. Lab code
 * needs its own files, `@runtime` and plain JavaScript; everything that could reach the test
 * framework, the process or the file system is refused with `file:line:col` and the reason.
 * The worker's hardening (child/harden.ts) and Node's permission model back this up at run time.
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
}

export function policyViolations(sandbox: SandboxProgram, input: PolicyInput): string[] {
  const found: string[] = [];
  for (const name of input.editable) {
    const file = sandbox.fileOf(name);
    if (!file) continue;
    const report = (node: ts.Node, message: string) =>
      found.push(`${locate(sandbox, file, node.getStart(file))}: ${message}`);
    const visit = (node: ts.Node): void => {
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
  if (ts.isIdentifier(node) && isFreeReference(node, sandbox)) {
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
  const symbol = sandbox.checker.getSymbolAtLocation(node);
  if (!symbol) return true;
  const declarations = symbol.declarations ?? [];
  return declarations.every((d) => !isSandboxFile(d.getSourceFile(), sandbox));
}

function isSandboxFile(file: ts.SourceFile, sandbox: SandboxProgram): boolean {
  return sandbox.fileOf(sandbox.display(file.fileName)) === file;
}

/** `x.name` or `x["name"]`: the name, when it is written out. */
function accessedProperty(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    return node.argumentExpression.text;
  }
  return undefined;
}

function isMutation(node: ts.Node): node is ts.Expression {
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  return (
    ts.isDeleteExpression(node) ||
    ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken ||
        node.operator === ts.SyntaxKind.MinusMinusToken))
  );
}

/** For `Object.is = …` or `Array.prototype.map = …`, the built-in's name. */
function mutatedBuiltin(node: ts.Expression, sandbox: SandboxProgram): string | undefined {
  let target: ts.Expression;
  if (ts.isBinaryExpression(node)) target = node.left;
  else if (ts.isDeleteExpression(node)) target = node.expression;
  else target = (node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression).operand;
  if (!ts.isPropertyAccessExpression(target) && !ts.isElementAccessExpression(target)) {
    return undefined;
  }
  return builtinRoot(target, sandbox);
}

/** Functions that change the object passed first: `Object.defineProperty(Object.prototype, …)`. */
const REDEFINERS = new Set([
  "Object.defineProperty",
  "Object.defineProperties",
  "Object.setPrototypeOf",
  "Object.assign",
  "Reflect.defineProperty",
  "Reflect.set",
  "Reflect.setPrototypeOf",
  "Reflect.deleteProperty",
]);

function redefinedBuiltin(node: ts.CallExpression, sandbox: SandboxProgram): string | undefined {
  const callee = node.expression;
  const first = node.arguments[0];
  if (!first || !ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) {
    return undefined;
  }
  if (!REDEFINERS.has(`${callee.expression.text}.${callee.name.text}`)) return undefined;
  if (!isFreeReference(callee.expression, sandbox)) return undefined;
  return builtinRoot(first, sandbox);
}

/** The global a property chain starts from (`Array` for `Array.prototype.map`), if any. */
function builtinRoot(expression: ts.Expression, sandbox: SandboxProgram): string | undefined {
  let root: ts.Expression = expression;
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) {
    root = root.expression;
  }
  if (!ts.isIdentifier(root) || !isFreeReference(root, sandbox)) return undefined;
  return root.text;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** `a/b` + `../c` → `a/c`; undefined when the path climbs out of the lab. */
function joinPath(dir: string, relative: string): string | undefined {
  const parts = dir ? dir.split("/") : [];
  for (const part of relative.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}
