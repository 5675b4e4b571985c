import type { Address, LinkFaults } from "./network";
import type { Random } from "./random";

/** One scheduled fault, at virtual time `at` (ms). */
export type Fault =
  | { readonly at: number; readonly type: "crash"; readonly node: Address }
  | { readonly at: number; readonly type: "restart"; readonly node: Address }
  | { readonly at: number; readonly type: "leave"; readonly node: Address }
  | {
      readonly at: number;
      readonly type: "partition";
      readonly sideA: readonly Address[];
      readonly sideB: readonly Address[];
      readonly direction: "both" | "a-to-b";
    }
  | { readonly at: number; readonly type: "heal" }
  | { readonly at: number; readonly type: "clear-links" }
  | {
      readonly at: number;
      readonly type: "link";
      readonly from: Address;
      readonly to: Address;
      readonly faults: LinkFaults | null;
    };

/** A list of faults in time order. */
export type FaultSchedule = readonly Fault[];

/** What kinds of faults a random schedule may contain, and how dense it is. */
export interface RandomFaultOptions {
  readonly nodes: readonly Address[];
  /** No fault before this time: let the cluster form first (default 10 s). */
  readonly startMs?: number;
  /** No fault after this time (default 60 s). */
  readonly endMs: number;
  /** How many fault episodes (default 1..4, drawn). */
  readonly episodes?: number;
  readonly crashes?: boolean;
  readonly restarts?: boolean;
  readonly partitions?: boolean;
  readonly oneWayPartitions?: boolean;
  readonly linkFaults?: boolean;
  readonly leaves?: boolean;
  /** Heal every partition and clear every link at `endMs` (default true). */
  readonly healAtEnd?: boolean;
}

type Episode = "crash" | "partition" | "one-way" | "link" | "leave";

/**
 * Draws a fault schedule from `random`: a few episodes (a crash with maybe a restart, a
 * partition that maybe heals, a slow or lossy link, a graceful leave) at random times. The same
 * seed gives the same schedule, so a failing seed names a reproducible run.
 *
 * @example A minute of random, reproducible faults
 * ```ts
 * const faults = randomFaultSchedule(new SeededRandom(42).fork("faults"), {
 *   nodes: ["node-1", "node-2", "node-3"],
 *   endMs: 60_000,
 * });
 * const sim = new ClusterSimulation({ seed: 42, nodes: 3, faults });
 * ```
 */
export function randomFaultSchedule(random: Random, options: RandomFaultOptions): FaultSchedule {
  const nodes = options.nodes;
  if (nodes.length < 2) throw new RangeError("randomFaultSchedule: need at least two nodes");
  const start = options.startMs ?? 10_000;
  const end = options.endMs;
  if (!(end > start))
    throw new RangeError(`randomFaultSchedule: endMs (${end}) must be after startMs (${start})`);
  const kinds: Episode[] = [];
  if (options.crashes ?? true) kinds.push("crash");
  if (options.partitions ?? true) kinds.push("partition", "partition");
  if (options.oneWayPartitions ?? true) kinds.push("one-way");
  if (options.linkFaults ?? true) kinds.push("link");
  if (options.leaves ?? false) kinds.push("leave");
  if (kinds.length === 0) return [];
  const faults: Fault[] = [];
  const episodes = options.episodes ?? random.int(1, 4);
  const at = () => start + Math.floor(random.next() * (end - start));
  const later = (t: number) => t + Math.floor(random.next() * (end - t));
  for (let i = 0; i < episodes; i++) {
    const kind = random.pick(kinds);
    const t = at();
    switch (kind) {
      case "crash": {
        const node = random.pick(nodes);
        faults.push({ at: t, type: "crash", node });
        if ((options.restarts ?? true) && random.next() < 0.5)
          faults.push({ at: later(t), type: "restart", node });
        break;
      }
      case "partition":
      case "one-way": {
        const shuffled = shuffle(random, nodes);
        const cut = random.int(1, nodes.length - 1);
        faults.push({
          at: t,
          type: "partition",
          sideA: shuffled.slice(0, cut),
          sideB: shuffled.slice(cut),
          direction: kind === "one-way" ? "a-to-b" : "both",
        });
        if (random.next() < 0.5) faults.push({ at: later(t), type: "heal" });
        break;
      }
      case "link": {
        const from = random.pick(nodes);
        const to = random.pick(nodes.filter((n) => n !== from));
        const faultsOnLink: LinkFaults = {
          dropRate: random.pick([0, 0.1, 0.5, 0.9]),
          delayMs: random.pick([0, 100, 1000, 3000]),
          jitterMs: random.pick([0, 50, 500]),
          reorder: random.next() < 0.5,
        };
        faults.push({ at: t, type: "link", from, to, faults: faultsOnLink });
        if (random.next() < 0.5)
          faults.push({ at: later(t), type: "link", from, to, faults: null });
        break;
      }
      case "leave":
        faults.push({ at: t, type: "leave", node: random.pick(nodes) });
        break;
    }
  }
  if (options.healAtEnd ?? true) {
    faults.push({ at: end, type: "heal" }, { at: end, type: "clear-links" });
  }
  // Stable sort: equal times keep drawing order, so the schedule is a pure function of the seed.
  return faults
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.at - b.f.at || a.i - b.i)
    .map((x) => x.f);
}

function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
