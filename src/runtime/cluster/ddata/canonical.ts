/**
 * JSON data as replicated values may hold it: what survives a trip through a Web Worker's
 * `postMessage` and `JSON.stringify` unchanged.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * Throws a `TypeError` naming the path (`value.items[2].at`) if `value` is not JSON data: no
 * `undefined`, functions, `NaN`/`Infinity`, class instances (Map, Date) or cycles. Replicated
 * values cross the network as JSON, so anything else would arrive changed or not at all.
 */
export function assertJson(value: unknown, path: string, seen = new Set<object>()): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a finite number`);
    return;
  }
  if (typeof value !== "object") {
    throw new TypeError(`${path}: a ${typeof value} is not JSON data`);
  }
  if (seen.has(value)) throw new TypeError(`${path}: the value contains a cycle`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertJson(item, `${path}[${i}]`, seen);
    });
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw new TypeError(`${path}: a ${name} is not plain JSON data; use arrays and objects`);
    }
    for (const [k, v] of Object.entries(value)) assertJson(v, `${path}.${k}`, seen);
  }
  seen.delete(value);
}

/**
 * `JSON.stringify` with object keys sorted at every level, so equal data gives equal text
 * whatever order its keys were inserted in. Digests and tie-breaks are computed from it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

/**
 * A 53-bit digest of a string (cyrb53), as base-36 text. Gossip compares digests rather than
 * whole values; at 53 bits a collision that would hide a difference is not a practical concern
 * for the few thousand keys a workshop cluster holds.
 */
export function digest(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Code-unit order for strings: the same on every engine and locale, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
