import os
ROOT='/work/grader-trust/src/grader/fixtures'
bank=open('/work/grader-trust/labs/bank-account/starter/account.ts').read()
split=open('/work/grader-trust/labs/split-brain/starter/downing.ts').read()
WITHDREW='      // Task 1: a withdrawal should lower the balance.\n      return account;'
assert WITHDREW in bank
def write(kind, name, fname, text):
    d=os.path.join(ROOT,kind,name); os.makedirs(d,exist_ok=True)
    open(os.path.join(d,fname),'w').write(text)
def pre(name, comment, code, fname='account.ts', base=None):
    base = base if base is not None else (split if fname=='downing.ts' else bank)
    write('tamper', name, fname, f"// Tamper: {comment}\n{code.strip()}\n\n{base}")
def withdrew(name, comment, expr, top=''):
    body=bank.replace(WITHDREW, f"      // Tamper: {comment}\n      {expr}")
    write('tamper', name, 'account.ts', (top.strip()+"\n\n" if top else '')+body)

# --- routes from the issue ---
pre('ambient-globalthis-matchers', 'declare the global object ambiently (the old policy only asked whether a name was declared), then make every matcher pass.', '''
declare const globalThis: Record<symbol, { matchers: Record<string, unknown> } | undefined>;
const matchers = globalThis[Symbol.for("$$jest-matchers-object")]?.matchers ?? {};
for (const name of Object.keys(matchers)) matchers[name] = () => ({ pass: true, message: () => "" });''')
pre('ambient-globalthis-chai', 'declare the global object ambiently and turn chai\'s assertions into no-ops.', '''
declare const globalThis: { chai?: { Assertion: { prototype: Record<string, unknown> } } };
const assertion = globalThis.chai?.Assertion.prototype;
if (assertion) assertion.assert = () => undefined;''')
pre('ambient-process-exit', 'an ambient `declare const process` to reach process.exit before any check fails.', '''
declare const process: { exit(code: number): never };
process.exit(0);''')
pre('ambient-require-fs', 'an ambient `declare const require` to load node:fs and copy the solution in.', '''
declare const require: (id: string) => { readFileSync(path: string, encoding: string): string };
const solution = require("node:fs").readFileSync("../../labs/bank-account/solution/account.ts", "utf8");
console.log(solution.length);''')
pre('ambient-vitest-hooks', 'reach Vitest\'s per-test hooks through an ambient name and rewrite every result to pass.', '''
declare const __vitest_worker__: { current?: { result?: { state: string; errors?: unknown[] } } } | undefined;
declare const afterEach: (fn: () => void) => void;
afterEach(() => {
  const result = __vitest_worker__?.current?.result;
  if (result) {
    result.state = "pass";
    result.errors = undefined;
  }
});''')
pre('ssr-dynamic-import', 'load the reference solution through the test runner\'s module loader, named ambiently.', '''
declare const __vite_ssr_dynamic_import__: (id: string) => Promise<Record<string, unknown>>;
export const solutionLoading = __vite_ssr_dynamic_import__("/work/grader-trust/labs/bank-account/solution/account.ts");''')
withdrew('asymmetric-match', 'an object that answers "yes" to every toEqual.', 'return { balance: account.balance, asymmetricMatch: () => true } as Account;')
withdrew('asymmetric-match-class', 'the same matcher hidden on a class prototype.', 'return new Agreeable(account.balance);', top='''
class Agreeable {
  constructor(readonly balance: number) {}
  asymmetricMatch(): boolean {
    return true;
  }
}''')
pre('patch-runtime-prototype', 'patch a runtime class\'s prototype so that the events a command persists never reach the handler.', '''
import { EventSourcedBehavior as Behavior } from "@runtime";
(Behavior.prototype as unknown as Record<string, unknown>).withRetention = function (this: unknown) {
  return this;
};''')
pre('patch-runtime-static', 'replace a runtime function (Effect.persist) with one that always replies "ok".', '''
import { Effect as RuntimeEffect } from "@runtime";
(RuntimeEffect as unknown as Record<string, unknown>).none = RuntimeEffect.persist;''')
pre('patch-runtime-instance-prototype', 'reach a runtime class\'s prototype from one of its values, which names nothing the policy knows, and switch off its replies.', '''
import { Effect as E } from "@runtime";
const builder = Object.getPrototypeOf(E.none()) as Record<string, unknown>;
builder.thenReply = function (this: unknown) {
  return this;
};''')
pre('kill-parent', 'kill the grader\'s Vitest child (the old route to "could not grade").', '''
declare const process: { kill(pid: number, signal?: string): void; ppid: number };
process.kill(process.ppid, "SIGKILL");''')
pre('signal-self', 'send the worker a signal, hoping a dead worker reads as nothing failed.', '''
declare const process: { kill(pid: number, signal?: string): void; pid: number };
process.kill(process.pid, "SIGTERM");''')
# --- more ---
withdrew('proxy-trap', 'a Proxy that claims to hold whatever a matcher asks for.', '''return new Proxy({} as Account, {
        get: (_t, key) => (key === "asymmetricMatch" ? () => true : 70),
        has: () => true,
      });''')
withdrew('getter-trap', 'a getter that answers the right balance only to the matcher (it reads the stack).', '''return {
        get balance() {
          return /equals|toEqual/.test(new Error().stack ?? "") ? account.balance - event.amount : account.balance;
        },
      };''')
withdrew('to-primitive', 'a balance that turns into whatever number it is compared with.', '''return { balance: { [Symbol.toPrimitive]: () => account.balance - event.amount } as unknown as number };''')
withdrew('tostringtag-spoof', 'an object that says it is a Number, so equals compares its valueOf.', '''return { [Symbol.toStringTag]: "Number", valueOf: () => 45 } as unknown as Account;''')
pre('pollute-object-prototype', 'put a matcher on Object.prototype, so every object matches.', '''
Object.prototype.asymmetricMatch = () => true;
declare global {
  interface Object {
    asymmetricMatch(): boolean;
  }
}''')
pre('pollute-via-getprototypeof', 'pollute Object.prototype through a value, which names no built-in.', '''
const root = Object.getPrototypeOf({}) as Record<string, unknown>;
root.asymmetricMatch = () => true;''')
pre('reflect-constructor-chain', 'reach Function through Reflect and a computed name, which the policy cannot read.', '''
const name = ["constr", "uctor"].join("");
const FunctionCtor = Reflect.get(Reflect.getPrototypeOf(() => 0) as object, name) as (code: string) => () => unknown;
const host = FunctionCtor("return this")() as { process?: { exit(code: number): never } };
host.process?.exit(0);''')
pre('async-function-constructor', 'build code from a string with the AsyncFunction constructor.', '''
const key = `con${"structor"}`;
const AsyncFunction = Reflect.get(Reflect.getPrototypeOf(async () => {}) as object, key) as (code: string) => () => Promise<unknown>;
void AsyncFunction("return process.exit(0)")();''')
pre('generator-function-constructor', 'build code from a string with the GeneratorFunction constructor.', '''
const key = `con${"structor"}`;
const GeneratorFunction = Reflect.get(Reflect.getPrototypeOf(function* () {}) as object, key) as (code: string) => () => Iterator<unknown>;
GeneratorFunction("yield process.exit(0)")().next();''')
pre('new-function-global', 'new Function("return this") to get the global object.', '''
const host = new Function("return this")() as { process?: { exit(code: number): never } };
host.process?.exit(0);''')
pre('indirect-eval', 'indirect eval, which runs in the global scope.', '''
const run = eval;
run("process.exit(0)");''')
pre('import-meta', 'find the sandbox through import.meta and read what lies next to it.', '''
export const whereAmI = import.meta.url;''')
pre('webassembly', 'run code the grader cannot read, as WebAssembly.', '''
export const compiled = WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));''')
pre('atomics-wait', 'block the worker at import with Atomics.wait, so no check ever reports.', '''
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);''')
pre('top-level-await-forever', 'a top-level await that never resolves, so the lab file never loads.', '''
await new Promise(() => {});''')
pre('patch-timers', 'replace setTimeout so that Vitest\'s per-test timeout never fires.', '''
declare let setTimeout: (fn: () => void, ms: number) => number;
setTimeout = () => 0;''')
pre('patch-promise', 'replace Promise.prototype.then, which the runner awaits, with one that resolves to nothing.', '''
Promise.prototype.then = function () {
  return this;
} as typeof Promise.prototype.then;''')
pre('patch-promise-via-value', 'reach Promise.prototype through a value and replace then.', '''
const proto = Object.getPrototypeOf(Promise.resolve()) as Record<string, unknown>;
proto.then = () => undefined;''')
pre('patch-error-stack', 'set Error.prepareStackTrace to collect the callers\' `this` (the runner\'s objects).', '''
(Error as unknown as Record<string, unknown>).prepareStackTrace = (_e: unknown, frames: { getThis(): unknown }[]) =>
  frames.map((f) => f.getThis());''')
pre('patch-date-math', 'freeze time and randomness for everyone by patching Date.now and Math.random.', '''
Date.now = () => 0;
Math.random = () => 0.5;''')
pre('heap-bomb', 'fill the worker\'s heap at import until it dies.', '''
const hoard: number[][] = [];
for (;;) hoard.push(new Array(20_000_000).fill(7));''')
withdrew('console-flood', 'print millions of lines from a handler to drown the report.', '''for (let i = 0; i < 5_000; i++) console.log(`PASS ✓ checks/handlers.test.ts line ${i}`);
      return account;''')
pre('forge-start-mark', 'forge the stderr line that names a starting check.', '''
console.error(`\\u0000lab-grader:test-start ${JSON.stringify("everything passed")}`);''')
pre('forge-results-cwd', 'write a passing results.json in the working folder and the output folder, through an ambient require.', '''
declare const require: (id: string) => { writeFileSync(path: string, text: string): void };
const forged = JSON.stringify({ version: 3, status: "pass", tests: [] });
for (const path of ["results.json", "../results.json", "../../out/results.json", "../../../results.json"]) {
  try {
    require("node:fs").writeFileSync(path, forged);
  } catch {
    // Keep going.
  }
}''')
pre('reach-loader-slot', 'find the grader\'s lab loader on the global object and swap a module.', '''
const slot = (globalThis as unknown as Record<symbol, ((path: string) => Record<string, unknown>) | undefined>)[
  Symbol.for("lab-grader.lab-modules")
];
export const loaded = slot?.("account.ts");''')
pre('compartment-globals', 'look for the host among the compartment\'s own globals (harden, Compartment, lockdown).', '''
declare const Compartment: new (options: object) => { evaluate(code: string): unknown };
export const escaped = new Compartment({}).evaluate("typeof process");''')
# split-brain: withheld exports
pre('split-brain.use-decide', 'answer with the runtime\'s own keep-majority, which the lab withholds.', '''
import { decide } from "@runtime";
export const builtIn = (view: Parameters<typeof decide>[1]) => decide({ kind: "keep-majority" }, view);''', fname='downing.ts')
pre('split-brain.namespace-decide', 'reach the withheld decide through a namespace import and a computed name.', '''
import * as rt from "@runtime";
const name = ["de", "cide"].join("");
export const builtIn = (rt as unknown as Record<string, unknown>)[name];''', fname='downing.ts')
# keep split-brain attacks wired: replace keepMajority body with builtIn
for n in ['split-brain.use-decide']:
    p=os.path.join(ROOT,'tamper',n,'downing.ts'); s=open(p).read()
    s=s.replace('''  // Decides nothing, like Akka without a downing provider.
  void view;
  return undefined;''','''  return builtIn(view);''')
    open(p,'w').write(s)
p=os.path.join(ROOT,'tamper','split-brain.namespace-decide','downing.ts'); s=open(p).read()
s=s.replace('''  // Decides nothing, like Akka without a downing provider.
  void view;
  return undefined;''','''  return (builtIn as (c: object, v: ResolverView) => Decision | undefined)({ kind: "keep-majority" }, view);''')
open(p,'w').write(s)

sol=open('/work/grader-trust/labs/bank-account/solution/account.ts').read()
EH='''export function eventHandler(account: Account, event: Event): Account {
  switch (event.type) {
    case "deposited":
      return { balance: account.balance + event.amount };
    case "withdrew":
      return { balance: account.balance - event.amount };
  }
}'''
assert EH in sol
a=sol.replace(EH,'''// Correct, in an unusual style: `Function` as a type, `.constructor.name` in a debug helper, and
// comments that mention --> arrows, import("x") and eval(…), which a sandbox must not mistake for code.

/** Debug helper: what kind of value this is ("Object", "Array", "Map" …). */
export function kindOf(value: unknown): string {
  if (value === null || typeof value !== "object") return typeof value;
  return (value as object).constructor.name;
}

/** Event type --> how it changes the balance. */
const applyByType: Record<Event["type"], Function> = {
  deposited: (balance: number, amount: number) => balance + amount,
  withdrew: (balance: number, amount: number) => balance - amount,
};

export function eventHandler(account: Account, event: Event): Account {
  const apply = applyByType[event.type] as (balance: number, amount: number) => number;
  if (kindOf(account) !== "Object") console.log(`unexpected state: ${kindOf(account)}`);
  return { balance: apply(account.balance, event.amount) };
}''')
write('correct','function-type-and-debug-helper','account.ts',a)
b=sol.replace(EH,'''// Correct, in an unusual style: a class with a getter and a private field, a frozen state, a Map
// of signs, and iteration over a generator.

class Balance {
  #cents: number;
  constructor(amount: number) {
    this.#cents = amount * 100;
  }
  get amount(): number {
    return this.#cents / 100;
  }
}

function* steps(event: Event): Generator<number> {
  yield event.type === "deposited" ? event.amount : -event.amount;
}

const sign = new Map<Event["type"], 1 | -1>([
  ["deposited", 1],
  ["withdrew", -1],
]);

export function eventHandler(account: Account, event: Event): Account {
  let next = new Balance(account.balance).amount;
  for (const step of steps(event)) next += step * 0 + (sign.get(event.type) ?? 0) * Math.abs(step);
  return Object.freeze({ balance: next });
}''')
write('correct','class-getter-generator','account.ts',b)
withdrew('asymmetric-match-deep', 'hide the matcher behind more padding than a checker might walk.', '''return {
        pad: Array.from({ length: 150_000 }, () => ({})),
        balance: { asymmetricMatch: () => true } as unknown as number,
      } as Account;''')
withdrew('callee-caller', "climb the call stack to the runner's functions through arguments.callee.caller.", '''const caller = (function (this: unknown) {
        // biome-ignore lint/complexity/noArguments: the attack
        return (arguments as unknown as { callee: { caller: unknown } }).callee.caller;
      })();
      return { balance: caller ? 70 : account.balance };''')
withdrew('hostile-thrown-error', 'throw an object whose message and stack throw when the runner reads them.', '''throw {
        get message(): string {
          throw new Error("message unavailable");
        },
        get stack(): string {
          throw new Error("stack unavailable");
        },
      };''')
