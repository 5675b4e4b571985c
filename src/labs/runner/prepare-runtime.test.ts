import "./lockdown";
import * as runtime from "@runtime";
import * as fastCheck from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { readLabFiles, readLabFolder } from "../lab-files.node";
import type { V3Results } from "../results";
import { prepareRuntime, runChecks } from "./core";

/**
 * A spare worker hardens the runtime before any run (../worker/check-worker.ts), which takes that
 * cost out of the learner's wait. A hardened runtime cannot be wrapped any more, so this proves
 * the order: after `prepareRuntime`, a run still names the exception that stopped an actor.
 */
let results: V3Results;
beforeAll(async () => {
  prepareRuntime(runtime);
  const solution = readLabFiles("bank-account", "solution");
  const anchor = 'return { type: "deposited", amount: tx.amount };';
  ({ results } = await runChecks({
    files: {
      ...solution,
      "account.ts": (solution["account.ts"] as string).replace(
        anchor,
        `throw new RangeError("deposits are broken");`,
      ),
    },
    checks: readLabFolder("bank-account", "checks"),
    runtime,
    fastCheck,
  }));
}, 60_000);

it("a runtime prepared ahead is frozen, and a run still names an actor's exception", () => {
  expect(Object.isFrozen(runtime.ActorSystem)).toBe(true);
  expect(Object.isFrozen(runtime.ClusterSimulation.prototype)).toBe(true);
  const deposit = results.tests.find((t) => t.name.startsWith("1. The four-step table > deposit"));
  expect(deposit?.status).toBe("fail");
  expect(deposit?.message).toMatch(
    /^The actor \S+ threw RangeError: deposits are broken \(at account\.ts:\d+:\d+\)/,
  );
});
