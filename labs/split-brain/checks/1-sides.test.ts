import { sides } from "@lab/downing";
import { key, member, viewFrom } from "@lab/scenario";
import type { MemberStatus } from "@runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("1. The two sides", () => {
  it("up and leaving members count; joining, weakly-up, down and exiting ones do not", () => {
    const members = [
      member(1),
      member(2, "leaving"),
      member(3, "joining"),
      member(4, "weakly-up"),
      member(5, "down"),
      member(6, "exiting"),
      member(7),
    ];
    expect(sides(viewFrom(1, members, [5, 6, 7]))).toMatchObject({
      reachable: [key(1), key(2)],
      unreachable: [key(7)],
    });
  });

  it("each side is in address order, where node-2 comes before node-10", () => {
    const members = [10, 2, 11, 3].map((n) => member(n));
    expect(sides(viewFrom(2, members, [3, 11]))).toMatchObject({
      reachable: [key(2), key(10)],
      unreachable: [key(3), key(11)],
    });
  });

  it("for any view, every member that counts is on exactly one side, and nothing else is", () => {
    const statuses: MemberStatus[] = ["joining", "weakly-up", "up", "leaving", "exiting", "down"];
    const memberSpec = fc.record({
      status: fc.constantFrom(...statuses),
      unreachable: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(memberSpec, { minLength: 1, maxLength: 9 }), (specs) => {
        const members = specs.map((s, i) => member(i + 1, s.status));
        const unreachable = specs.flatMap((s, i) => (s.unreachable && i > 0 ? [i + 1] : []));
        const result = sides(viewFrom(1, members, unreachable));
        const counts = (i: number) => ["up", "leaving"].includes(specs[i]?.status ?? "");
        const expected = (wantUnreachable: boolean) =>
          specs.flatMap((_, i) =>
            counts(i) && unreachable.includes(i + 1) === wantUnreachable ? [key(i + 1)] : [],
          );
        expect(result).toMatchObject({ reachable: expected(false), unreachable: expected(true) });
      }),
      { seed: 1_001, numRuns: 200, includeErrorInReport: true },
    );
  });
});
