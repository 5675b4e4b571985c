import type { DemoLogs } from "./logs";

/**
 * Hydrates live demos, and only them: a demo is static markup (`[data-demo]`) until its slide
 * comes near, then its UI module and its worker load. This file ships with every deck, so it
 * holds nothing but the map from demo kind to a dynamic import.
 */

/** A demo's UI module: binds the static markup to a worker; returns how to stop it. */
export type MountDemo = (root: HTMLElement, id: string, logs: DemoLogs) => () => void;

const modules: Record<string, () => Promise<{ mount: MountDemo }>> = {
  "bank-console": () => import("./bank/ui"),
  mailbox: () => import("./mailbox/ui"),
  "replay-lab": () => import("./replay/ui"),
  "chat-thread": () => import("./chat/ui"),
  "snapshot-slider": () => import("./snapshots/ui"),
  cluster: () => import("./cluster/ui"),
  "persist-vs-async": () => import("./persist/ui"),
  "replay-benchmark": () => import("./benchmark/ui"),
  "transfer-workflow": () => import("./transfer/ui"),
  "read-side": () => import("./readside/ui"),
};

const running = new WeakMap<HTMLElement, Promise<(() => void) | undefined>>();

function fail(root: HTMLElement, error: unknown): undefined {
  root.dataset.demoState = "failed";
  const status = root.querySelector<HTMLElement>("[data-part=status]");
  if (status) status.textContent = `The live demo could not start: ${String(error)}`;
  console.error(error);
  return undefined;
}

/** Starts one demo (once; later calls are no-ops). */
export function hydrate(root: HTMLElement, logs: DemoLogs): void {
  if (running.has(root)) return;
  const kind = root.dataset.demo ?? "";
  const id = root.dataset.demoId ?? kind;
  const load = modules[kind];
  if (!load) {
    running.set(root, Promise.resolve(fail(root, new Error(`unknown demo kind "${kind}"`))));
    return;
  }
  root.dataset.demoState = "loading";
  running.set(
    root,
    load().then(
      ({ mount }) => {
        const stop = mount(root, id, logs);
        // A panel that scrolls must take keyboard focus, or a keyboard user cannot scroll it.
        for (const panel of root.querySelectorAll<HTMLElement>(".demo-scroll")) panel.tabIndex = 0;
        root.dataset.demoState = "live";
        return stop;
      },
      (error: unknown) => fail(root, error),
    ),
  );
}

/** Starts every demo inside `container`. */
export function hydrateDemos(container: ParentNode, logs: DemoLogs): void {
  for (const root of container.querySelectorAll<HTMLElement>("[data-demo]")) hydrate(root, logs);
}

/** Stops every demo inside `container` (its worker is terminated). */
export function disposeDemos(container: ParentNode): void {
  for (const root of container.querySelectorAll<HTMLElement>("[data-demo]")) {
    const stopping = running.get(root);
    running.delete(root);
    void stopping?.then((stop) => stop?.());
  }
}

/** Present mode: the demos on the current slide and its neighbours. */
export function hydrateNear(slides: readonly HTMLElement[], index: number, logs: DemoLogs): void {
  for (let i = index - 1; i <= index + 1; i++) {
    const slide = slides[i];
    if (slide) hydrateDemos(slide, logs);
  }
}

/** Reading mode: each demo when it scrolls within a screen of the viewport. */
export function hydrateWhenVisible(container: ParentNode, logs: DemoLogs): void {
  const roots = [...container.querySelectorAll<HTMLElement>("[data-demo]")];
  if (roots.length === 0) return;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        hydrate(entry.target as HTMLElement, logs);
      }
    },
    { rootMargin: "100% 0px" },
  );
  for (const root of roots) observer.observe(root);
}
