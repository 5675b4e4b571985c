import { ActorSystem, type Behavior, Behaviors, RealScheduler } from "@runtime";
import {
  dispatch as nactDispatch,
  start as nactStart,
  stop as nactStop,
  spawnStateless,
} from "nact";
import { assign, createActor, createMachine, fromTransition } from "xstate";
import { interleave, type Section } from "./types";

/** The same work everywhere: count one message, and notice when the last one arrived. */
interface Inc {
  readonly type: "inc";
}
const INC: Inc = { type: "inc" };

async function runtimeTell(n: number): Promise<number> {
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let count = 0;
  const counter: Behavior<Inc> = Behaviors.receiveMessage(() => {
    if (++count === n) done();
    return Behaviors.same;
  });
  const system = ActorSystem.create(counter, "bench", { scheduler: new RealScheduler() });
  const ref = system.ref;
  for (let i = 0; i < n; i++) ref.tell(INC);
  await finished;
  await system.terminate();
  return count;
}

/**
 * The practical limit: a steady-state dispatch loop over a reused ring buffer, a call per message
 * and nothing else. It enqueues a batch, then drains it, as a mailbox at a steady rate does; the
 * buffer is allocated once, so no run pays for growing memory.
 */
const RING_SIZE = 4096;
const ring: Inc[] = new Array<Inc>(RING_SIZE).fill(INC);
function ringLoop(n: number): number {
  const mask = RING_SIZE - 1;
  let head = 0;
  let tail = 0;
  let count = 0;
  const handle = (_m: Inc) => {
    count++;
  };
  for (let sent = 0; sent < n; ) {
    const batch = Math.min(RING_SIZE, n - sent);
    for (let i = 0; i < batch; i++) ring[tail++ & mask] = INC;
    sent += batch;
    while (head !== tail) handle(ring[head++ & mask] as Inc);
  }
  return count;
}

/** XState's heaviest common path: a machine whose transition assigns to context. */
function xstateMachineTell(n: number): number {
  const machine = createMachine({
    context: { count: 0 },
    on: { inc: { actions: assign({ count: ({ context }) => context.count + 1 }) } },
  });
  const actor = createActor(machine).start();
  for (let i = 0; i < n; i++) actor.send(INC);
  const count = actor.getSnapshot().context.count;
  actor.stop();
  if (count !== n) throw new Error(`xstate counted ${count} of ${n}`);
  return count;
}

/** XState's fastest idiomatic actor: `fromTransition`, a reducer with no machine around it. */
function xstateTransitionTell(n: number): number {
  const logic = fromTransition((count: number, _event: Inc) => count + 1, 0);
  const actor = createActor(logic).start();
  for (let i = 0; i < n; i++) actor.send(INC);
  const count = actor.getSnapshot().context;
  actor.stop();
  if (count !== n) throw new Error(`xstate fromTransition counted ${count} of ${n}`);
  return count;
}

async function nactTell(n: number): Promise<number> {
  const system = nactStart();
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const actor = spawnStateless(system, () => {
    if (++count === n) done();
  });
  for (let i = 0; i < n; i++) nactDispatch(actor, INC);
  await finished;
  nactStop(system);
  return count;
}

export const tellSection: Section = {
  name: "tell",
  async run({ quick, metrics, log }) {
    const n = quick ? 1_000_000 : 10_000_000;
    const rounds = quick ? 3 : 7;
    // Each arm handles enough messages for a run of 50 ms or more at its own speed.
    const result = await interleave(
      [
        { name: "runtime", once: () => runtimeTell(n) },
        { name: "ring", once: () => ringLoop(n) },
        {
          name: "xstate_transition",
          once: () => xstateTransitionTell(quick ? 500_000 : 2_000_000),
        },
        { name: "xstate", once: () => xstateMachineTell(quick ? 200_000 : 1_000_000) },
        { name: "nact", once: () => nactTell(quick ? 100_000 : 300_000) },
      ],
      rounds,
    );
    const names: Record<string, string> = {
      runtime: "tell.runtime_msgs_per_s",
      ring: "tell.ring_loop_msgs_per_s",
      xstate_transition: "tell.xstate_transition_msgs_per_s",
      xstate: "tell.xstate_msgs_per_s",
      nact: "tell.nact_msgs_per_s",
    };
    for (const [arm, metric] of Object.entries(names)) {
      metrics[metric] = Math.round(result.best(arm));
      metrics[metric.replace("_per_s", "_per_s_median")] = Math.round(result.median(arm));
      log(
        `${arm.padEnd(18)} best ${(result.best(arm) / 1e6).toFixed(2)} M/s · median ${(result.median(arm) / 1e6).toFixed(2)} M/s`,
      );
    }
    for (const peer of ["ring", "xstate_transition", "xstate", "nact"]) {
      const ratio = result.ratio("runtime", peer);
      const metric = `tell.runtime_vs_${peer === "ring" ? "ring_loop" : peer}_ratio`;
      metrics[metric] = ratio.median;
      metrics[`${metric}_best`] = ratio.best;
      log(
        `runtime ÷ ${peer}: median ${ratio.median.toFixed(2)}× (best round ${ratio.best.toFixed(2)}×)`,
      );
    }
    log(
      `targets: ≥ 0.5× the ring loop (median ${result.ratio("runtime", "ring").median.toFixed(2)}×), ≥ 2× xstate fromTransition (median ${result.ratio("runtime", "xstate_transition").median.toFixed(2)}×); ${rounds} interleaved rounds`,
    );
  },
};
