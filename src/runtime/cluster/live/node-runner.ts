import { SeededRandom } from "../../sim/random";
import type { Scheduler } from "../../sim/scheduler";
import { ClusterNode } from "../cluster-node";
import { nodeKey } from "../member";
import { clusterSettings } from "../settings";
import { ClusterTrace } from "../trace";
import { PortTransport } from "./port-transport";
import { downingFrom, type FromNode, type LiveNodeState, type ToNode } from "./protocol";

/**
 * The inside of a node worker, without the worker: give it a way to post to the relay and a
 * scheduler, and feed it what the relay posts. The first message must be `start`; it builds one
 * {@link ClusterNode} on a {@link PortTransport}, streams the node's trace records to the relay,
 * and reports when the node stops on its own (downed, left, removed).
 *
 * @example
 * const receive = nodeRunner((m) => self.postMessage(m), new RealScheduler());
 * self.onmessage = (e) => receive(e.data);
 */
export function nodeRunner(
  post: (message: FromNode) => void,
  scheduler: Scheduler,
): (message: ToNode) => void {
  const transport = new PortTransport(post);
  let node: ClusterNode | undefined;
  return (message) => {
    switch (message.kind) {
      case "start": {
        if (node !== undefined) throw new Error(`node worker ${nodeKey(node.self)}: started twice`);
        // Records are not kept here: the relay keeps the one trace of the whole cluster.
        const trace = new ClusterTrace(false);
        trace.subscribe((record) => post({ kind: "trace", record }));
        node = new ClusterNode({
          self: message.self,
          network: transport,
          scheduler,
          random: new SeededRandom(message.seed),
          trace,
          settings: clusterSettings(message.settings),
          downing: downingFrom(message.downing),
          joinSelf: message.joinSelf,
        });
        node.onTerminated((reason) => post({ kind: "terminated", reason }));
        return;
      }
      case "deliver":
        transport.deliver(message.from, message.message);
        return;
      case "leave":
        node?.leave();
        return;
      case "state":
        post({ kind: "state", id: message.id, state: node === undefined ? null : stateOf(node) });
        return;
    }
  };
}

function stateOf(node: ClusterNode): LiveNodeState {
  const s = node.state();
  const unreachable = new Set(s.unreachable.map((m) => nodeKey(m.node)));
  return {
    self: node.self,
    phase: s.phase,
    members: s.members.map((m) => ({
      address: m.node.address,
      uid: m.node.uid,
      status: m.status,
      reachable: !unreachable.has(nodeKey(m.node)),
    })),
    leader: s.leader?.address ?? null,
  };
}
