import "ses";

/**
 * Where learner code runs: a SES `Compartment` after `lockdown()`, in the browser's check worker
 * and in the grader's Vitest worker alike. Lockdown freezes every JavaScript intrinsic the
 * worker's own code shares with learner code (`Object.prototype`, `Array.prototype`,
 * `Promise`, …) and makes `Function.prototype.constructor` refuse, so the constructor chain from
 * any value leads nowhere. The compartment's global object holds the language's own built-ins and
 * only what the lab grants: there is no `process`, `self`, `require`, module loader, test runner
 * or assertion library to name, whatever a learner declares, and code built from strings (`new
 * Function`, `eval`) runs in the same compartment, with the same globals.
 *
 * Chai, Vitest and the runtime keep working: they only share the frozen intrinsics, and SES's
 * override taming lets code assign `error.message` or `toString` on its own objects.
 */

interface SesGlobals {
  lockdown(options: Record<string, string>): void;
  harden<T>(value: T): T;
  Compartment: new (options: {
    globals: Record<string, unknown>;
    __options__: true;
  }) => {
    evaluate(code: string, options?: Record<string, boolean>): unknown;
  };
}

const ses = globalThis as unknown as SesGlobals;

/** Freezes the intrinsics once per realm; later calls do nothing. */
export function lockdownOnce(): void {
  if (Object.isFrozen(Object.prototype)) return;
  ses.lockdown({
    // Stack traces keep their frames and line numbers: messages point at the learner's lines.
    errorTaming: "unsafe",
    stackFiltering: "verbose",
    // The host's own console and eval stay as they are; learner code sees neither.
    consoleTaming: "unsafe",
    evalTaming: "unsafe-eval",
    domainTaming: "unsafe",
    overrideTaming: "severe",
    reporting: "none",
  });
}

/** True once `lockdownOnce` ran in this realm. */
export function lockedDown(): boolean {
  return Object.isFrozen(Object.prototype) && typeof ses.Compartment === "function";
}

/**
 * Globals a compartment starts with that lab code is not granted: ways to block the worker
 * (`Atomics.wait`), to run code the grader cannot see (WebAssembly), to disguise an object as
 * another (`Proxy`), and SES's own tools.
 */
export const WITHHELD_GLOBALS = [
  "Proxy",
  "Atomics",
  "SharedArrayBuffer",
  "WebAssembly",
  "lockdown",
  "harden",
  "Compartment",
] as const;

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;
/** Console lines lab code may print in one run. */
export const MAX_CONSOLE_LINES = 2_000;

/** Evaluates a module wrapper (`(function (require, module, exports) {…})`) in a compartment. */
export type Evaluate = (code: string) => unknown;

/**
 * A fresh compartment for one run's lab files. Its globals: the language's built-ins, `Date` and
 * `Math` with their clock and random (command handlers may decide a time or an id), and a console
 * whose lines go wherever the worker's console goes at the moment they are written (the test that
 * is running). Nothing else.
 */
export function labCompartment(): Evaluate {
  lockdownOnce();
  const host = console as unknown as Record<string, (...args: unknown[]) => void>;
  const labConsole: Record<string, (...args: unknown[]) => void> = {};
  // A flood of output must not fill the grader's memory or the results: past the cap, one line
  // says so and the rest is dropped.
  let lines = 0;
  for (const method of CONSOLE_METHODS) {
    labConsole[method] = (...args: unknown[]) => {
      lines += 1;
      if (lines === MAX_CONSOLE_LINES + 1) {
        host.log?.(`… lab code printed more than ${MAX_CONSOLE_LINES} lines; the rest is dropped.`);
      }
      if (lines <= MAX_CONSOLE_LINES) host[method]?.(...args);
    };
  }
  const globals: Record<string, unknown> = {
    console: ses.harden(labConsole),
    Date,
    Math,
  };
  for (const name of WITHHELD_GLOBALS) globals[name] = undefined;
  const compartment = new ses.Compartment({ globals, __options__: true });
  return (code) =>
    compartment.evaluate(code, {
      // SES refuses sources that merely contain `-->`, `<!--` or `import(` (in a comment, say):
      // these rewrite them instead. A real `import()` still cannot run: nothing provides it.
      __evadeHtmlCommentTest__: true,
      __evadeImportExpressionTest__: true,
      // Direct eval in a compartment sees only the compartment: nothing to refuse.
      __rejectSomeDirectEvalExpressions__: false,
    });
}

/**
 * `@runtime` as lab code gets it: every export frozen, with its prototypes and everything they
 * reach, so a submission cannot patch a runtime class (swap in a built-in strategy, switch off a
 * crash); and without the exports the lab withholds. Hardening is done once per runtime object;
 * checks share the frozen classes, which they never patch either.
 */
export function runtimeForLab(runtime: unknown, withheld: readonly string[]): unknown {
  lockdownOnce();
  // A module namespace cannot be frozen itself: its exports are, and lab code gets a copy.
  const exports = runtime as Record<string, unknown>;
  const view: Record<string, unknown> = {};
  // So that `import * as rt` (sucrase's interop) hands over this very object, getters included.
  Object.defineProperty(view, "__esModule", { value: true });
  for (const name of Object.keys(exports)) {
    if (withheld.includes(name)) {
      // Named, so a submission that reaches it anyway is told why, not handed `undefined`.
      Object.defineProperty(view, name, {
        get() {
          throw new ReferenceError(
            `@runtime's "${name}" is withheld in this lab: the lab asks you to write it yourself.`,
          );
        },
        enumerable: false,
      });
    } else {
      view[name] = ses.harden(exports[name]);
    }
  }
  return ses.harden(view);
}

/**
 * Lab files run in a SES compartment (./confine.ts) and get a hardened `@runtime`; editable files
 * get it without the exports the lab withholds, as in the grader.
 */
export function labConfinement(input: {
  runtime?: unknown;
  withheld?: readonly string[];
  editable?: readonly string[];
}): {
  evaluateLab: (code: string) => unknown;
  labExternals: Record<string, unknown>;
  editableExternals: Record<string, unknown>;
} {
  const evaluateLab = labCompartment();
  if (input.runtime === undefined) return { evaluateLab, labExternals: {}, editableExternals: {} };
  return {
    evaluateLab,
    labExternals: { "@runtime": runtimeForLab(input.runtime, []) },
    editableExternals: { "@runtime": runtimeForLab(input.runtime, input.withheld ?? []) },
  };
}

/** `harden` from SES, for values handed to lab code. */
export function harden<T>(value: T): T {
  lockdownOnce();
  return ses.harden(value);
}
