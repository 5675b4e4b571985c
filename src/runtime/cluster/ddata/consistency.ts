/**
 * How many replicas an update must reach, or a read must hear from, before it answers.
 *
 * - `local`: this replica alone; the value spreads later by gossip.
 * - `majority`: `floor(N / 2) + 1` of the N members, this one included. A majority write and a
 *   majority read always share a replica (R + W > N), so the read sees the write.
 * - `all`: every member; one unreachable member makes it time out.
 *
 * Majority and all give up after `timeoutMs`. A write that times out is not undone: it stays on
 * the replicas it reached and still spreads by gossip.
 */
export type Consistency =
  | { readonly level: "local" }
  | { readonly level: "majority" | "all"; readonly timeoutMs: number };

/** The consistency of an update. */
export type WriteConsistency = Consistency;
/** The consistency of a read. */
export type ReadConsistency = Consistency;

function withTimeout(level: "majority" | "all", timeoutMs: number, name: string): Consistency {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`${name}: the timeout must be a positive number of ms, got ${timeoutMs}`);
  }
  return { level, timeoutMs };
}

/** Write to this replica only. @example replicator.update(Hits, GCounter.empty, inc, writeLocal) */
export const writeLocal: WriteConsistency = { level: "local" };
/** Read this replica only. @example replicator.get(Hits, readLocal, onReply) */
export const readLocal: ReadConsistency = { level: "local" };

/**
 * Write to a majority of members within `timeoutMs`.
 * @example replicator.update(Cart, ORSet.empty(), add, writeMajority(3_000), onReply)
 */
export const writeMajority = (timeoutMs: number): WriteConsistency =>
  withTimeout("majority", timeoutMs, "writeMajority");
/**
 * Read from a majority of members within `timeoutMs` and merge what they hold.
 * @example replicator.get(Cart, readMajority(3_000), onReply)
 */
export const readMajority = (timeoutMs: number): ReadConsistency =>
  withTimeout("majority", timeoutMs, "readMajority");
/** Write to every member within `timeoutMs`. @example writeAll(5_000) */
export const writeAll = (timeoutMs: number): WriteConsistency =>
  withTimeout("all", timeoutMs, "writeAll");
/** Read from every member within `timeoutMs`. @example readAll(5_000) */
export const readAll = (timeoutMs: number): ReadConsistency =>
  withTimeout("all", timeoutMs, "readAll");

/**
 * The number of replicas, this one included, that must take part for `consistency` in a cluster
 * of `clusterSize` members. Throws naming the field if `consistency` is malformed.
 */
export function quorumSize(consistency: Consistency, clusterSize: number): number {
  switch (consistency?.level) {
    case "local":
      return 1;
    case "majority":
    case "all": {
      const { timeoutMs } = consistency;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
        throw new RangeError(`consistency.timeoutMs: expected a positive number, got ${timeoutMs}`);
      }
      return consistency.level === "all" ? clusterSize : Math.floor(clusterSize / 2) + 1;
    }
    default:
      throw new TypeError(
        `consistency.level: expected "local", "majority" or "all", got ${JSON.stringify(
          (consistency as { level?: unknown } | undefined)?.level,
        )}`,
      );
  }
}
