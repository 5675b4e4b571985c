/**
 * The entry module of a live-mode node worker: bundle it as a worker script and hand
 * `LiveCluster` a way to start it. Everything it does is in {@link nodeRunner}.
 */
import { RealScheduler } from "../../sim/real-scheduler";
import { nodeRunner } from "./node-runner";
import type { FromNode, ToNode } from "./protocol";

interface WorkerScope {
  postMessage(message: FromNode): void;
  onmessage: ((event: { readonly data: ToNode }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const receive = nodeRunner((message) => scope.postMessage(message), new RealScheduler());
scope.onmessage = (event) => receive(event.data);
