import type { Decision, Member, ResolverView } from "@runtime";

/** The two sides of a view, as node keys (`node-3#1234`), each in address order. */
export interface Sides {
  readonly reachable: readonly string[];
  readonly unreachable: readonly string[];
}

const keyOf = (m: Member) => `${m.node.address}#${m.node.uid}`;

/** `node-12` → ["node-", 12]: the address with its trailing number read as a number. */
function addressParts(address: string): [string, number] {
  const match = /^(.*?)(\d+)$/.exec(address);
  return match ? [match[1] as string, Number(match[2])] : [address, -1];
}

function byAddress(a: Member, b: Member): number {
  const [prefixA, numberA] = addressParts(a.node.address);
  const [prefixB, numberB] = addressParts(b.node.address);
  if (prefixA !== prefixB) return prefixA < prefixB ? -1 : 1;
  if (numberA !== numberB) return numberA - numberB;
  return a.node.uid - b.node.uid;
}

/** Members that count, lowest address first. */
function counting(view: ResolverView): Member[] {
  const result: Member[] = [];
  for (const m of view.members) if (m.status === "up" || m.status === "leaving") result.push(m);
  return result.sort(byAddress);
}

export function sides(view: ResolverView): Sides {
  const reachable: string[] = [];
  const unreachable: string[] = [];
  for (const m of counting(view)) {
    const key = keyOf(m);
    (view.unreachable.has(key) ? unreachable : reachable).push(key);
  }
  return { reachable, unreachable };
}

const STAY: Decision = { kind: "down-unreachable" };
const GO: Decision = { kind: "down-reachable" };

export function keepMajority(view: ResolverView): Decision | undefined {
  const { reachable, unreachable } = sides(view);
  if (reachable.length !== unreachable.length)
    return reachable.length > unreachable.length ? STAY : GO;
  const lowest = counting(view)[0];
  if (!lowest) return { kind: "down-all" };
  return view.unreachable.has(keyOf(lowest)) ? GO : STAY;
}

export function staticQuorum(quorumSize: number): (view: ResolverView) => Decision | undefined {
  return (view) => {
    const { reachable, unreachable } = sides(view);
    const members = reachable.length + unreachable.length;
    if (members >= 2 * quorumSize) return { kind: "down-all" };
    return reachable.length < quorumSize ? GO : STAY;
  };
}
