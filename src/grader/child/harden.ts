/**
 * Vitest setup file for the worker that runs a submission. It runs before any check file, and so
 * before any learner file, is imported. The static policy (../policy.ts) already refuses code that
 * names the global object or builds functions from strings; this closes the same doors at run
 * time, and freezes the built-ins, so that no learner code can:
 *
 * - reach the global object (and through it `process`, Vitest's worker state or its RPC) by
 *   building a function from a string: `[].constructor.constructor("return this")()`;
 * - make a failing assertion pass by patching a built-in that `expect` or a check relies on:
 *   `Object.is = () => true`, `Array.prototype.every = …`.
 *
 * It is idempotent: with `isolate: false` Vitest runs it once per check file in the same worker.
 */

import { writeSync } from "node:fs";
import { beforeEach } from "vitest";

const MARK = Symbol.for("lab-grader.hardened");
const realm = globalThis as unknown as Record<PropertyKey, unknown>;

function refuse(what: string): never {
  throw new EvalError(`${what} is not allowed in lab code.`);
}

/** `Function`, `eval` and the constructors of async and generator functions, made to refuse. */
function tameCodeFromStrings(): void {
  const prototypes = [
    Function.prototype,
    Object.getPrototypeOf(async () => {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ] as object[];
  for (const prototype of prototypes) {
    const tamed = function refusedFunction() {
      refuse("Building a function from a string");
    };
    // `instanceof` and `.prototype` keep working for code that only inspects functions.
    Object.defineProperty(tamed, "prototype", { value: prototype });
    Object.defineProperty(prototype, "constructor", { value: tamed, writable: false });
    if (prototype === Function.prototype) {
      Object.defineProperty(realm, "Function", { value: tamed, writable: false });
    }
  }
  Object.defineProperty(realm, "eval", {
    value: function evalRefused() {
      refuse("eval");
    },
    writable: false,
  });
}

/**
 * Properties that ordinary code assigns on its own objects although a built-in prototype has them
 * (`error.message = …`, `obj.toString = …`). Freezing the prototype would make those assignments
 * throw, so these become accessors that define the property on the object assigned to instead,
 * the way SES "override taming" does.
 */
const OVERRIDABLE = [
  "constructor",
  "toString",
  "valueOf",
  "toLocaleString",
  "toJSON",
  "name",
  "message",
  "stack",
  "cause",
];

function freezeBuiltins(): void {
  const names = [
    "Object",
    "Function",
    "Array",
    "String",
    "Number",
    "Boolean",
    "Symbol",
    "BigInt",
    "Math",
    "JSON",
    "Reflect",
    "Promise",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "WeakRef",
    "Date",
    "RegExp",
    "Error",
    "TypeError",
    "RangeError",
    "SyntaxError",
    "ReferenceError",
    "EvalError",
    "URIError",
    "AggregateError",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "Intl",
    "Atomics",
    "Iterator",
    "Proxy",
    "structuredClone",
    "queueMicrotask",
  ];
  const seen = new Set<object>();
  const typedArray = Object.getPrototypeOf(Int8Array) as object;
  const extra: object[] = [
    typedArray,
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(""[Symbol.iterator]()),
    Object.getPrototypeOf(async () => {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const root of [...names.map((n) => realm[n]), ...extra]) {
    if ((typeof root === "object" || typeof root === "function") && root !== null) {
      harden(root, seen);
    }
  }
  for (const name of names) {
    if (name in realm) Object.defineProperty(realm, name, { writable: false, configurable: false });
  }
}

/** Freezes a built-in, its prototype and its function-valued properties, recursively. */
function harden(root: object, seen: Set<object>): void {
  const queue: object[] = [root];
  while (queue.length > 0) {
    const target = queue.pop() as object;
    if (seen.has(target)) continue;
    seen.add(target);
    for (const key of Reflect.ownKeys(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (!descriptor) continue;
      for (const value of [descriptor.value, descriptor.get, descriptor.set]) {
        if ((typeof value === "object" || typeof value === "function") && value !== null) {
          queue.push(value);
        }
      }
      if (
        "value" in descriptor &&
        typeof key === "string" &&
        OVERRIDABLE.includes(key) &&
        descriptor.configurable
      ) {
        enableOverride(target, key, descriptor.value);
      }
    }
    const prototype = Object.getPrototypeOf(target) as object | null;
    if (prototype) queue.push(prototype);
    if (target === Error) lockExceptStackSettings(target);
    else Object.freeze(target);
  }
}

/**
 * Vitest sets `Error.stackTraceLimit` and `Error.prepareStackTrace` around every check, so those
 * two stay writable; everything else on `Error` is locked. A learner's `prepareStackTrace` could
 * only see the call sites' `this`, which is undefined in the strict code that calls into it.
 */
const STACK_SETTINGS = new Set<PropertyKey>(["stackTraceLimit", "prepareStackTrace"]);

function lockExceptStackSettings(target: object): void {
  for (const key of Reflect.ownKeys(target)) {
    if (STACK_SETTINGS.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor?.configurable) continue;
    Object.defineProperty(
      target,
      key,
      "value" in descriptor ? { writable: false, configurable: false } : { configurable: false },
    );
  }
}

function enableOverride(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    get() {
      return value;
    },
    set(this: object, next: unknown) {
      if (this === target) refuse(`Changing a built-in (${key})`);
      Object.defineProperty(this, key, {
        value: next,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
    enumerable: false,
    configurable: false,
  });
}

/**
 * Names each check on stderr, synchronously, as it starts. Vitest reports test starts in batches
 * that a synchronous infinite loop never lets it send; this line is already out when the loop
 * begins, so a timeout can name the check. It only ever names a check: learner code that forges
 * one changes the timeout message, never a verdict.
 */
export const TEST_START_MARK = "\u0000lab-grader:test-start ";
beforeEach(({ task }) => {
  const names = [task.name];
  for (let suite = task.suite; suite && suite !== task.file; suite = suite.suite) {
    names.unshift(suite.name);
  }
  writeSync(2, `${TEST_START_MARK}${JSON.stringify(names.join(" > "))}\n`);
});

if (!realm[MARK]) {
  Object.defineProperty(realm, MARK, { value: true });
  tameCodeFromStrings();
  freezeBuiltins();
}
