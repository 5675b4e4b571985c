import { describe, expect, it } from "vitest";
import { timeoutResults } from "./run-checks";

describe("a run stopped at the timeout", () => {
  it("keeps the results of the checks that finished and names the one that hung", () => {
    const results = timeoutResults(10_000, "2. Rejections > a loop", [
      { name: "1. Table > deposit", state: "pass" },
      { name: "1. Table > withdraw", state: "fail", message: "expected 1 to be 2" },
    ]);
    expect(results.status).toBe("error");
    expect(results.message).toBe(
      'Timed out after 10 s while running "2. Rejections > a loop". The run was stopped; look for a loop that never ends.',
    );
    expect(results.tests.map((t) => [t.name, t.status, t.task_id, t.message])).toEqual([
      ["1. Table > deposit", "pass", 1, undefined],
      ["1. Table > withdraw", "fail", 1, "expected 1 to be 2"],
      ["2. Rejections > a loop", "error", 2, results.message],
    ]);
  });

  it("says when it stopped before any check, or between two", () => {
    expect(timeoutResults(5_000, undefined).message).toMatch(/before any check finished loading/);
    const between = timeoutResults(5_000, undefined, [{ name: "1. a > b", state: "pass" }]);
    expect(between.message).toMatch(/after 1 checks, between two checks/);
    expect(between.tests).toHaveLength(1);
  });
});
