import "./lockdown";
import * as runtime from "@runtime";
import * as fastCheck from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { readLabFiles, readLabFolder } from "../lab-files.node";
import { labLocation, type V3Results } from "../results";
import { runChecks } from "./core";

/**
 * An exception thrown by the learner's handler inside an actor stops the actor; the check then
 * only sees a missing reply. The runner puts the exception, with the learner's file and line,
 * at the top of the failure message.
 */
describe("an exception thrown inside an actor reaches the check's message", () => {
  const solution = readLabFiles("bank-account", "solution");
  const account = solution["account.ts"] as string;
  const anchor = 'return { type: "deposited", amount: tx.amount };';
  const line = account.split("\n").findIndex((l) => l.includes(anchor)) + 1;
  let results: V3Results;
  beforeAll(async () => {
    ({ results } = await runChecks({
      files: {
        ...solution,
        "account.ts": account.replace(anchor, `throw new RangeError("deposits are broken");`),
      },
      checks: readLabFolder("bank-account", "checks"),
      runtime,
      fastCheck,
    }));
  }, 60_000);

  it("names the error and the learner's file:line first, before the symptom", () => {
    expect(line).toBeGreaterThan(0);
    const deposit = results.tests.find((t) =>
      t.name.startsWith("1. The four-step table > deposit 100"),
    );
    expect(deposit?.status).toBe("fail");
    const [headline] = (deposit?.message ?? "").split("\n");
    expect(headline).toMatch(
      new RegExp(
        `^The actor \\S+ threw RangeError: deposits are broken \\(at account\\.ts:${line}:\\d+\\)$`,
      ),
    );
  });

  it("leaves checks that raise no actor failure as they were", () => {
    const refused = results.tests.filter((t) => t.name.startsWith("2.") && t.status === "pass");
    for (const t of refused) expect(t.message).toBeUndefined();
  });

  it("points only at lab files, never at a bundle", () => {
    const error = new Error("x");
    error.stack =
      "Error: x\n    at f (https://site/_astro/check-worker.js:1:2000)\n    at g (lab:///cart.ts:7:3)";
    expect(labLocation(error)).toBe("cart.ts:7:3");
    error.stack = "Error: x\n    at f (https://site/_astro/check-worker.js:1:2000)";
    expect(labLocation(error)).toBeUndefined();
  });
});
