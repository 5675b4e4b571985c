/**
 * Vitest setup file of the worker that runs a submission. It runs before any check file, and so
 * before any lab file, is imported, and does two things:
 *
 * - `lockdown()` (SES, via src/labs/runner/confine.ts): every intrinsic this worker's own code
 *   (Vitest, chai, the runtime) shares with lab code is frozen, and the constructor chain from
 *   any value to `Function` refuses. Lab code itself runs in a compartment (./lab-modules.ts).
 * - names each check on stderr as it starts, for the timeout message.
 * - puts the exception that stopped an actor, with the learner's `file:line`, first in a failed
 *   check's errors, as the browser's runner does (src/labs/runner/actor-failures.ts).
 * - gives the check file about to be imported lab modules of its own (./lab-modules.ts), as the
 *   browser's runner does, so no check file sees the state an earlier one left in a lab module.
 *
 * It is idempotent: with `isolate: false` Vitest runs it once per check file in the same worker.
 */

import { writeSync } from "node:fs";
import { beforeEach } from "vitest";
import { ActorFailureLog } from "../../labs/runner/actor-failures.ts";
import { lockdownOnce } from "../../labs/runner/confine.ts";
import { currentLabModules } from "./lab-modules.ts";

lockdownOnce();
currentLabModules()?.newCheckFile();

// After lockdown, as the browser's worker does; before the runtime is hardened for lab code (the
// first check file's import does that), so its ActorSystem can be wrapped. Later check files only
// point the wrapper at their own log.
const actorFailures = new ActorFailureLog(await import("@runtime"));
beforeEach(({ task, onTestFailed }) => {
  actorFailures.checkStarted();
  onTestFailed(() => {
    const result = task.result;
    if (!result) return;
    // Frames at the learner's own lines and columns, not the transpiled code's.
    const mapStack = (stack: string) => currentLabModules()?.mapStack(stack) ?? stack;
    for (const e of result.errors ?? [])
      if (typeof e.stack === "string") e.stack = mapStack(e.stack);
    const cause = actorFailures.cause(mapStack);
    if (cause) result.errors = [cause, ...(result.errors ?? [])];
  });
});

/**
 * Names each check on stderr, synchronously, as it starts. Vitest reports test starts in batches
 * that a synchronous infinite loop never lets it send; this line is already out when the loop
 * begins, so a timeout can name the check. Lab code cannot write to stderr (its console goes to
 * Vitest's per-test capture), and a forged line could only change a timeout message anyway.
 */
export const TEST_START_MARK = "\u0000lab-grader:test-start ";
beforeEach(({ task }) => {
  const names = [task.name];
  for (let suite = task.suite; suite && suite !== task.file; suite = suite.suite) {
    names.unshift(suite.name);
  }
  writeSync(2, `${TEST_START_MARK}${JSON.stringify(names.join(" > "))}\n`);
});
