import { IDBFactory } from "fake-indexeddb";
import { expect, it } from "vitest";
import { describeProgressLoss, type ProgressLoss, ProgressStore, summarise } from "./progress";

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

it("reports a loss the browser announced on open (dataLoss), once, in plain words", async () => {
  // Chromium sets dataLoss on the upgrade event after deleting a corrupt database;
  // fake-indexeddb never does, so this factory adds it, as Chromium would.
  const factory = new IDBFactory();
  const open = factory.open.bind(factory);
  factory.open = (name: string, version?: number) => {
    const req = open(name, version);
    req.addEventListener("upgradeneeded", (event) => {
      Object.defineProperty(event, "dataLoss", { value: "total" });
      Object.defineProperty(event, "dataLossMessage", { value: "Corruption: bad block" });
    });
    return req;
  };
  // The labs index opens the store first; a lab page opened later still hears of the loss.
  await new ProgressStore(factory).all();
  const lab = new ProgressStore(factory);
  const loss = await lab.dataLoss();
  expect(loss?.message).toBe("Corruption: bad block");
  expect(describeProgressLoss(loss as ProgressLoss)).toMatch(/deleted the code and results/);
  lab.acknowledgeDataLoss();
  expect(await lab.dataLoss()).toBeUndefined();
  expect(await new ProgressStore(new IDBFactory()).dataLoss()).toBeUndefined();
});
