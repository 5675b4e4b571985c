import { LATE_DETECTION_MARGIN, SplitBrainResolver } from "../downing/split-brain-resolver";
import type { DowningProvider } from "../membership/downing-provider";
import { type ClusterSettings, DEFAULT_CLUSTER_SETTINGS } from "../membership/settings";

/**
 * How long singletons and shards of a downed node wait, after its removal, before they start
 * elsewhere (Akka's `down-removal-margin`). The other side of a partition must have stopped its
 * copies by then. With the split-brain resolver it is stable-after, as in Akka, unless the
 * resolver's `downRemovalMargin` says otherwise: a number of ms, or
 * {@link LATE_DETECTION_MARGIN} (not in Akka), which adds the down-all-when-unstable window and
 * the `maxTicksBeforeShuttingDownWhenDown` gossip ticks a downed node takes to shut down. Other
 * providers give 0: auto-down makes no such promise (that is the lesson), and "none" never downs
 * anyone.
 *
 * @example The margin per downing provider
 * ```ts
 * downRemovalMargin(new SplitBrainResolver({ strategy: { kind: "keep-majority" } })); // 20_000
 * downRemovalMargin(
 *   new SplitBrainResolver({ strategy: { kind: "keep-majority" }, downRemovalMargin: "late-detection" }),
 * ); // 39_000
 * downRemovalMargin(new AutoDowning(10_000)); // 0
 * ```
 */
export function downRemovalMargin(
  provider: DowningProvider,
  settings: ClusterSettings = DEFAULT_CLUSTER_SETTINGS,
): number {
  if (!(provider instanceof SplitBrainResolver)) return 0;
  const margin = provider.settings.downRemovalMargin ?? "stable-after";
  if (typeof margin === "number") return margin;
  if (margin === "stable-after") return provider.stableAfterMs;
  const shutdown = settings.maxTicksBeforeShuttingDownWhenDown * settings.gossipIntervalMs;
  return provider.stableAfterMs + provider.downAllWhenUnstableMs + shutdown;
}
