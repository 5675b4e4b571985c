import type { ShardingRecord, TraceRecord } from "@runtime";

/**
 * Turns the cluster's and sharding's trace records into the lines of the demo's "what happened"
 * list. Most records are per observer (each node sees a member go unreachable); the list keeps
 * the first observer's line per change, so three nodes do not say the same thing three times.
 */

export type Tone = "info" | "warn" | "bad" | "ok";

export interface Line {
  readonly at: number;
  readonly text: string;
  readonly tone: Tone;
}

export class Narrator {
  private readonly seen = new Set<string>();

  /** The line for a cluster record, or undefined when it is noise or already said. */
  cluster(r: TraceRecord): Line | undefined {
    switch (r.type) {
      case "nodeCrashed":
        return { at: r.at, text: `${r.node.address} crashed`, tone: "bad" };
      case "nodeStarted":
        return { at: r.at, text: `${r.node.address} started (uid ${r.node.uid})`, tone: "info" };
      case "nodeShutdown":
        return { at: r.at, text: `${r.node.address} shut itself down (${r.reason})`, tone: "warn" };
      case "reachability":
        return this.once(
          `reach:${r.member.address}#${r.member.uid}:${r.reachable}:${r.observer.address}`,
          {
            at: r.at,
            text: r.reachable
              ? `${r.observer.address}: ${r.member.address} is reachable again`
              : `${r.observer.address}: failure detector marks ${r.member.address} unreachable`,
            tone: r.reachable ? "ok" : "warn",
          },
        );
      case "downingDecision":
        return {
          at: r.at,
          text: `${r.node.address} (${r.provider}): ${r.decision}, downs ${
            r.downed.map((n) => n.address).join(", ") || "nobody"
          }`,
          tone: "bad",
        };
      case "memberStatus":
        if (r.to !== "down" && r.to !== "removed" && r.to !== "up") return undefined;
        return this.once(`status:${r.member.address}#${r.member.uid}:${r.to}`, {
          at: r.at,
          text: `${r.observer.address} sees ${r.member.address} ${r.to}`,
          tone: r.to === "up" ? "ok" : "warn",
        });
      case "partition":
        return {
          at: r.at,
          text: `network partition: {${r.sideA.join(", ")}} | {${r.sideB.join(", ")}}`,
          tone: "bad",
        };
      case "heal":
        return { at: r.at, text: "network healed", tone: "ok" };
      default:
        return undefined;
    }
  }

  /** The line for a sharding record, or undefined when it is noise. */
  sharding(r: ShardingRecord): Line | undefined {
    switch (r.type) {
      case "coordinatorStarted":
        return { at: r.at, text: `shard coordinator starts on ${r.node.address}`, tone: "info" };
      case "shardAllocated":
        return {
          at: r.at,
          text: `coordinator on ${r.node.address}: shard ${r.shard} → ${r.region.address}`,
          tone: "info",
        };
      case "entityStarted":
        return { at: r.at, text: `${r.entityId} starts on ${r.node.address}`, tone: "ok" };
      case "entityStopped":
        return r.reason === "passivated"
          ? undefined
          : {
              at: r.at,
              text: `${r.entityId} on ${r.node.address} gone (${r.reason})`,
              tone: "warn",
            };
      case "journalConflict":
        return {
          at: r.at,
          text: `journal refuses ${r.writer.address}'s write to ${r.persistenceId}: another incarnation wrote first`,
          tone: "bad",
        };
      default:
        return undefined;
    }
  }

  private once(key: string, line: Line): Line | undefined {
    if (this.seen.has(key)) return undefined;
    this.seen.add(key);
    return line;
  }
}
