/**
 * A value from lab code, as a check's `expect` sees it. Checks compare what lab code returns as
 * data: lab code must not get to judge itself. So, before any matcher runs:
 *
 * - a value carrying `asymmetricMatch` (own or inherited, anywhere inside) is refused: Vitest's
 *   `equals` would ask it whether it matches, and it could say yes to anything;
 * - an object with its own `Symbol.toPrimitive` is refused: it could become any number or string;
 * - an object that borrows a built-in's tag (`Symbol.toStringTag` "Number", "Date", …) without
 *   being one is refused: `equals` would compare its `valueOf()` instead of its contents;
 * - getters on plain objects and arrays are read once, here, into a data copy, so a getter
 *   cannot answer one way to the check and another way to the matcher.
 *
 * Everything else is handed over as it is, so `toBe` still compares identities. `Proxy` is not
 * granted to lab code (./confine.ts), so no value here can trap these reads.
 */

export class LabValueRefused extends TypeError {
  override name = "LabValueRefused";
}

/** Objects looked at per `expect` before giving up on looking deeper (a whole simulation, say). */
const BUDGET = 50_000;

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
    if (Object.prototype.hasOwnProperty.call(at, key)) return at;
  }
  return undefined;
}

export function asData(value: unknown): unknown {
  const copies = new Map<object, unknown>();
  let budget = BUDGET;

  const visit = (v: unknown, path: string): unknown => {
    if ((typeof v !== "object" && typeof v !== "function") || v === null) return v;
    if (copies.has(v)) return copies.get(v);
    if (budget-- <= 0) return v;
    // Until it is known whether this one needs a copy, cycles lead back to the original.
    copies.set(v, v);
    if ("asymmetricMatch" in v) {
      throw new LabValueRefused(
        `${path} has an "asymmetricMatch" method: checks compare values from lab code as data and do not let them decide whether they match.`,
      );
    }
    if (typeof v === "function") return v;
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
    const prototype = Object.getPrototypeOf(v) as object | null;
    const plain =
      prototype === null || prototype === Object.prototype || prototype === Array.prototype;
    let changed = false;
    const entries: [PropertyKey, unknown][] = [];
    for (const key of Reflect.ownKeys(v)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(v, key);
      if (!descriptor?.enumerable) continue;
      const label = `${path}${typeof key === "symbol" ? `[${String(key)}]` : `.${key}`}`;
      if (!("value" in descriptor)) {
        if (!plain) continue;
        // A getter on plain data: read once, here, and compare what it gave.
        changed = true;
        entries.push([key, visit((v as Record<PropertyKey, unknown>)[key], label)]);
        continue;
      }
      const inner = visit(descriptor.value, label);
      if (inner !== descriptor.value) changed = true;
      entries.push([key, inner]);
    }
    if (!changed || !plain) return v;
    const copy = (Array.isArray(v) ? [] : Object.create(prototype)) as Record<PropertyKey, unknown>;
    for (const [key, inner] of entries) copy[key] = inner;
    copies.set(v, copy);
    return copy;
  };

  return visit(value, "the value");
}
