import type { ClusterNode } from "../membership/cluster-node";
import { nodeKey, type UniqueAddress } from "../membership/member";
import type { ReplicatorMessage, ReplicatorTransport } from "./protocol";

const CHANNEL = "ddata";
const HOLDS_REPLICA = new Set(["weakly-up", "up", "leaving"]);

/**
 * Carries a `Replicator`'s messages between cluster nodes over the simulated network: replica ids
 * are node keys (`address#uid`), the replicas are this node's members that are weakly up, up or
 * leaving, and messages travel on the node's "ddata" channel, addressed to one incarnation.
 *
 * @example A replicator on every simulated node
 * ```ts
 * declare const sim: ClusterSimulation;
 * sim.onNodeStarted((node) => {
 *   const replicator = new Replicator({
 *     transport: replicatorTransport(node, sim.scheduler),
 *     random: new SeededRandom(1).fork(node.selfKey),
 *   });
 *   node.onTerminated(() => replicator.stop());
 * });
 * ```
 */
export function replicatorTransport(
  node: ClusterNode,
  scheduler: ReplicatorTransport["scheduler"],
): ReplicatorTransport {
  const byKey = (key: string): UniqueAddress | undefined =>
    node.membershipState().gossip.member(key)?.node;
  return {
    self: node.selfKey,
    scheduler,
    members: () => {
      const keys = node
        .state()
        .members.filter((m) => HOLDS_REPLICA.has(m.status))
        .map((m) => nodeKey(m.node));
      return keys.includes(node.selfKey) ? keys : [...keys, node.selfKey];
    },
    send: (to, message) => {
      const target = byKey(to);
      if (target !== undefined) node.send(target, CHANNEL, message);
    },
    onMessage: (handler) =>
      node.receiveOn(CHANNEL, (from, payload) =>
        handler(nodeKey(from), payload as ReplicatorMessage),
      ),
  };
}
