import type { Difference } from "./runtime-vs-akka";

/**
 * The cluster's differences from Akka (membership, split-brain resolver, sharding), spread into
 * `differences`. Each split-brain resolver option listed here is off by default: the defaults
 * are Akka's, and `src/runtime/cluster/conformance` runs Akka's own cases against them.
 */
export const clusterDifferences: readonly Difference[] = [
  {
    id: "cluster-simulation",
    area: "simulation",
    title: "The cluster runs in a deterministic simulation",
    akka: "Every node is a JVM; nodes talk over Artery (TCP or Aeron), time is the wall clock, and multi-node behaviour is tested with the multi-JVM test kit.",
    runtime:
      "`ClusterSimulation` runs every node in one thread on a virtual clock over a simulated network with seeded delays, losses, partitions and crashes; the same seed replays the same run. `LiveCluster` runs the same node code with one Web Worker per node and a relay in place of the network. With Akka's defaults a crash fails over in 50 simulated seconds (`npm run bench`, `sim.failover_keep_majority_s`), against the about 45 s Akka's split-brain resolver docs give (failure detection 5 s + stable-after 20 s + down-removal-margin 20 s); the simulation also counts the removal, the shard's reallocation and recovery.",
    why: "Learners can watch a partition second by second and replay a failing seed exactly, in the browser; property tests check thousands of fault schedules in CI.",
    runtimeOnly: true,
  },
  {
    id: "simulated-lease",
    area: "simulation",
    title: "The lease is simulated",
    akka: "lease-majority uses a real `Lease` implementation (Kubernetes, or your own) reached over the network.",
    runtime:
      "`SimulatedLease` is one store every node reaches with a fixed latency, even across partitions, and frees a lease its holder stops renewing after a TTL.",
    why: "No external system in the browser; the lease's timing (release-after, acquire delay) is what the lessons need.",
  },
  {
    id: "one-data-center",
    area: "cluster",
    title: "One data center",
    akka: "Members carry a data center; the split-brain resolver, the leader and the oldest member are per data center.",
    runtime:
      'Every member is in the one data center; there is no data-center setting. So these cases of Akka\'s specs are not ported (the conformance suite ports the rest, with one data center): GossipSpec\'s "have correct test setup", "have a leader per data center", "reach convergence per data center" (and its three variants with unseen or unreachable members in another data center), the two "not reach convergence for first member of other data center" cases and the two "ignore cross data center unreachability" cases; MembershipStateSpec\'s "sort by upNumber for oldest top members" (used for cross-data-center gossip) and "find two oldest in DC as targets for Exiting change" (with one data center, the same as the first case).',
    why: "Multi-data-center clusters are out of the workshop's scope.",
  },
  {
    id: "sharding-coordinator-store",
    area: "sharding",
    title: "The shard coordinator is event-sourced, without snapshots",
    akka: "Since Akka 2.6 the coordinator keeps its state in Distributed Data (`state-store-mode = ddata`, the default); the older persistence mode (`PersistentShardCoordinator`, deprecated) stores the events `ShardRegionRegistered`, `ShardRegionProxyRegistered`, `ShardHomeAllocated`, `ShardHomeDeallocated`, `ShardRegionTerminated` and `ShardRegionProxyTerminated`, snapshots every 1,000 events and deletes what the snapshot covers. Without remember-entities, a shard that lost its home gets a new one on the next message for it; work queued by the coordinator for itself (`self ! GetShardHome`) waits behind commands stashed during the write.",
    runtime:
      "The persistence mode: the coordinator is an `EventSourcedBehavior` with those events (no snapshots, nothing deleted), replayed by its successor. A shard that lost its home is allocated at once, one write each, and what a step queues for itself (those allocations, requests that waited for a hand-off) comes before newer commands.",
    why: "The simulation's journal is the one store every node reaches, and the events make the coordinator's decisions readable in the trace and the journal tape. Eager allocation keeps the demos' picture of the allocation complete and lets rebalancing settle without traffic; entities still start lazily unless remembered.",
  },
  {
    id: "addresses",
    area: "cluster",
    title: "Addresses are plain strings",
    akka: "`akka://system@host:port`, ordered by host then port.",
    runtime:
      "`node-1`, `node-2`, … with a UID per incarnation, in natural order (digit runs compare as numbers, so node-2 sorts before node-10).",
    why: "Short names read better in traces and demos; the order plays the same role (the lowest address wins a keep-majority tie).",
  },
  {
    id: "late-detection-removal-margin",
    area: "cluster",
    title: "A longer removal margin, by name",
    akka: "`down-removal-margin` defaults to the resolver's stable-after (20 s).",
    runtime:
      "The same by default. `downRemovalMargin: LATE_DETECTION_MARGIN` adds the down-all-when-unstable window and the ticks a downed node takes to shut down (39 s with the other defaults).",
    why: "Akka's margin assumes both sides see the partition at about the same time; a side that flags its peers one by one stops later. The sharding property test (keep-majority seed 245273520) runs an entity twice with Akka's margin and never with this one.",
    option: "SplitBrainResolverSettings.downRemovalMargin = LATE_DETECTION_MARGIN",
  },
  {
    id: "sbr-keep-oldest-alone-after-indirect",
    area: "cluster",
    title: "keep-oldest: never the oldest alone after downing indirectly connected nodes",
    akka: "Downs the indirectly connected nodes and keeps the oldest, which is fully connected as far as it knows.",
    runtime:
      "The same by default. With the option and down-if-alone, the oldest downs itself too when it would be left alone against two or more.",
    why: "The two may have just been cut off from it rather than from each other, and then down it on their side: two coordinators (sharding property seed 1809421721).",
    option: "keep-oldest downIfAloneAfterIndirectlyConnected: true",
  },
  {
    id: "sbr-static-quorum-after-indirect",
    area: "cluster",
    title: "static-quorum: never below the quorum after downing indirectly connected nodes",
    akka: "Downs the indirectly connected nodes and keeps the rest, however few.",
    runtime: "The same by default. With the option, a side left below the quorum downs itself too.",
    why: "The node linking them may have just been cut off itself (sharding property seed 79688312).",
    option: "static-quorum downAllBelowQuorumAfterIndirectlyConnected: true",
  },
  {
    id: "sbr-ignore-observations-of-downed",
    area: "cluster",
    title: "Stale observations of downed members",
    akka: "Every unreachable record between members of the data center counts when looking for indirectly connected nodes.",
    runtime:
      "The same by default. With the option, records made by or about a member that is already down are left out.",
    why: "Nobody clears them once the link heals; a cut-off node took a peer for indirectly connected because of one and kept itself (keep-oldest seed 319995001).",
    option: "ignoreObservationsOfDownedMembers: true",
  },
  {
    id: "sbr-count-downed-unreachable",
    area: "cluster",
    title: "Downed but unreachable members count on the other side",
    akka: "keep-majority and keep-oldest leave down members out of the count.",
    runtime:
      "The same by default. With the option, members this side downed but still flags unreachable (not removed, not heard from) count on the unreachable side.",
    why: "The down may never have reached them; a node won a 1–1 tie it could not know about (keep-majority seed 805382295).",
    option: "countDownedUnreachableMembers: true",
  },
  {
    id: "sbr-lease-leaving-side",
    area: "cluster",
    title: "lease-majority: a side of leavers downs itself",
    akka: "Asks for the lease like any side.",
    runtime:
      "The same by default. With the option, a side made only of leaving members downs itself instead.",
    why: "The leavers may already be removed on the other side, which then never contends for the lease; taking it would down the real cluster (seed 435).",
    option: "lease-majority leavingSideDownsItself: true",
  },
  {
    id: "sbr-lease-hold-for-later-downs",
    area: "cluster",
    title: "lease-majority: hold the lease for later decisions too",
    akka: "A decision taken under a lease already held does not extend its hold; it is released release-after (40 s) after the first decision's nodes are removed.",
    runtime:
      "The same by default. With the option, the lease is held until the later decision's nodes are removed too.",
    why: "With a release-after shorter than the other side's decision, the lease goes free while a node downed later still runs (seed 505 with release-after 14 s). Akka's 40 s covers it, which is why lease timing matters: seed 447916574 runs two coordinators with a 10 s release-after and none with 40 s.",
    option: "lease-majority holdLeaseUntilLaterDownsRemoved: true",
  },
  {
    id: "sbr-custom-strategy",
    area: "cluster",
    title: "A split-brain resolver strategy of your own",
    akka: "Five built-in strategies; anything else means writing a whole `DowningProvider`.",
    runtime:
      '`{ kind: "custom", name, decide(view) }` plugs a decision function into the resolver, which keeps leadership, stable-after, down-all-when-unstable and which nodes a decision downs.',
    why: "The split-brain lab has learners write the decision and nothing else.",
    runtimeOnly: true,
  },
];
