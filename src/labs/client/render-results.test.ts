import { describe, expect, it } from "vitest";
import type { V3Results } from "../results";
import { splitMessage, taskProgress } from "./render-results";

describe("results as a learner reads them", () => {
  it("a failure's headline is its first line; the rest waits behind 'Full message and diff'", () => {
    expect(splitMessage("expected 1 to be 2\n\n- Expected\n+ Received")).toEqual({
      headline: "expected 1 to be 2",
      rest: "expected 1 to be 2\n\n- Expected\n+ Received",
    });
    expect(splitMessage("  the command got no reply  ")).toEqual({
      headline: "the command got no reply",
      rest: "",
    });
  });

  it("counts passed checks per task, for the badges beside the instructions' headings", () => {
    const results: V3Results = {
      version: 3,
      status: "fail",
      tests: [
        { name: "1. A > x", test_code: "", status: "pass", task_id: 1 },
        { name: "1. A > y", test_code: "", status: "fail", task_id: 1 },
        { name: "2. B > z", test_code: "", status: "pass", task_id: 2 },
        { name: "Other > w", test_code: "", status: "pass" },
      ],
    };
    expect([...taskProgress(results)]).toEqual([
      [1, { passed: 1, total: 2 }],
      [2, { passed: 1, total: 1 }],
    ]);
  });
});
