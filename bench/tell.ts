import { ActorSystem, type Behavior, Behaviors, RealScheduler } from "@runtime";
import {
  dispatch as nactDispatch,
  start as nactStart,
  stop as nactStop,
  spawnStateless,
} from "nact";
import { assign, createActor, createMachine } from "xstate";
import { bestRate, type Section } from "./types";

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

function bareLoop(n: number): number {
  // The practical limit: an array queue and a function call per message, nothing else.
  const queue: Inc[] = [];
  let count = 0;
  const handle = (_m: Inc) => {
    count++;
  };
  for (let i = 0; i < n; i++) queue.push(INC);
  for (let head = 0; head < queue.length; head++) handle(queue[head] as Inc);
  return count;
}

function xstateTell(n: number): number {
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
    const repeats = quick ? 3 : 5;
    const runtime = await bestRate(repeats, () => runtimeTell(n));
    const bare = await bestRate(repeats, () => bareLoop(n));
    const xstate = await bestRate(repeats, () => xstateTell(quick ? 200_000 : 1_000_000));
    const nact = await bestRate(repeats, () => nactTell(quick ? 100_000 : 300_000));
    metrics["tell.runtime_msgs_per_s"] = Math.round(runtime);
    metrics["tell.bare_loop_msgs_per_s"] = Math.round(bare);
    metrics["tell.xstate_msgs_per_s"] = Math.round(xstate);
    metrics["tell.nact_msgs_per_s"] = Math.round(nact);
    metrics["tell.runtime_vs_bare_ratio"] = runtime / bare;
    metrics["tell.runtime_vs_xstate_ratio"] = runtime / xstate;
    metrics["tell.runtime_vs_nact_ratio"] = runtime / nact;
    log(`runtime ${(runtime / 1e6).toFixed(2)} M msg/s over ${n.toLocaleString()} messages`);
    log(
      `bare loop ${(bare / 1e6).toFixed(2)} M/s · xstate ${(xstate / 1e6).toFixed(2)} M/s · nact ${(nact / 1e6).toFixed(3)} M/s`,
    );
    log(
      `targets: ≥ 0.5× bare (got ${(runtime / bare).toFixed(2)}×), ≥ 10× xstate (got ${(runtime / xstate).toFixed(1)}×)`,
    );
  },
};
