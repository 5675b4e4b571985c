import "./lockdown";
import * as runtime from "@runtime";
import * as fastCheck from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { readLabFiles, readLabFolder } from "../lab-files.node";
import { learnerLocation, type V3Results } from "../results";
import { runChecks } from "./core";
import { inlineSourceMap } from "./source-map";
import { throwingThread } from "./throwing-thread.fixture";
import { transpile } from "./transpile";

/**
 * An exception thrown straight from the learner's code (a check calls `decide`, which throws)
 * names the learner's file, line and column, mapped through the transpiled file's source map:
 * the type annotation before the `throw` is stripped by the transpile step, so an unmapped
 * column would be off. The grader's side is src/grader/learner-errors.test.ts.
 */
describe("an exception thrown from the learner's code names its file:line:col", () => {
  const { thread, where } = throwingThread();
  let results: V3Results;
  beforeAll(async () => {
    ({ results } = await runChecks({
      files: { ...readLabFiles("chat-threads", "solution"), "thread.ts": thread },
      checks: {
        "checks/1-aggregate.test.ts": readLabFolder("chat-threads", "checks")[
          "checks/1-aggregate.test.ts"
        ] as string,
      },
      runtime,
      fastCheck,
    }));
  }, 60_000);

  it("in the failing check's message, at the learner's own column", () => {
    const check = results.tests.find((t) =>
      t.name.endsWith("decide and apply never change the thread they are given"),
    );
    expect(check?.status).toBe("fail");
    expect(check?.message?.split("\n")[0]).toBe(`RangeError: removing is broken (at ${where})`);
  });

  it("the transpiled column differs, so the source map is what puts it right", () => {
    const code = transpile("thread.ts", thread);
    const [file, line, column] = where.split(":");
    const compiled = code.split("\n")[Number(line) - 1] ?? "";
    const compiledColumn = compiled.indexOf("new RangeError") + 1;
    expect(file).toBe("thread.ts");
    expect(compiledColumn).not.toBe(Number(column));
    expect(inlineSourceMap(code)?.original(Number(line), compiledColumn)).toEqual({
      line: Number(line),
      column: Number(column),
    });
  });

  it("learnerLocation skips check frames and names a copy by its file", () => {
    const error = {
      stack:
        "Error: x\n    at c (lab:///checks/a.test.ts:3:1)\n    at f (lab:///extractors.ts?copy=node-1:7:3)",
    };
    expect(learnerLocation(error)).toBe("extractors.ts:7:3");
    expect(learnerLocation({ stack: "Error: x\n    at c (lab:///checks/a.test.ts:3:1)" })).toBe(
      undefined,
    );
  });
});
