import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabFiles } from "../labs/lab-files.node";
import type { V3Results } from "../labs/results";
import { throwingThread } from "../labs/runner/throwing-thread.fixture";
import { gradeSubmission } from "./grade";
import { loadLab } from "./lab";
import { releaseVitestChildren } from "./run-vitest";

/**
 * Messages that point at the learner's code, under `npm run grade` as on the lab page (the
 * page's side: src/labs/runner/actor-failures.test.ts and learner-location.test.ts): an
 * exception thrown inside an actor is named with the actor and the learner's `file:line`, not
 * only by its symptom; one thrown straight from the learner's code names its `file:line:col`.
 */
const lab = loadLab("bank-account");
const solution = readLabFiles("bank-account", "solution");
const account = solution["account.ts"] as string;
const anchor = 'return { type: "deposited", amount: tx.amount };';
const line = account.split("\n").findIndex((l) => l.includes(anchor)) + 1;

const work = mkdtempSync(join(tmpdir(), "learner-errors-"));
let results: V3Results;
let chat: V3Results;
const throwing = throwingThread();

beforeAll(async () => {
  const dir = join(work, "throws-in-actor");
  cpSync(join(lab.dir, "solution"), dir, { recursive: true });
  writeFileSync(
    join(dir, "account.ts"),
    account.replace(anchor, `throw new RangeError("deposits are broken");`),
  );
  const chatLab = loadLab("chat-threads");
  const chatDir = join(work, "throws-in-decide");
  cpSync(join(chatLab.dir, "solution"), chatDir, { recursive: true });
  writeFileSync(join(chatDir, "thread.ts"), throwing.thread);
  const checksDir = join(work, "chat-checks");
  cpSync(
    join(chatLab.dir, "checks", "1-aggregate.test.ts"),
    join(checksDir, "1-aggregate.test.ts"),
  );
  const options = { skipStaticChecks: true, timeoutSeconds: 60 };
  [{ results }, { results: chat }] = await Promise.all([
    gradeSubmission(lab, dir, options),
    gradeSubmission(chatLab, chatDir, { ...options, checksDir }),
  ]);
}, 240_000);

afterAll(async () => {
  await releaseVitestChildren();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run grade: an exception thrown inside an actor", () => {
  it("heads the failing check's message with the actor, the error and the learner's file:line", () => {
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
    expect(refused.length).toBeGreaterThan(0);
    for (const t of refused) expect(t.message).toBeUndefined();
  });
});

describe("npm run grade: an exception thrown straight from the learner's code", () => {
  it("names the learner's file:line:col, mapped through the source map", () => {
    const check = chat.tests.find((t) =>
      t.name.endsWith("decide and apply never change the thread they are given"),
    );
    expect(check?.status).toBe("fail");
    expect(check?.message?.split("\n")[0]).toBe(
      `RangeError: removing is broken (at ${throwing.where})`,
    );
  });
});
