import { type Decision, type Member, nodeKey, type ResolverView } from "@runtime";

/** The two sides of a view, as node keys (`node-3#1234`), each in address order. */
export interface Sides {
  readonly reachable: readonly string[];
  readonly unreachable: readonly string[];
}

/**
 * Members that count in a decision: up or leaving. Joining and weakly-up members may not be
 * known on the other side yet; down and exiting members are on their way out.
 */
function counted(view: ResolverView): Member[] {
  return view.members
    .filter((m) => m.status === "up" || m.status === "leaving")
    .sort((a, b) => a.node.address.localeCompare(b.node.address));
}

export function sides(view: ResolverView): Sides {
  const keys = counted(view).map((m) => nodeKey(m.node));
  return {
    reachable: keys.filter((k) => !view.unreachable.has(k)),
    unreachable: keys.filter((k) => view.unreachable.has(k)),
  };
}

export function keepMajority(view: ResolverView): Decision | undefined {
  const { reachable, unreachable } = sides(view);
  if (reachable.length > unreachable.length) return { kind: "down-unreachable" };
  if (reachable.length < unreachable.length) return { kind: "down-reachable" };
  // A tie: both sides see the same lowest address, and only one side can reach it.
  const lowest = counted(view)[0];
  if (lowest === undefined) return { kind: "down-all" };
  return view.unreachable.has(nodeKey(lowest.node))
    ? { kind: "down-reachable" }
    : { kind: "down-unreachable" };
}

export function staticQuorum(quorumSize: number): (view: ResolverView) => Decision | undefined {
  return (view) => {
    const { reachable, unreachable } = sides(view);
    // Two sides of this size could both reach the quorum: nothing is safe to keep.
    if (reachable.length + unreachable.length > quorumSize * 2 - 1) return { kind: "down-all" };
    return reachable.length >= quorumSize
      ? { kind: "down-unreachable" }
      : { kind: "down-reachable" };
  };
}
