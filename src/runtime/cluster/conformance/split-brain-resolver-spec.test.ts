import { describe, expect, it } from "vitest";
import type { StrategyConfig } from "../downing/strategy";
import {
  A,
  B,
  C,
  D,
  downed,
  E,
  exiting,
  F,
  G,
  hosts,
  joining,
  leaving,
  Sides,
} from "./akka-members";

// Ported from Akka's SplitBrainResolverSpec (akka-cluster/src/test/scala/akka/cluster/sbr):
// the strategies' decisions and the nodes they down, for each side of a partition. Behaviour
// carried over, not code: the sides, roles and ages are Akka's TestAddresses.

const spec = (name: string) => `SplitBrainResolverSpec: ${name}`;

/** Akka's `assertDowning`: every non-empty side downs exactly `members`. */
function assertDowning(s: Sides, ...members: Parameters<typeof hosts>) {
  for (const side of [s.side1, s.side2, s.side3])
    if (side.length > 0) expect(s.nodesToDown(side)).toEqual(hosts(...members));
}

describe("SplitBrainResolverSpec: StaticQuorum", () => {
  const quorum = (quorumSize: number, role?: string): StrategyConfig => ({
    kind: "static-quorum",
    quorumSize,
    ...(role ? { role } : {}),
  });

  it(spec("StaticQuorum must down unreachable when enough reachable nodes"), () => {
    const s = new Sides(quorum(3));
    s.side1 = [A, C, E];
    s.side2 = [B, D];
    assertDowning(s, B, D);
  });

  it(spec("StaticQuorum must down reachable when not enough reachable nodes"), () => {
    const s = new Sides(quorum(3));
    s.side1 = [A, B];
    s.side2 = [C, D];
    expect(s.decide(s.side1).kind).toBe("down-reachable");
    expect(s.decide(s.side2).kind).toBe("down-reachable");
  });

  it(spec("StaticQuorum must down unreachable when enough reachable nodes with role"), () => {
    const s = new Sides(quorum(2, "role3"));
    s.side1 = [A, B, C];
    s.side2 = [D, E];
    assertDowning(s, D, E);
  });

  it(spec("StaticQuorum must down all if N > static-quorum.size * 2 - 1"), () => {
    const s = new Sides(quorum(3));
    s.side1 = [A, B, C];
    s.side2 = [D, E, F];
    assertDowning(s, A, B, C, D, E, F);
  });

  it(spec("StaticQuorum must handle joining"), () => {
    const s = new Sides(quorum(3));
    s.side1 = [A, B, joining(C)];
    s.side2 = [D, E, joining(F)];
    // Joining members are not counted.
    expect(s.decide(s.side1).kind).toBe("down-reachable");
    expect(s.decide(s.side2).kind).toBe("down-reachable");
    s.side1 = [A, B, C];
    expect(s.decide(s.side1).kind).toBe("down-unreachable");
    expect(s.decide(s.side2).kind).toBe("down-reachable");
    s.side1 = [A, B, joining(C)];
    s.side2 = [D, E, F];
    expect(s.decide(s.side1).kind).toBe("down-reachable");
    expect(s.decide(s.side2).kind).toBe("down-unreachable");
    s.side1 = [A, B, C];
    expect(s.decide(s.side1).kind).toBe("down-all");
    expect(s.decide(s.side2).kind).toBe("down-all");
  });

  it(spec("StaticQuorum must handle leaving/exiting"), () => {
    const s = new Sides(quorum(3));
    s.side1 = [A, B, leaving(C)];
    s.side2 = [D, E];
    expect(s.decide(s.side1).kind).toBe("down-unreachable");
    expect(s.decide(s.side2).kind).toBe("down-reachable");
    s.side1 = [A, B, exiting(C)];
    expect(s.decide(s.side1).kind).toBe("down-reachable");
    expect(s.decide(s.side2).kind).toBe("down-reachable");
  });
});

describe("SplitBrainResolverSpec: KeepMajority", () => {
  const majority = (role?: string): StrategyConfig => ({
    kind: "keep-majority",
    ...(role ? { role } : {}),
  });

  it(spec("KeepMajority must down minority partition: {A, C, E} | {B, D} => {A, C, E}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, C, E];
    s.side2 = [B, D];
    assertDowning(s, B, D);
  });

  it(spec("KeepMajority must down minority partition: {A, B} | {C, D, E} => {C, D, E}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, B];
    s.side2 = [C, D, E];
    assertDowning(s, A, B);
  });

  it(spec("KeepMajority must down self when alone: {B} | {A, C} => {A, C}"), () => {
    const s = new Sides(majority());
    s.side1 = [B];
    s.side2 = [A, C];
    assertDowning(s, B);
  });

  it(
    spec(
      "KeepMajority must keep half with lowest address when equal size partition: {A, B} | {C, D} => {A, B}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B];
      s.side2 = [C, D];
      assertDowning(s, C, D);
    },
  );

  it(
    spec("KeepMajority must keep node with lowest address in two node cluster: {A} | {B} => {A}"),
    () => {
      const s = new Sides(majority());
      s.side1 = [A];
      s.side2 = [B];
      assertDowning(s, B);
    },
  );

  it(
    spec("KeepMajority must down minority partition with role: {A*, B*} | {C, D*, E} => {A*, B*}"),
    () => {
      const s = new Sides(majority("role3"));
      s.side1 = [A, B];
      s.side2 = [C, D, E];
      assertDowning(s, C, D, E);
    },
  );

  it(
    spec(
      "KeepMajority must keep half with lowest address with role when equal size partition: {A, D*, E} | {B, C*} => {B, C*}",
    ),
    () => {
      // C is the lowest address with role2.
      const s = new Sides(majority("role2"));
      s.side1 = [A, D, E];
      s.side2 = [B, C];
      assertDowning(s, A, D, E);
    },
  );

  it(spec("KeepMajority must down all when no node with role: {C} | {E} => {}"), () => {
    const s = new Sides(majority("role3"));
    s.side1 = [C];
    s.side2 = [E];
    assertDowning(s, C, E);
  });

  it(
    spec("KeepMajority must not count joining node, but down it: {B, D} | {Aj, C} => {B, D}"),
    () => {
      const s = new Sides(majority());
      s.side1 = [B, D];
      s.side2 = [joining(A), C];
      assertDowning(s, A, C);
    },
  );

  it(
    spec(
      "KeepMajority must down minority partition and joining node: {A, Bj} | {C, D, E} => {C, D, E}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, joining(B)];
      s.side2 = [C, D, E];
      assertDowning(s, A, B);
    },
  );

  it(
    spec(
      "KeepMajority must down each part when split in 3 too small parts: {A, B} | {C, D} | {E} => {}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B];
      s.side2 = [C, D];
      s.side3 = [E];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B));
      expect(s.nodesToDown(s.side2)).toEqual(hosts(C, D));
      expect(s.nodesToDown(s.side3)).toEqual(hosts(E));
    },
  );

  it(
    spec(
      "KeepMajority must detect edge case of membership change: {A, B, F', G'} | {C, D, E} => {A, B, F, G}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, F, G];
      s.side2 = [C, D, E];
      expect(s.decide(s.side1).kind).toBe("down-unreachable");
      expect(s.nodesToDown(s.side1)).toEqual(hosts(C, D, E));
      // F and G went up on side1 as the partition happened; side2 still sees them joining.
      s.side1 = [A, B, joining(F), joining(G)];
      expect(s.decide(s.side2).kind).toBe("down-all");
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E, F, G));
    },
  );

  it(
    spec(
      "KeepMajority must detect edge case of membership change when equal size: {A, B, F'} | {C, D, E} => {A, B, F}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, F];
      s.side2 = [C, D, E];
      expect(s.decide(s.side1).kind).toBe("down-unreachable");
      expect(s.nodesToDown(s.side1)).toEqual(hosts(C, D, E));
      s.side1 = [A, B, joining(F)];
      expect(s.decide(s.side2).kind).toBe("down-all");
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E, F));
    },
  );

  it(
    spec(
      "KeepMajority must detect safe edge case of membership change: {A, B} | {C, D, E, F'} => {C, D, E, F}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B];
      s.side2 = [C, D, E, joining(F)];
      expect(s.decide(s.side1).kind).toBe("down-reachable");
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B));
      s.side2 = [C, D, E, F];
      expect(s.decide(s.side2).kind).toBe("down-unreachable");
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B));
    },
  );

  it(
    spec(
      "KeepMajority must detect edge case of leaving/exiting membership change: {A', B} | {C, D} => {C, D}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [leaving(A), B, joining(E)];
      s.side2 = [C, D];
      expect(s.decide(s.side1).kind).toBe("down-all");
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C, D, E));
      // A went on to exiting on side2; side1 still sees it leaving.
      s.side1 = [exiting(A), B];
      expect(s.decide(s.side2).kind).toBe("down-unreachable");
      // A is already exiting, so not downed.
      expect(s.nodesToDown(s.side2)).toEqual(hosts(B));
    },
  );

  it(spec("KeepMajority must down indirectly connected: {(A, B)} => {}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, B];
    s.indirectlyConnected = [
      [A, B],
      [B, A],
    ];
    assertDowning(s, A, B);
  });

  it(spec("KeepMajority must down indirectly connected: {(A, B), C} => {C}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, B, C];
    s.indirectlyConnected = [
      [A, B],
      [B, A],
    ];
    assertDowning(s, A, B);
  });

  it(spec("KeepMajority must down indirectly connected: {(A, B, C)} => {}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, B, C];
    s.indirectlyConnected = [
      [A, B],
      [B, C],
      [C, A],
    ];
    assertDowning(s, A, B, C);
  });

  it(spec("KeepMajority must down indirectly connected: {(A, B, C, D)} => {}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, B, C, D];
    s.indirectlyConnected = [
      [A, D],
      [D, A],
      [B, C],
      [C, B],
    ];
    assertDowning(s, A, B, C, D);
  });

  it(spec("KeepMajority must down indirectly connected: {(A, B, C), D, E} => {D, E}"), () => {
    const s = new Sides(majority());
    s.side1 = [A, B, C, D, E];
    s.indirectlyConnected = [
      [A, B],
      [B, C],
      [C, A],
    ];
    assertDowning(s, A, B, C);
  });

  it(
    spec("KeepMajority must down indirectly connected{A, (B, C), D, (E, F), G} => {A, D, G}"),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C, D, E, F, G];
      s.indirectlyConnected = [
        [B, C],
        [C, B],
        [E, F],
        [F, E],
      ];
      assertDowning(s, B, C, E, F);
    },
  );

  it(
    spec("KeepMajority must down indirectly connected, detected via seen: {(A, B, C)} => {}"),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.indirectlyConnected = [
        [A, B],
        [A, C],
      ];
      assertDowning(s, A, B, C);
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected, detected via seen: {(A, B, C, D), E} => {E}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C, D, E];
      s.indirectlyConnected = [
        [B, C],
        [C, B],
        [A, D],
      ];
      assertDowning(s, A, B, C, D);
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected when combined with crashed: {(A, B), D, E} | {C} => {D, E}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, D, E];
      s.side2 = [C];
      s.indirectlyConnected = [
        [A, B],
        [B, A],
      ];
      // The crashed C is downed too.
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C));
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected when combined with clean partition: {A, (B, C)} | {D, E} => {A}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.side2 = [D, E];
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(B, C, D, E));
      // Side2 does not see the indirect connection if the clean partition came first.
      s.indirectlyConnected = [];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(D, E));
      // ...and does if it came before.
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(B, C, D, E));
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected on minority side, when combined with clean partition: {A, (B, C)} | {D, E, F, G} => {D, E, F, G}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C));
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected on majority side, when combined with clean partition: {A, B, C} | {(D, E), F, G} => {F, G}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [
        [D, E],
        [E, D],
      ];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C, D, E));
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E));
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected spanning across a clean partition: {A, (B), C} | {D, (E, F), G} => {D, G}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      s.indirectlyConnected = [
        [B, E],
        [E, F],
        [F, B],
      ];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C, E, F));
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, E, F));
    },
  );

  it(
    spec(
      "KeepMajority must down indirectly connected, detected via seen, combined with clean partition: {A, B, C} | {(D, E), (F, G)} => {}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [
        [D, E],
        [G, F],
      ];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E, F, G));
    },
  );

  it(
    spec(
      "KeepMajority must double DownIndirectlyConnected when indirectly connected happens before clean partition: {A, B, C} | {(D, E), (F, G)} => {}",
    ),
    () => {
      const s = new Sides(majority());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      s.indirectlyConnected = [
        [D, E],
        [G, F],
      ];
      // Akka's strategy throws on the second indirectly-connected decision and the resolver
      // downs all instead; here nodesToDown answers with that down-all directly.
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C, D, E, F, G));
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E, F, G));
    },
  );
});

describe("SplitBrainResolverSpec: KeepOldest", () => {
  const oldest = (options: { downIfAlone?: boolean; role?: string } = {}): StrategyConfig => ({
    kind: "keep-oldest",
    ...options,
  });

  it(spec("KeepOldest must keep partition with oldest"), () => {
    // E is the oldest.
    const s = new Sides(oldest());
    s.side1 = [A, E];
    s.side2 = [B, C, D];
    assertDowning(s, B, C, D);
  });

  it(spec("KeepOldest must keep partition with oldest with role"), () => {
    // C and D have role2; D is the oldest of them.
    const s = new Sides(oldest({ role: "role2" }));
    s.side1 = [A, E];
    s.side2 = [B, C, D];
    assertDowning(s, A, E);
  });

  it(spec("KeepOldest must keep partition with oldest unless alone"), () => {
    const s = new Sides(oldest({ downIfAlone: true }));
    s.side1 = [E];
    s.side2 = [A, B, C, D];
    assertDowning(s, E);
  });

  it(spec("KeepOldest must keep partition with oldest in two nodes cluster"), () => {
    const s = new Sides(oldest());
    s.side1 = [B];
    s.side2 = [A];
    assertDowning(s, A);
  });

  it(spec("KeepOldest must keep one single oldest"), () => {
    const s = new Sides(oldest());
    s.side2 = [A];
    assertDowning(s);
  });

  it(spec("KeepOldest must keep oldest even when alone when downIfAlone = false"), () => {
    const s = new Sides(oldest({ downIfAlone: false }));
    s.side1 = [E];
    s.side2 = [A, B, C, D];
    assertDowning(s, A, B, C, D);
  });

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: keep partition with oldest, scenario 1",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [A, B, D];
      s.side2 = [C, exiting(E)];
      // E is exiting, so not counted as oldest: D is.
      expect(s.decide(s.side1).kind).toBe("down-unreachable");
      expect(s.nodesToDown(s.side1)).toEqual(hosts(C));
      // Side2 has not seen E move to exiting.
      s.side2 = [C, leaving(E)];
      expect(s.decide(s.side2).kind).toBe("down-all");
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E));
    },
  );

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: keep partition with oldest, scenario 2",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [A, leaving(E)];
      s.side2 = [B, C, D];
      expect(s.decide(s.side1).kind).toBe("down-all");
      expect(s.decide(s.side2).kind).toBe("down-reachable");
    },
  );

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: keep partition with oldest, scenario 3",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [A, E];
      s.side2 = [leaving(B), leaving(C), D];
      assertDowning(s, B, C, D);
    },
  );

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: keep partition with oldest unless alone, scenario 1",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [leaving(D), E];
      s.side2 = [A, B, C];
      expect(s.decide(s.side1).kind).toBe("down-all");
      expect(s.decide(s.side2).kind).toBe("down-reachable");
    },
  );

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: keep partition with oldest unless alone, scenario 4",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [E];
      s.side2 = [A, B, leaving(C)];
      expect(s.decide(s.side1).kind).toBe("down-reachable");
      expect(s.decide(s.side2).kind).toBe("down-unreachable");
    },
  );

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: keep partition with oldest unless alone, scenario 3",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [E];
      s.side2 = [A, leaving(B), leaving(C), leaving(D)];
      expect(s.decide(s.side1).kind).toBe("down-reachable");
      expect(s.decide(s.side2).kind).toBe("down-all");
    },
  );

  it(
    spec(
      "KeepOldest must detect leaving/exiting edge case: DownReachable on both sides when oldest leaving/exiting is alone",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [D, exiting(E)];
      s.side2 = [A, B, C];
      expect(s.decide(s.side1).kind).toBe("down-reachable");
      s.side1 = [D, leaving(E)];
      expect(s.decide(s.side2).kind).toBe("down-reachable");
    },
  );

  it(spec("KeepOldest must detect leaving/exiting edge case: when one single oldest"), () => {
    const s = new Sides(oldest());
    s.side1 = [A];
    s.side2 = [exiting(B)];
    expect(s.decide(s.side1).kind).toBe("down-unreachable");
    s.side2 = [leaving(B)];
    expect(s.decide(s.side2).kind).toBe("down-all");
  });

  it(
    spec(
      "KeepOldest must detect joining/up edge case: keep partition with oldest unless alone, scenario 1",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [joining(A), E];
      s.side2 = [B, C, D];
      // E is alone when joining A is not counted...
      expect(s.decide(s.side1).kind).toBe("down-reachable");
      // ...but A may be up on side1 already, so side2 downs all.
      expect(s.decide(s.side2).kind).toBe("down-all");
    },
  );

  it(
    spec(
      "KeepOldest must detect joining/up edge case: keep oldest even when alone when downIfAlone = false",
    ),
    () => {
      const s = new Sides(oldest({ downIfAlone: false }));
      s.side1 = [joining(A), E];
      s.side2 = [B, C, D];
      expect(s.decide(s.side1).kind).toBe("down-unreachable");
      expect(s.decide(s.side2).kind).toBe("down-reachable");
    },
  );

  it(spec("KeepOldest must down indirectly connected: {(A, B), C} => {C}"), () => {
    // C, the oldest of the three, is fully connected and stays.
    const s = new Sides(oldest());
    s.side1 = [A, B, C];
    s.indirectlyConnected = [
      [A, B],
      [B, A],
    ];
    assertDowning(s, A, B);
  });

  it(
    spec(
      "KeepOldest must down indirectly connected on younger side, when combined with clean partition: {A, (B, C)} | {D, E, F, G} => {D, E, F, G}",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C));
    },
  );

  it(
    spec(
      "KeepOldest must down indirectly connected on oldest side, when combined with clean partition: {A, B, C} | {(D, E), F, G} => {F, G}",
    ),
    () => {
      const s = new Sides(oldest());
      s.side1 = [A, B, C];
      s.side2 = [D, E, F, G];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [
        [D, E],
        [E, D],
      ];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B, C, D, E));
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E));
    },
  );

  it("issue 12 (keep-oldest, Akka's nodesToDown): the two youngest indirectly connected, the fully connected oldest stays", () => {
    // The case the conformance run reported: {E, (A, B)}, E the oldest. Akka downs A and B.
    const s = new Sides(oldest());
    s.side1 = [E, A, B];
    s.indirectlyConnected = [
      [A, B],
      [B, A],
    ];
    expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B));
  });
});

describe("SplitBrainResolverSpec: DownAllNodes", () => {
  it(spec("DownAllNodes must down all"), () => {
    const s = new Sides({ kind: "down-all" });
    s.side1 = [A, B, C];
    s.side2 = [D, E];
    assertDowning(s, A, B, C, D, E);
  });

  it(spec("DownAllNodes must down all when any indirectly connected: {(A, B), C} => {}"), () => {
    const s = new Sides({ kind: "down-all" });
    s.side1 = [A, B, C];
    s.indirectlyConnected = [
      [A, B],
      [B, A],
    ];
    assertDowning(s, A, B, C);
  });
});

describe("SplitBrainResolverSpec: LeaseMajority", () => {
  const lease = (role?: string): StrategyConfig => ({
    kind: "lease-majority",
    acquireLeaseDelayForMinorityMs: 2_000,
    releaseAfterMs: 10_000,
    ...(role ? { role } : {}),
  });

  it(
    spec(
      "LeaseMajority must decide AcquireLeaseAndDownUnreachable, and DownReachable as reverse decision",
    ),
    () => {
      const s = new Sides(lease());
      s.side1 = [A, C, E];
      s.side2 = [B, D];
      expect(s.decide(s.side1)).toEqual({
        kind: "acquire-lease-and-down-unreachable",
        acquireDelayMs: 0,
      });
      expect(s.nodesToDown(s.side1)).toEqual(hosts(B, D));
      expect(s.nodesToDownReversed(s.side1)).toEqual(hosts(A, C, E));
      expect(s.decide(s.side2)).toEqual({
        kind: "acquire-lease-and-down-unreachable",
        acquireDelayMs: 2_000,
      });
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, C, E));
      expect(s.nodesToDownReversed(s.side2)).toEqual(hosts(B, D));
    },
  );

  it(
    spec("LeaseMajority must try to keep half with lowest address when equal size partition"),
    () => {
      // C is the lowest address with role2, so side1 waits.
      const s = new Sides(lease("role2"));
      s.side1 = [A, D, E];
      s.side2 = [B, C];
      expect(s.decide(s.side1)).toEqual({
        kind: "acquire-lease-and-down-unreachable",
        acquireDelayMs: 2_000,
      });
      expect(s.nodesToDown(s.side1)).toEqual(hosts(B, C));
      expect(s.decide(s.side2)).toEqual({
        kind: "acquire-lease-and-down-unreachable",
        acquireDelayMs: 0,
      });
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, D, E));
    },
  );

  it(spec("LeaseMajority must down indirectly connected: {(A, B), C} => {C}"), () => {
    const s = new Sides(lease());
    s.side1 = [A, B, C];
    s.indirectlyConnected = [
      [A, B],
      [B, A],
    ];
    expect(s.decide(s.side1)).toEqual({
      kind: "acquire-lease-and-down-indirectly-connected",
      acquireDelayMs: 0,
    });
    expect(s.nodesToDown(s.side1)).toEqual(hosts(A, B));
    expect(s.nodesToDownReversed(s.side1)).toEqual(hosts(A, B, C));
  });

  it(
    spec(
      "LeaseMajority must down indirectly connected when combined with clean partition: {A, (B, C)} | {D, E} => {A}",
    ),
    () => {
      const s = new Sides(lease());
      s.side1 = [A, B, C];
      s.side2 = [D, E];
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.decide(s.side1).kind).toBe("acquire-lease-and-down-indirectly-connected");
      expect(s.nodesToDown(s.side1)).toEqual(hosts(B, C, D, E));
      expect(s.nodesToDownReversed(s.side1)).toEqual(hosts(A, B, C));
      s.indirectlyConnected = [];
      expect(s.decide(s.side2)).toEqual({
        kind: "acquire-lease-and-down-unreachable",
        acquireDelayMs: 2_000,
      });
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C));
      expect(s.nodesToDownReversed(s.side2)).toEqual(hosts(D, E));
      s.indirectlyConnected = [
        [B, C],
        [C, B],
      ];
      expect(s.decide(s.side2).kind).toBe("acquire-lease-and-down-indirectly-connected");
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C));
      expect(s.nodesToDownReversed(s.side2)).toEqual(hosts(B, C, D, E));
    },
  );

  it(
    spec(
      "LeaseMajority must down indirectly connected to already downed node during partition: {A, B, C, D} | {(E, F)} => {A, B, C, D}",
    ),
    () => {
      const s = new Sides(lease());
      const eLeaving = leaving(E);
      const fDown = downed(F);
      s.side1 = [A, B, C, D];
      s.side2 = [eLeaving, fDown];
      s.indirectlyConnected = [[eLeaving, fDown]];
      expect(s.nodesToDown(s.side1)).toEqual(hosts(E));
      expect(s.nodesToDown(s.side2)).toEqual(hosts(A, B, C, D, E));
    },
  );
});
