/**
 * A value from lab code, as a check's `expect` sees it. Checks compare what lab code returns as
 * data: lab code must not get to judge itself. So, before any matcher runs:
 *
 * - a value carrying `asymmetricMatch` (own or inherited, anywhere inside) is refused: Vitest's
 *   `equals` would ask it whether it matches, and it could say yes to anything;
 * - an object with its own `Symbol.toPrimitive` is refused: it could become any number or string;
 * - an object that borrows a built-in's tag (`Symbol.toStringTag` "Number", "Date", …) without
 *   being one is refused: `equals` would compare its `valueOf()` instead of its contents;
 * - a getter on a plain object or array is refused: it could answer one way to the check and
 *   another to the matcher (it can read the stack). State and replies are plain data.
 *
 * - a function with a `Symbol.hasInstance` of its own making is refused: `toBeInstanceOf`,
 *   `toThrow(Class)` and `expect.any(Class)` would ask it, and it could claim anything.
 *
 * Everything else is handed over as it is, so `toBe` still compares identities. `Proxy` is not
 * granted to lab code (./confine.ts), so no value here can trap these reads.
 *
 * The expected side of a matcher (`toEqual(b)`) gets the same treatment (`screenExpected`): a
 * check may compare two values from lab code. There, the framework's own asymmetric matchers,
 * which the check's author wrote (`expect.any(Number)`), are let through, and what they carry
 * (`objectContaining(sample)`) is checked like the rest.
 */

export class LabValueRefused extends TypeError {
  override name = "LabValueRefused";
}

/**
 * Objects looked at per `expect`. A value bigger than this is refused rather than compared
 * unchecked: a matcher could hide behind enough padding.
 */
const BUDGET = 100_000;

const SPOOFABLE_TAGS: Record<string, (value: object) => unknown> = {
  "[object Number]": (v) => Number.prototype.valueOf.call(v),
  "[object String]": (v) => String.prototype.valueOf.call(v),
  "[object Boolean]": (v) => Boolean.prototype.valueOf.call(v),
  "[object Date]": (v) => Date.prototype.getTime.call(v),
  "[object RegExp]": (v) => RegExp.prototype.exec.call(v as RegExp, ""),
  "[object Symbol]": (v) => Symbol.prototype.valueOf.call(v),
  "[object BigInt]": (v) => BigInt.prototype.valueOf.call(v),
};

/** The object on `value`'s prototype chain that holds `key`, if any. */
function holderOf(value: object, key: PropertyKey): object | undefined {
  for (let at: object | null = value; at; at = Object.getPrototypeOf(at) as object | null) {
    if (Object.hasOwn(at, key)) return at;
  }
  return undefined;
}

/** True for the test framework's own asymmetric matchers (`expect.any`, `objectContaining`, …). */
export type GenuineMatcher = (value: object) => boolean;

/**
 * Checks `value` and hands it back unchanged, or throws `LabValueRefused` saying why not.
 * `isGenuineMatcher` names the matchers a check's author may put on the expected side.
 */
export function asData(value: unknown, isGenuineMatcher?: GenuineMatcher): unknown {
  const seen = new Set<object>();
  let budget = BUDGET;

  const visit = (v: unknown, path: string): unknown => {
    if ((typeof v !== "object" && typeof v !== "function") || v === null) return v;
    if (seen.has(v)) return v;
    if (budget-- <= 0) {
      throw new LabValueRefused(
        `the value holds more than ${BUDGET} objects: too many to check as data before comparing.`,
      );
    }
    seen.add(v);
    if ("asymmetricMatch" in v) {
      if (isGenuineMatcher?.(v)) {
        visit((v as { sample?: unknown }).sample, `${path} (the matcher's sample)`);
        return v;
      }
      throw new LabValueRefused(
        `${path} has an "asymmetricMatch" method: checks compare values from lab code as data and do not let them decide whether they match.`,
      );
    }
    if (typeof v === "function") {
      const claims = holderOf(v, Symbol.hasInstance);
      if (claims && claims !== Function.prototype) {
        throw new LabValueRefused(
          `${path} has a Symbol.hasInstance of its own, so it could claim any value as an instance: checks compare values from lab code as data.`,
        );
      }
      return v;
    }
    const converts = holderOf(v, Symbol.toPrimitive);
    if (converts && converts !== Date.prototype && converts !== Symbol.prototype) {
      throw new LabValueRefused(
        `${path} has a Symbol.toPrimitive method, so it could turn into whatever it is compared with: checks compare values from lab code as data.`,
      );
    }
    const tag = Object.prototype.toString.call(v);
    const genuine = SPOOFABLE_TAGS[tag];
    if (genuine) {
      try {
        genuine(v);
      } catch {
        throw new LabValueRefused(
          `${path} claims to be a ${tag.slice(8, -1)} (Symbol.toStringTag) without being one: checks compare values from lab code as data.`,
        );
      }
      return v;
    }
    // Vitest's equals walks the entries of Maps and Sets too.
    if (v instanceof Map) {
      for (const [key, inner] of v) {
        visit(key, `${path} key`);
        visit(inner, `${path}.get(…)`);
      }
    } else if (v instanceof Set) {
      for (const inner of v) visit(inner, `${path} member`);
    }
    const prototype = Object.getPrototypeOf(v) as object | null;
    const plain =
      prototype === null || prototype === Object.prototype || prototype === Array.prototype;
    for (const key of Reflect.ownKeys(v)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(v, key);
      if (!descriptor?.enumerable) continue;
      const label = `${path}${typeof key === "symbol" ? `[${String(key)}]` : `.${key}`}`;
      if (!("value" in descriptor)) {
        if (!plain) continue;
        throw new LabValueRefused(
          `${label} is a getter: checks compare values from lab code as data, so state and replies hold plain values.`,
        );
      }
      visit(descriptor.value, label);
    }
    return v;
  };

  return visit(value, "the value");
}

/**
 * `assertion` (what `expect(value)` returns), whose matchers check their arguments with `asData`
 * before they run: `expect(a).toEqual(b)` with `b` from lab code must not let `b` decide. Chains
 * (`.not`, `.resolves`) are screened the same way; a matcher's promise is handed back as it is.
 */
export function screenExpected<T extends object>(assertion: T, genuine: GenuineMatcher): T {
  const targets = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return value;
    if (typeof (value as { then?: unknown }).then === "function") return value;
    const proxy = new Proxy(value, {
      get: (target, key) => wrap(Reflect.get(target, key, target)),
      apply: (target, self, args: unknown[]) => {
        for (const arg of args) asData(arg, genuine);
        const receiver =
          (typeof self === "object" || typeof self === "function") && self !== null
            ? (targets.get(self) ?? self)
            : self;
        return wrap(Reflect.apply(target as (...a: unknown[]) => unknown, receiver, args));
      },
    });
    targets.set(proxy, value);
    return proxy;
  };
  return wrap(assertion) as T;
}
