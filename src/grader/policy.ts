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

/**
 * Globals lab code is granted (src/labs/runner/confine.ts): the language's own built-ins, a
 * console, `Date` and `Math`. Any other free name is refused here, and absent at run time.
 */
const GRANTED_GLOBALS = new Set([
  "Infinity",
  "NaN",
  "undefined",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "escape",
  "unescape",
  "Array",
  "ArrayBuffer",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Boolean",
  "DataView",
  "Date",
  "Error",
  "EvalError",
  "Int8Array",
  "Int16Array",
  "Int32Array",
  "Map",
  "Math",
  "Number",
  "Object",
  "Promise",
  "RangeError",
  "ReferenceError",
  "Reflect",
  "RegExp",
  "Set",
  "String",
  "Symbol",
  "SyntaxError",
  "TypeError",
  "Uint8Array",
  "Uint8ClampedArray",
  "Uint16Array",
  "Uint32Array",
  "URIError",
  "WeakMap",
  "WeakSet",
  "AggregateError",
  "JSON",
  "TextEncoder",
  "TextDecoder",
  "console",
  "arguments",
]);

/**
 * Property names that lead to the machinery behind a value. (`.constructor` is allowed: after
 * lockdown the chain from any value to `Function` refuses, and debug helpers read
 * `.constructor.name`.)
 */
const FORBIDDEN_PROPERTIES = new Set([
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
    // `/// <reference path=…>` would have the type check read any file on the machine (the lab's
    // solution, say) and quote it in its errors; lab files need none.
    for (const directive of [
      ...file.referencedFiles,
      ...file.typeReferenceDirectives,
      ...file.libReferenceDirectives,
    ]) {
      const { line, character } = file.getLineAndCharacterOfPosition(directive.pos);
      found.push(
        `${sandbox.display(file.fileName)}:${line + 1}:${character + 1}: triple-slash references (\`/// <reference …>\`) are not allowed in lab code; use \`import … from\``,
      );
    }
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
  // `typeof import("x")` in a type: the same rule as `import … from "x"`.
  if (
    ts.isImportTypeNode(node) &&
    ts.isLiteralTypeNode(node.argument) &&
    ts.isStringLiteral(node.argument.literal)
  ) {
    const problem = importProblem(node.argument.literal.text, importer, input);
    if (problem) report(node.argument, problem);
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
  if (ts.isAwaitExpression(node) && !insideFunction(node)) {
    report(
      node,
      "top-level await is not allowed in lab code: a lab file must load without waiting",
    );
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
      (node.text.startsWith("__vitest") || node.text.startsWith("__vite")
        ? "the test framework is off limits"
        : GRANTED_GLOBALS.has(node.text)
          ? undefined
          : "it is not one of the globals lab code is granted (the language's built-ins, console, Date and Math)");
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
    if (target) report(node, changing(target));
    return;
  }
  if (isMutation(node)) {
    const target = mutatedBuiltin(node, sandbox);
    if (target) report(node, changing(target));
  }
}

function changing(target: string): string {
  return target.startsWith(RUNTIME_SPECIFIER)
    ? `changing ${target} is not allowed: the runtime's exports are frozen`
    : `changing the built-in "${target}" is not allowed`;
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
  if (ts.isMetaProperty(parent)) return false;
  if (
    (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) &&
    parent.propertyName === node
  )
    return false;
  // The symbol as written, not resolved through imports: an import binding is the lab's own name.
  const symbol = sandbox.checker.getSymbolAtLocation(node);
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
function withheldSymbols(
  sandbox: SandboxProgram,
  names: readonly string[],
): Map<ts.Symbol, string> {
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

/**
 * The global or `@runtime` export a property chain starts from (`Array` for
 * `Array.prototype.map`, `EventSourcedBehavior` for `EventSourcedBehavior.prototype.x`), if any.
 */
function builtinRoot(expression: ts.Expression, sandbox: SandboxProgram): string | undefined {
  let root: ts.Expression = expression;
  while (
    ts.isPropertyAccessExpression(root) ||
    ts.isElementAccessExpression(root) ||
    ts.isParenthesizedExpression(root) ||
    ts.isAsExpression(root) ||
    ts.isNonNullExpression(root)
  ) {
    root = root.expression;
  }
  if (!ts.isIdentifier(root)) return undefined;
  if (isFreeReference(root, sandbox)) return root.text;
  const symbol = sandbox.checker.getSymbolAtLocation(root);
  const declaration = symbol?.declarations?.[0];
  if (
    symbol &&
    symbol.flags & ts.SymbolFlags.Alias &&
    declaration &&
    importedFrom(declaration) === RUNTIME_SPECIFIER
  ) {
    return `${RUNTIME_SPECIFIER}'s ${root.text}`;
  }
  return undefined;
}

/** The module an import binding comes from. */
function importedFrom(declaration: ts.Declaration): string | undefined {
  let node: ts.Node | undefined = declaration;
  while (node && !ts.isImportDeclaration(node)) node = node.parent;
  return node && ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
}

function insideFunction(node: ts.Node): boolean {
  for (let at = node.parent; at; at = at.parent) {
    if (ts.isFunctionLike(at) || ts.isClassStaticBlockDeclaration(at)) return true;
  }
  return false;
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
