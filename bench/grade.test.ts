import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { writeSubmissions } from "./grade";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("writes the batch mix: solutions, one-line bugs the solution still has room for, and starters", () => {
  dir = mkdtempSync(join(tmpdir(), "bench-grade-test-"));
  writeSubmissions(dir, 5);
  const solution = readFileSync("labs/bank-account/solution/account.ts", "utf8");
  const starter = readFileSync("labs/bank-account/starter/account.ts", "utf8");
  const accounts = readdirSync(dir)
    .sort()
    .map((d) => readFileSync(join(dir, d, "account.ts"), "utf8"));
  expect(accounts[0]).toBe(solution);
  for (const buggy of accounts.slice(1, 4)) {
    expect(buggy).not.toBe(solution);
    expect(buggy).not.toBe(starter);
  }
  expect(new Set(accounts.slice(1, 4)).size).toBe(3);
  expect(accounts[4]).toBe(starter);
});
