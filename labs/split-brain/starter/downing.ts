import { type Decision, nodeKey, type ResolverView } from "@runtime";

/** The two sides of a view, as node keys (`node-3#1234`), each in address order. */
export interface Sides {
  readonly reachable: readonly string[];
  readonly unreachable: readonly string[];
}

/** Task 1: split the members that count into the two sides. */
export function sides(view: ResolverView): Sides {
  // Every member counts, in whatever order the view lists them. Is that right?
  const keys = view.members.map((m) => nodeKey(m.node));
  return {
    reachable: keys.filter((k) => !view.unreachable.has(k)),
    unreachable: keys.filter((k) => view.unreachable.has(k)),
  };
}

/** Tasks 2 and 3: keep the bigger side; on a tie, the side with the lowest address. */
export function keepMajority(view: ResolverView): Decision | undefined {
  // Decides nothing, like Akka without a downing provider.
  void view;
  return undefined;
}

/** Task 4: keep the side that has at least `quorumSize` members. */
export function staticQuorum(quorumSize: number): (view: ResolverView) => Decision | undefined {
  void quorumSize;
  return () => undefined;
}
