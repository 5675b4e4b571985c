import { IDBFactory } from "fake-indexeddb";
import { expect, it } from "vitest";
import { ProgressStore, summarise } from "./progress";

it("keeps a lab's code, set-aside code and last results across store instances", async () => {
  const factory = new IDBFactory();
  const first = new ProgressStore(factory);
  await first.save({
    slug: "bank-account",
    files: { "account.ts": "solution" },
    mine: { "account.ts": "my draft" },
    results: { version: 3, status: "fail", tests: [] },
    updatedAt: 1,
  });
  const reopened = new ProgressStore(factory);
  const loaded = await reopened.load("bank-account");
  expect(loaded?.files["account.ts"]).toBe("solution");
  expect(loaded?.mine?.["account.ts"]).toBe("my draft");
  expect(loaded?.results?.status).toBe("fail");
  expect(await reopened.load("other")).toBeUndefined();
  expect((await reopened.all()).map((p) => p.slug)).toEqual(["bank-account"]);
  await reopened.clear("bank-account");
  expect(await reopened.all()).toEqual([]);
});

it("summarises results for the labs index", () => {
  expect(summarise(undefined)).toBeUndefined();
  const test = (status: "pass" | "fail") => ({ name: "t", test_code: "", status });
  expect(summarise({ version: 3, status: "fail", tests: [test("pass"), test("fail")] })).toEqual({
    passed: 1,
    total: 2,
    done: false,
  });
});
