import type { Decision, ResolverView, StrategyConfig } from "../downing/strategy";
import { decide, nodesToDown, reverseDecision } from "../downing/strategy";
import { type Member, NOT_UP, nodeKey } from "../membership/member";

/**
 * The members of Akka's `TestAddresses` (akka-cluster/src/test/.../sbr/TestAddresses.scala), as
 * this runtime's `Member`s: hosts a … g in address order, Akka's up numbers (e is the oldest,
 * a and f tie on 5 and the address breaks it) and roles.
 */
const member = (host: string, upNumber: number, roles: string[]): Member => ({
  node: { address: host, uid: 0 },
  status: "up",
  upNumber,
  roles,
});

export const A = member("a", 5, ["role3"]);
export const B = member("b", 4, ["role1", "role3"]);
export const C = member("c", 3, ["role2"]);
export const D = member("d", 2, ["role1", "role2", "role3"]);
export const E = member("e", 1, []);
export const F = member("f", 5, []);
export const G = member("g", 6, []);

export const joining = (m: Member): Member => ({ ...m, status: "joining", upNumber: NOT_UP });
export const leaving = (m: Member): Member => ({ ...m, status: "leaving" });
export const exiting = (m: Member): Member => ({ ...m, status: "exiting" });
export const downed = (m: Member): Member => ({ ...m, status: "down" });

const key = (m: Member) => nodeKey(m.node);

/**
 * Akka's `StrategySetup`: up to three sides of a partition, plus unreachability observations
 * between indirectly connected members. Seen from one side, the first member of that side
 * flags every member of the other sides unreachable, and every member of the side has seen
 * the current gossip.
 */
export class Sides {
  side1: Member[] = [];
  side2: Member[] = [];
  side3: Member[] = [];
  indirectlyConnected: [Member, Member][] = [];

  constructor(readonly strategy: StrategyConfig) {}

  /** The resolver's view from `side`, as Akka's `strategy(side)` builds it. */
  view(side: readonly Member[]): ResolverView {
    const all = [...this.side1, ...this.side2, ...this.side3];
    const here = new Set(side.map(key));
    const others = all.filter((m) => !here.has(key(m)));
    const first = side[0];
    const pairs = new Map<string, [Member, Member]>();
    for (const [o, s] of [
      ...this.indirectlyConnected,
      ...(first === undefined ? [] : others.map((o): [Member, Member] => [first, o])),
    ])
      pairs.set(`${key(o)}>${key(s)}`, [o, s]);
    return {
      self: first === undefined ? "" : key(first),
      members: all,
      unreachable: new Set([...pairs.values()].map(([, s]) => key(s))),
      records: [...pairs.values()].map(([o, s]) => ({
        observer: key(o),
        subject: key(s),
        status: "unreachable" as const,
        version: 1,
      })),
      seenBy: here,
    };
  }

  decide(side: readonly Member[]): Decision {
    const decision = decide(this.strategy, this.view(side));
    if (decision === undefined) throw new Error("a built-in strategy always decides");
    return decision;
  }

  /** The hosts `decision` (by default the strategy's own) downs, seen from `side`, sorted. */
  nodesToDown(side: readonly Member[], decision: Decision = this.decide(side)): string[] {
    return [...nodesToDown(this.strategy, decision, this.view(side))]
      .map((k) => k.split("#")[0] as string)
      .sort();
  }

  /** The hosts the reverse of a lease decision downs (the lease was not acquired). */
  nodesToDownReversed(side: readonly Member[]): string[] {
    const decision = this.decide(side);
    if (!("acquireDelayMs" in decision))
      throw new Error(`${decision.kind} is not a lease decision`);
    return this.nodesToDown(side, reverseDecision(decision));
  }
}

/** Hosts of `members`, sorted: what the assertions compare. */
export const hosts = (...members: Member[]): string[] => members.map((m) => m.node.address).sort();
