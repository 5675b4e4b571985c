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
