import { expose } from "comlink";
import type { DemoModel } from "./model";

/** What the page sees of a demo's worker (through comlink). */
export interface DemoWorkerApi<V> {
  /** Starts over from an empty log. */
  reset(): void;
  apply(command: unknown): Promise<V>;
  view(): V;
}

/** Serves a model from inside its worker. */
export function serveModel<V>(create: () => DemoModel<V>): void {
  let model = create();
  const api: DemoWorkerApi<V> = {
    reset() {
      model = create();
    },
    apply: (command) => model.apply(command),
    view: () => model.view(),
  };
  expose(api);
}
