import { SplitBrainResolver } from "../downing/split-brain-resolver";
import type { DowningProvider } from "../membership/downing-provider";
import { type ClusterSettings, DEFAULT_CLUSTER_SETTINGS } from "../membership/settings";

/**
 * How long singletons and shards of a downed node wait, after its removal, before they start
 * elsewhere (Akka's `down-removal-margin`). The other side of a partition must have stopped its
 * copies by then. With the split-brain resolver it decides at the latest after stable-after
 * plus the down-all-when-unstable window, and a downed node then takes up to
 * `maxTicksBeforeShuttingDownWhenDown` gossip ticks to shut down; the margin covers all three.
 * (Akka uses stable-after alone. That assumes both sides see the partition at the same time; a
 * minority that detects it late, or in steps, keeps resetting its stable-after and only stops
 * at down-all-when-unstable, counted from its own first change, and then needs the shutdown
 * ticks: the sharding property test's keep-majority seed 245273520, where a delayed link makes
 * node-3 flag its peers 4 s apart, runs an entity twice with the shorter margin.) Other
 * providers give 0:
 * auto-down makes no such promise (that is the lesson), and "none" never downs anyone.
 *
 * @example The margin per downing provider
 * ```ts
 * downRemovalMargin(new SplitBrainResolver({ strategy: { kind: "keep-majority" } })); // 39_000
 * downRemovalMargin(new AutoDowning(10_000)); // 0
 * ```
 */
export function downRemovalMargin(
  provider: DowningProvider,
  settings: ClusterSettings = DEFAULT_CLUSTER_SETTINGS,
): number {
  if (!(provider instanceof SplitBrainResolver)) return 0;
  const shutdown = settings.maxTicksBeforeShuttingDownWhenDown * settings.gossipIntervalMs;
  return provider.stableAfterMs + provider.downAllWhenUnstableMs + shutdown;
}
