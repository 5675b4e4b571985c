import { type VersionOrder, VersionVector } from "../ddata/version-vector";

/**
 * How two gossip versions relate: Akka's name on the cluster side for {@link VersionOrder}.
 */
export type ClockOrder = VersionOrder;

/**
 * The gossip version, under the name Akka's cluster gives it. It is the very same class as
 * ddata's {@link VersionVector} (one implementation serves both): each node that changes the
 * membership increments its own entry, so two gossips can be ordered, or found concurrent and
 * merged, and a removed member's entry is pruned.
 *
 * @example Ordering gossip versions
 * ```ts
 * const a = VectorClock.empty.increment("node-1#7");
 * const b = a.increment("node-2#9");
 * a.compare(b); // "before"
 * b.compare(a.increment("node-3#4")); // "concurrent"
 * ```
 */
export const VectorClock = VersionVector;
/** The gossip version type: {@link VersionVector} under Akka's cluster name. */
export type VectorClock = VersionVector;
