import { readLabFiles } from "../lab-files.node";

/**
 * A submission whose code throws where a check calls it directly: chat-threads' solution, with a
 * line in `decide` that throws on RemoveMessages after a type annotation (which the transpile
 * step strips, so only a source-mapped column is right). Used by the browser runner's test
 * (./learner-location.test.ts) and the grader's (src/grader/learner-errors.test.ts).
 */
const THROWING_LINE =
  '  const broken: boolean = command.type === "RemoveMessages"; if (broken) throw new RangeError("removing is broken");';

/** The changed thread.ts, and `thread.ts:line:col` of the `new RangeError` it throws. */
export function throwingThread(): { thread: string; where: string } {
  const thread = readLabFiles("chat-threads", "solution")["thread.ts"] as string;
  const anchor = "  const { senderId, at } = command;\n";
  const at = thread.indexOf(anchor);
  if (at < 0) throw new Error("chat-threads' decide changed: update this test's anchor");
  const line = thread.slice(0, at).split("\n").length + 1;
  const column = THROWING_LINE.indexOf("new RangeError") + 1;
  return {
    thread: thread.replace(anchor, `${anchor}${THROWING_LINE}\n`),
    where: `thread.ts:${line}:${column}`,
  };
}
