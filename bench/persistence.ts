import {
  type ActorRef,
  ActorSystem,
  type Behavior,
  Behaviors,
  Effect,
  EventSourcedBehavior,
  InMemoryJournal,
  InMemorySnapshotStore,
  Persistence,
  RealScheduler,
} from "@runtime";
import { type Added, addedEvents } from "./events";
import { interleave, type Section } from "./types";

type Cmd = { type: "add"; n: number; replyTo: ActorRef<number> };

function counter(id: number, eventsPerCommand: number, onRecovered?: (total: number) => void) {
  return EventSourcedBehavior.create<Cmd, Added, { total: number }>({
    persistenceId: `counter-${id}`,
    emptyState: { total: 0 },
    commandHandler: (_state, cmd) => {
      const events: Added[] = [];
      for (let i = 0; i < eventsPerCommand; i++) events.push({ type: "added", n: cmd.n });
      return Effect.persist(events).thenReply(cmd.replyTo, (s) => s.total);
    },
    eventHandler: (state, evt) => ({ total: state.total + evt.n }),
  }).receiveSignal((_s, signal) => {
    if (signal.type === "RecoveryCompleted") onRecovered?.(signal.state.total);
  });
}

/**
 * 1,000 entities each handle `commands` commands; returns events stored per second. With
 * `immediateWrites: false` the journal acknowledges each write later, as IndexedDB does, and
 * the commands waiting meanwhile go through each entity's stash.
 */
async function persistRate(
  entities: number,
  commands: number,
  eventsPerCommand: number,
  immediateWrites = true,
): Promise<number> {
  const journal = new InMemoryJournal({ immediateWrites });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let replies = 0;
  const total = entities * commands;
  const system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "persist", {
    scheduler: new RealScheduler(),
  });
  Persistence.register(system as ActorSystem<unknown>, {
    journal,
    snapshotStore: new InMemorySnapshotStore(),
  });
  const replyTo = {
    tell() {
      if (++replies === total) done();
    },
  } as unknown as ActorRef<number>;
  const refs = Array.from({ length: entities }, (_, i) =>
    system.systemActorOf(counter(i, eventsPerCommand), `c${i}`),
  );
  await new Promise((r) => setTimeout(r, 10)); // let every entity finish its (empty) recovery
  const start = performance.now();
  // Every command is sent at once: each entity stashes while its write is in flight.
  for (let c = 0; c < commands; c++)
    for (const ref of refs) ref.tell({ type: "add", n: 1, replyTo });
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await system.terminate();
  if ((await journal.highestSequenceNr("counter-0")) !== commands * eventsPerCommand)
    throw new Error("lost events");
  return (total * eventsPerCommand) / seconds;
}

/** Talk 2's workload: `actors` actors recover `total` events in all from the in-memory journal. */
async function recoveryRate(
  actors: number,
  total: number,
): Promise<{ rate: number; seconds: number }> {
  const journal = new InMemoryJournal();
  const perActor = Math.floor(total / actors);
  for (let a = 0; a < actors; a++) {
    await journal.append(addedEvents(`counter-${a}`, 1, perActor));
  }
  let recovered = 0;
  let sum = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const system = ActorSystem.create(Behaviors.ignore as Behavior<never>, "recover", {
    scheduler: new RealScheduler(),
  });
  Persistence.register(system as ActorSystem<unknown>, {
    journal,
    snapshotStore: new InMemorySnapshotStore(),
  });
  const start = performance.now();
  for (let a = 0; a < actors; a++) {
    system.systemActorOf(
      counter(a, 1, (total) => {
        sum += total;
        if (++recovered === actors) done();
      }),
      `c${a}`,
    );
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await system.terminate();
  // Every event must really have been replayed into the state.
  if (sum !== perActor * actors) throw new Error(`recovered ${sum} of ${perActor * actors} events`);
  return { rate: (perActor * actors) / seconds, seconds };
}

export const persistenceSection: Section = {
  name: "persistence",
  async run({ quick, metrics, log }) {
    const commands = quick ? 100 : 500;
    // Writes acknowledged later are what a durable journal (IndexedDB) does: the headline. The
    // in-memory journal's synchronous write (`appendNow`) has a name of its own, since no
    // durable journal can take that path.
    const result = await interleave(
      [
        { name: "later", once: () => persistRate(1_000, commands, 1, false) },
        { name: "sync", once: () => persistRate(1_000, commands, 1, true) },
        { name: "batched10", once: () => persistRate(1_000, commands / 5, 10, false) },
      ],
      quick ? 2 : 5,
    );
    const names: Record<string, string> = {
      later: "persist.memory_events_per_s",
      sync: "persist.memory_sync_events_per_s",
      batched10: "persist.memory_batched10_events_per_s",
    };
    for (const [arm, metric] of Object.entries(names)) {
      metrics[metric] = Math.round(result.best(arm));
      metrics[metric.replace("_per_s", "_per_s_median")] = Math.round(result.median(arm));
    }
    const m = (arm: string) =>
      `best ${(result.best(arm) / 1e6).toFixed(2)} M/s, median ${(result.median(arm) / 1e6).toFixed(2)} M/s`;
    log(
      `persist, 1,000 entities, one event per command, writes acknowledged later: ${m("later")} (target ≥ 2 M/s)`,
    );
    log(`  the same in atomic batches of 10 events: ${m("batched10")}`);
    log(
      `  the in-memory journal's synchronous write (no durable journal can do this): ${m("sync")}`,
    );

    const total = quick ? 500_000 : 5_000_000;
    const recovery = await recoveryRate(1_000, total);
    metrics["recovery.memory_events_per_s"] = Math.round(recovery.rate);
    if (!quick) metrics["recovery.memory_5m_s"] = recovery.seconds;
    log(
      `recovery: ${total.toLocaleString()} events by 1,000 actors in ${recovery.seconds.toFixed(2)} s = ${(recovery.rate / 1e6).toFixed(2)} M events/s` +
        (quick
          ? ""
          : " (for scale only, not measured here: talk 2 reports about 90 s for its own recovery of 5M events, on its own hardware, journal and workload)"),
    );
  },
};
