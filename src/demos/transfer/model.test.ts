import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AMOUNTS,
  isFinished,
  MAX_ATTEMPTS,
  OPENING_BALANCE,
  type TransferView,
  TransferWorkflowModel,
} from "./model";

async function run(commands: unknown[]): Promise<TransferView> {
  const model = new TransferWorkflowModel();
  let view = await model.view();
  for (const command of commands) view = await model.apply(command);
  return view;
}

const texts = (lines: readonly { text: string }[]) => lines.map((l) => l.text);

describe("transfer workflow model", () => {
  it("starts with A holding the opening balance and no transfers", async () => {
    const view = await new TransferWorkflowModel().view();
    expect([view.a.balance, view.b.balance]).toEqual([OPENING_BALANCE, 0]);
    expect(texts(view.a.journal)).toEqual(["opened with 100"]);
    expect(view.workflows).toEqual([]);
  });

  it("a transfer withdraws from A, deposits into B and completes", async () => {
    const view = await run([{ type: "transfer", amount: 50 }]);
    expect([view.a.balance, view.b.balance]).toEqual([50, 50]);
    expect(view.a.journal.at(-1)).toMatchObject({ text: "withdrew 50", transfer: "transfer-1" });
    expect(view.b.journal).toEqual([
      { sequenceNr: 1, text: "deposited 50", transfer: "transfer-1" },
    ]);
    expect(view.workflows).toHaveLength(1);
    expect(view.workflows[0]).toMatchObject({ id: "transfer-1", amount: 50, status: "completed" });
    expect(texts(view.workflows[0]?.journal ?? [])).toEqual([
      "started: move 50 from A to B",
      "step 1: A withdrew",
      "step 2: B deposited",
      "step 3: done",
    ]);
    expect(view.said).toBe("Transfer #1: 50 left A and reached B.");
  });

  it("a refused deposit is compensated: A is paid back and both journals keep the attempt", async () => {
    const view = await run([
      { type: "block", blocked: true },
      { type: "transfer", amount: 20 },
    ]);
    expect([view.a.balance, view.b.balance]).toEqual([100, 0]);
    expect(texts(view.a.journal)).toEqual(["opened with 100", "withdrew 20", "deposited 20"]);
    expect(texts(view.b.journal)).toEqual(["blocked"]);
    expect(view.workflows[0]?.status).toBe("compensated");
    expect(texts(view.workflows[0]?.journal ?? [])).toEqual([
      "started: move 20 from A to B",
      "step 1: A withdrew",
      "step 2 refused (account B is blocked): compensate",
      "compensation: paid back into A",
    ]);
    expect(view.said).toMatch(/B refused it, so the workflow paid A back/);
  });

  it("a withdrawal A cannot cover stops the workflow before anything moves", async () => {
    const view = await run([{ type: "transfer", amount: 150 }]);
    expect([view.a.balance, view.b.balance]).toEqual([100, 0]);
    expect(texts(view.a.journal)).toEqual(["opened with 100"]);
    expect(view.workflows[0]?.status).toBe("refused");
    expect(view.workflows[0]?.journal.at(-1)?.text).toBe(
      "step 1 refused (account A holds only 100): stop, nothing moved",
    );
  });

  it("unblocking B lets the next transfer through; reset starts over", async () => {
    const view = await run([
      { type: "block", blocked: true },
      { type: "transfer", amount: 50 },
      { type: "block", blocked: false },
      { type: "transfer", amount: 50 },
    ]);
    expect(view.workflows.map((w) => w.status)).toEqual(["compensated", "completed"]);
    expect(texts(view.b.journal)).toEqual(["blocked", "unblocked", "deposited 50"]);
    const reset = await run([{ type: "transfer", amount: 50 }, { type: "reset" }]);
    expect([reset.a.balance, reset.b.balance, reset.workflows.length]).toEqual([100, 0, 0]);
  });

  it("refuses a malformed command", async () => {
    const model = new TransferWorkflowModel();
    await expect(model.apply({ type: "transfer", amount: 7 })).rejects.toThrow(
      new RegExp(`amount must be one of ${AMOUNTS.join(", ")}`),
    );
    await expect(model.apply({ type: "block", blocked: "yes" })).rejects.toThrow(/true or false/);
    await expect(model.apply({ type: "rollback" })).rejects.toThrow(/type must be one of/);
  });

  it("money is neither made nor lost, and the view is a pure function of the log", async () => {
    const command = fc.oneof(
      fc.record({ type: fc.constant("transfer"), amount: fc.constantFrom(...AMOUNTS) }),
      fc.record({ type: fc.constant("block"), blocked: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 8 }), async (log) => {
        const a = await run(log);
        expect(await run(log)).toEqual(a);
        expect(a.a.balance + a.b.balance).toBe(OPENING_BALANCE);
        expect(a.a.balance).toBeGreaterThanOrEqual(0);
        for (const flow of a.workflows) expect(isFinished(flow.status)).toBe(true);
        // B receives exactly the completed transfers.
        const completed = a.workflows.filter((w) => w.status === "completed");
        expect(a.b.balance).toBe(completed.reduce((sum, w) => sum + w.amount, 0));
      }),
      { numRuns: 30 },
    );
  });
});

describe("transfer workflow: resuming safely (crash, re-send, idempotency, timeout, parking)", () => {
  const apply = async (commands: unknown[]) => {
    const model = new TransferWorkflowModel();
    let view = await model.view();
    for (const command of commands) view = await model.apply(command);
    return view;
  };
  const transfer = (amount: number) => ({ type: "transfer", amount });

  it("a crash after A stored the withdrawal: the restarted workflow re-sends it, A does not charge twice, B gets the money", async () => {
    const crashed = await apply([{ type: "crash-after-withdrawal", armed: true }, transfer(50)]);
    expect(crashed.workflowsDown).toBe(true);
    expect(crashed.a.balance).toBe(50);
    expect(crashed.workflows[0]?.status).toBe("withdrawing");
    const view = await apply([
      { type: "crash-after-withdrawal", armed: true },
      transfer(50),
      { type: "restart" },
    ]);
    expect(view.workflows[0]?.status).toBe("completed");
    expect(view.workflows[0]?.sends.withdraw).toBe(2);
    expect(view.repeats).toBe(1);
    expect([view.a.balance, view.b.balance]).toEqual([50, 50]);
    expect(view.a.journal.filter((l) => l.text === "withdrew 50")).toHaveLength(1);
    expect(view.said).toMatch(/#1 recovered and re-sent .* recognised 1 repeat/);
  });

  it("without idempotency the re-send would charge A twice: the repeat is what the accounts catch", async () => {
    const view = await apply([
      { type: "crash-after-withdrawal", armed: true },
      transfer(20),
      { type: "restart" },
    ]);
    const charged = view.a.journal.filter(
      (l) => l.transfer === "transfer-1" && /withdrew/.test(l.text),
    );
    expect(charged).toHaveLength(1);
    expect(view.a.balance + view.b.balance).toBe(OPENING_BALANCE);
  });

  it("B unreachable: the deposit is sent again on each timeout, then given up and A is paid back", async () => {
    const view = await apply([{ type: "unreachable", unreachable: true }, transfer(50)]);
    const flow = view.workflows[0];
    expect(flow?.sends.deposit).toBe(MAX_ATTEMPTS);
    expect(flow?.status).toBe("compensated");
    expect(flow?.journal.map((l) => l.text)).toContain(
      `step 2 refused (no answer after ${MAX_ATTEMPTS} attempts): compensate`,
    );
    expect([view.a.balance, view.b.balance]).toEqual([100, 0]);
  });

  it("a refund that fails is parked for a human, not compensated again", async () => {
    const view = await apply([
      { type: "block", blocked: true },
      { type: "block", blocked: true, account: "A" },
      transfer(50),
    ]);
    expect(view.workflows[0]?.status).toBe("parked");
    expect([view.a.balance, view.b.balance]).toEqual([50, 0]);
    expect(view.said).toMatch(/parked for a human/);
  });
});

describe("transfer workflow under crashes and lost messages (property)", () => {
  it("once restarted, every workflow finishes and money is conserved, whatever crashes and losses happened", async () => {
    const command = fc.oneof(
      fc.record({ type: fc.constant("transfer"), amount: fc.constantFrom(...AMOUNTS) }),
      fc.record({ type: fc.constant("block"), blocked: fc.boolean() }),
      fc.record({ type: fc.constant("crash-after-withdrawal"), armed: fc.boolean() }),
      fc.record({ type: fc.constant("unreachable"), unreachable: fc.boolean() }),
      fc.constant({ type: "restart" }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 10 }), async (log) => {
        const view = await run([...log, { type: "restart" }]);
        expect(view.workflowsDown).toBe(false);
        for (const flow of view.workflows) expect(isFinished(flow.status)).toBe(true);
        expect(view.a.balance + view.b.balance).toBe(OPENING_BALANCE);
        const completed = view.workflows.filter((w) => w.status === "completed");
        expect(view.b.balance).toBe(completed.reduce((sum, w) => sum + w.amount, 0));
      }),
      { numRuns: 40 },
    );
  });
});
