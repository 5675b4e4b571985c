import { type Remote, releaseProxy, wrap } from "comlink";
import type { DemoLogs } from "./logs";
import type { DemoConfig, DemoWorkerApi } from "./serve";

/** What a demo's page side can do: send a command (recorded, applied, relayed) and stop. */
export interface DemoSession {
  send(command: unknown): void;
  dispose(): void;
}

export interface DemoHostOptions<V> {
  id: string;
  logs: DemoLogs;
  worker: Worker;
  /** The demo's settings from its markup, handed to the model's factory. */
  config?: DemoConfig;
  /** Called with the model's view once the log is applied; `changed` is false on first show. */
  render(view: V, changed: boolean): void;
  /** A command the model refused (a bad command from a peer, say), or a worker failure. */
  report(message: string): void;
}

/**
 * Connects a demo's UI to its model in a worker through the window's command log. Commands are
 * applied one at a time in log order, so the view is always the model's answer to a prefix of
 * the log; when a peer's longer log replaces ours, the model starts over and replays it.
 */
export function hostDemo<V>(options: DemoHostOptions<V>): DemoSession {
  const { id, logs, worker, render, report, config = {} } = options;
  const model: Remote<DemoWorkerApi<V>> = wrap(worker);
  let applied = 0;
  let restart = false;
  let running = false;
  let disposed = false;

  worker.addEventListener("error", (event) => {
    const message = `The demo's worker failed: ${event.message || "it could not load"}`;
    report(message);
    console.error(`demo ${id}: ${message}`);
  });

  const pump = async () => {
    if (running || disposed) return;
    running = true;
    try {
      let view: V | undefined;
      for (;;) {
        if (restart) {
          restart = false;
          applied = 0;
          await model.reset();
          view = (await model.view()) as V;
        }
        const log = logs.log(id);
        if (applied >= log.length) break;
        const command = log[applied++];
        try {
          view = (await model.apply(command)) as V;
        } catch (error) {
          report(error instanceof Error ? error.message : String(error));
        }
        if (disposed) return;
      }
      if (view !== undefined) render(view, true);
    } finally {
      running = false;
    }
    // A change that landed while the last command was in flight.
    if (restart || applied < logs.log(id).length) void pump();
  };

  const unsubscribe = logs.subscribe(id, (change) => {
    if (change.kind === "replace") restart = true;
    void pump();
  });

  void (async () => {
    await model.start(config);
    render((await model.view()) as V, false);
    await pump();
  })().catch((error: unknown) => report(String(error)));

  return {
    send: (command) => logs.send(id, command),
    dispose() {
      disposed = true;
      unsubscribe();
      model[releaseProxy]();
      worker.terminate();
    },
  };
}
