import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SegmentQueue } from "./mailbox";

type Op = { op: "push"; n: number } | { op: "shift"; n: number } | { op: "prepend"; n: number };

describe("SegmentQueue", () => {
  it("behaves as a FIFO array under any mix of pushes, shifts and prepends", () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant("push" as const), n: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ op: fc.constant("shift" as const), n: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ op: fc.constant("prepend" as const), n: fc.integer({ min: 0, max: 2500 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops: Op[]) => {
        const queue = new SegmentQueue<number>();
        const model: number[] = [];
        let next = 0;
        for (const { op, n } of ops) {
          if (op === "push") {
            for (let i = 0; i < n; i++) {
              queue.push(next);
              model.push(next++);
            }
          } else if (op === "shift") {
            const taken: Array<number | undefined> = [];
            for (let i = 0; i < n; i++) taken.push(queue.shift());
            const expected = model.splice(0, n);
            while (expected.length < n) expected.push(undefined as unknown as number);
            expect(taken).toEqual(expected);
          } else {
            const items = Array.from({ length: n }, () => next++);
            queue.prependAll(items);
            model.unshift(...items);
          }
          expect(queue.size).toBe(model.length);
        }
        expect(queue.drain()).toEqual(model);
        expect(queue.size).toBe(0);
        expect(queue.shift()).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("a checker over the queue catches a lost message", () => {
    const queue = new SegmentQueue<number>();
    for (let i = 0; i < 2000; i++) queue.push(i);
    queue.shift();
    expect(queue.drain()).not.toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });
});
