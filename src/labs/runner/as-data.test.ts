import { describe, expect, it } from "vitest";
import { asData, LabValueRefused } from "./as-data";

describe("asData: what a check's expect accepts from lab code", () => {
  it("hands plain data, class instances, Maps, Dates and functions back unchanged", () => {
    const state = { balance: 70, history: [{ type: "deposited", amount: 100 }] };
    class Account {
      constructor(readonly balance: number) {}
      get doubled() {
        return this.balance * 2;
      }
    }
    const values = [
      state,
      new Account(3),
      new Map([["a", { n: 1 }]]),
      new Date(0),
      () => 1,
      Object.freeze({ balance: 1 }),
      null,
      "text",
      7,
    ];
    for (const value of values) expect(asData(value)).toBe(value);
  });

  it("follows cycles without looping", () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = a;
    expect(asData(a)).toBe(a);
  });

  it("refuses an asymmetricMatch anywhere inside, own or inherited", () => {
    expect(() => asData({ balance: 1, asymmetricMatch: () => true })).toThrow(LabValueRefused);
    class Agreeable {
      asymmetricMatch() {
        return true;
      }
    }
    expect(() => asData({ reply: [new Agreeable()] })).toThrow(
      /the value\.reply\.0 has an "asymmetricMatch" method/,
    );
    expect(() => asData(new Map([["a", new Agreeable()]]))).toThrow(LabValueRefused);
    expect(() => asData(new Set([new Agreeable()]))).toThrow(LabValueRefused);
  });

  it("refuses Symbol.toPrimitive, a borrowed toStringTag and getters on plain data", () => {
    expect(() => asData({ balance: { [Symbol.toPrimitive]: () => 70 } })).toThrow(
      /the value\.balance has a Symbol\.toPrimitive method/,
    );
    expect(() => asData({ [Symbol.toStringTag]: "Number", valueOf: () => 45 })).toThrow(
      /claims to be a Number/,
    );
    expect(() =>
      asData({
        get balance() {
          return 70;
        },
      }),
    ).toThrow(/the value\.balance is a getter/);
  });

  it("refuses a value too big to walk, rather than compare it unchecked", () => {
    const padded = { pad: Array.from({ length: 100_001 }, () => ({})) };
    expect(() => asData(padded)).toThrow(/more than 100000 objects/);
  });
});

describe("the expected side: a matcher's arguments from lab code are data too", () => {
  // The browser's expect (./expect.ts); the grader's (src/grader/child/checks-vitest.ts) wraps
  // Vitest's own the same way, which the tamper corpus shows.
  const check = async () => (await import("./expect")).createExpect();
  const lying = () => ({ balance: 1, asymmetricMatch: () => true });

  it("refuses a value from lab code that would decide toEqual, toStrictEqual, toMatchObject or toContainEqual", async () => {
    const expect_ = await check();
    expect(() => expect_({ balance: 2 }).toEqual(lying())).toThrow(LabValueRefused);
    expect(() => expect_({ balance: 2 }).not.toEqual(lying())).toThrow(LabValueRefused);
    expect(() => expect_({ balance: 2 }).toStrictEqual({ nested: lying() })).toThrow(
      /the value\.nested has an "asymmetricMatch" method/,
    );
    expect(() => expect_({ balance: 2 }).toMatchObject(lying())).toThrow(LabValueRefused);
    expect(() => expect_([{ balance: 2 }]).toContainEqual(lying())).toThrow(LabValueRefused);
  });

  it("refuses a class from lab code that claims every instance", async () => {
    const expect_ = await check();
    const Anything = Object.defineProperty(function Anything() {}, Symbol.hasInstance, {
      value: () => true,
    });
    expect(() => expect_(7).toBeInstanceOf(Anything)).toThrow(/Symbol\.hasInstance/);
    expect(() => expect_({}).toEqual(expect_.any(Anything))).toThrow(/Symbol\.hasInstance/);
  });

  it("lets the check's own matchers through, and looks inside what they carry", async () => {
    const expect_ = await check();
    expect_({ id: "a", balance: 2 }).toEqual({ id: expect_.any(String), balance: 2 });
    expect_({ balance: 2 }).toEqual(expect_.objectContaining({ balance: 2 }));
    expect_([1, 2]).not.toEqual(expect_.arrayContaining([3]));
    expect(() =>
      expect_({ balance: 2 }).toEqual(expect_.objectContaining({ balance: lying() })),
    ).toThrow(/matcher's sample.*asymmetricMatch/);
  });

  it("still fails an honest comparison that does not hold, and passes one that does", async () => {
    const expect_ = await check();
    expect(() => expect_({ balance: 2 }).toEqual({ balance: 3 })).toThrow(/expected/);
    expect_({ balance: 2 }).toEqual({ balance: 2 });
    await expect_(Promise.resolve({ balance: 2 })).resolves.toEqual({ balance: 2 });
    expect(() => expect_(Promise.resolve(1)).resolves.toEqual(lying())).toThrow(LabValueRefused);
  });
});
