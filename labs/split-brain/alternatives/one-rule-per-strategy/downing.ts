import { compareNodes, type Decision, nodeKey, type ResolverView } from "@runtime";

/** The two sides of a view, as node keys (`node-3#1234`), each in address order. */
export interface Sides {
  readonly reachable: readonly string[];
  readonly unreachable: readonly string[];
}

/** What a strategy looks at: both sides, and the key of the lowest member that counts. */
interface Tally extends Sides {
  readonly lowest: string | undefined;
}

const COUNTS = new Set(["up", "leaving"]);

function tally(view: ResolverView): Tally {
  const keys = view.members
    .filter((m) => COUNTS.has(m.status))
    .sort((a, b) => compareNodes(a.node, b.node))
    .map((m) => nodeKey(m.node));
  return {
    reachable: keys.filter((k) => !view.unreachable.has(k)),
    unreachable: keys.filter((k) => view.unreachable.has(k)),
    lowest: keys[0],
  };
}

/** The sides, and the lowest member that counts: more than the task asks for. */
export const sides = (view: ResolverView): Tally => tally(view);

/** A strategy is one question: does this side stay? The answer becomes the decision. */
const strategy =
  (stays: (t: Tally) => boolean | "nobody") =>
  (view: ResolverView): Decision => {
    const answer = stays(tally(view));
    if (answer === "nobody") return { kind: "down-all" };
    return { kind: answer ? "down-unreachable" : "down-reachable" };
  };

export const keepMajority = strategy(({ reachable, unreachable, lowest }) => {
  if (reachable.length !== unreachable.length) return reachable.length > unreachable.length;
  return lowest === undefined ? "nobody" : reachable.includes(lowest);
});

export function staticQuorum(quorumSize: number): (view: ResolverView) => Decision | undefined {
  return strategy(({ reachable, unreachable }) =>
    reachable.length + unreachable.length > quorumSize * 2 - 1
      ? "nobody"
      : reachable.length >= quorumSize,
  );
}
