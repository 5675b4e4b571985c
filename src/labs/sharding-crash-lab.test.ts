import * as runtime from "@runtime";
import * as fastCheck from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { readLabFiles, readLabFolder } from "./lab-files.node";
import type { V3Results } from "./results";
import { runChecks } from "./runner/core";
import { parseTraceMarkers } from "./trace-marker";

/**
 * The lab's claim: with correct extractors, a cart that keeps its items only in memory still
 * fails the passivation and crash checks, and each failing cluster check names its seed.
 */
describe("labs/sharding-crash: an in-memory cart with the right extractors", () => {
  let results: V3Results;
  beforeAll(async () => {
    const solution = readLabFiles("sharding-crash", "solution");
    const starter = readLabFolder("sharding-crash", "starter");
    ({ results } = await runChecks({
      files: { ...solution, "cart.ts": starter["cart.ts"] as string },
      checks: readLabFolder("sharding-crash", "checks"),
      runtime,
      fastCheck,
      testTimeoutMs: 60_000,
    }));
  }, 120_000);

  const statusOf = (prefix: string) =>
    results.tests.filter((t) => t.name.startsWith(prefix)).map((t) => t.status);

  it("passes routing, fails the passivation check and the crash checks", () => {
    expect(statusOf("1.")).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(
      results.tests.find((t) => t.name.endsWith("a passivated cart comes back with its items"))
        ?.status,
    ).toBe("fail");
    expect(statusOf("3.").slice(0, 2)).toEqual(["fail", "fail"]);
  });

  it("each failing crash check names its seed with a trace marker", () => {
    for (const test of results.tests.filter(
      (t) => t.name.startsWith("3.") && t.status === "fail",
    )) {
      const markers = parseTraceMarkers(test.message ?? "");
      expect(markers.length, test.name).toBeGreaterThan(0);
      expect(markers[0]?.lab).toBe("sharding-crash");
      expect(test.message).toContain(`seed ${markers[0]?.seed}`);
    }
  });
});
