import { expose } from "comlink";
import type { DemoModel } from "./model";

/** Settings a demo takes from its markup (data attributes), the same in every window. */
export type DemoConfig = Readonly<Record<string, string>>;

/** What the page sees of a demo's worker (through comlink). */
export interface DemoWorkerApi<V> {
  /** Builds the model for this demo's settings; call it before anything else. */
  start(config: DemoConfig): void;
  /** Starts over from an empty log, with the same settings. */
  reset(): void;
  apply(command: unknown): Promise<V>;
  view(): V | Promise<V>;
}

/** Serves a model from inside its worker. */
export function serveModel<V>(create: (config: DemoConfig) => DemoModel<V>): void {
  let config: DemoConfig = {};
  let model: DemoModel<V> | undefined;
  const current = () => {
    model ??= create(config);
    return model;
  };
  const api: DemoWorkerApi<V> = {
    start(settings) {
      config = settings;
      model = create(config);
    },
    reset() {
      model = create(config);
    },
    apply: (command) => current().apply(command),
    view: () => current().view(),
  };
  expose(api);
}
