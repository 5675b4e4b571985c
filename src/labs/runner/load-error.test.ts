import "./lockdown";
import * as runtime from "@runtime";
import * as fastCheck from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { readLabFiles, readLabFolder } from "../lab-files.node";
import type { V3Results } from "../results";
import { runChecks } from "./core";

/** A crash before any check is collected reports the real error, where the learner threw it. */
describe("an error thrown while the learner's module loads", () => {
  const solution = readLabFiles("bank-account", "solution");
  const account = `${solution["account.ts"]}\nthrow new TypeError("broken at load");\n`;
  let results: V3Results;
  beforeAll(async () => {
    ({ results } = await runChecks({
      files: { ...solution, "account.ts": account },
      checks: readLabFolder("bank-account", "checks"),
      runtime,
      fastCheck,
    }));
  }, 60_000);

  it("is the run's message", () => {
    expect(results.status).toBe("error");
    expect(results.message).toContain("TypeError: broken at load");
    expect(results.message).not.toContain("No checks were found");
  });
});
