import type { DowningProvider } from "../downing/provider";
import { SplitBrainResolver } from "../downing/split-brain-resolver";
import { type ClusterSettings, DEFAULT_CLUSTER_SETTINGS } from "../settings";

/**
 * How long singletons and shards of a downed node wait, after its removal, before they start
 * elsewhere (Akka's `down-removal-margin`). The other side of a partition must have stopped its
 * copies by then. With the split-brain resolver it decides at the latest after stable-after
 * plus the down-all-when-unstable window, and a downed node then takes up to
 * `maxTicksBeforeShuttingDownWhenDown` gossip ticks to shut down; the margin covers all three.
 * (Akka uses stable-after alone; the property tests found seeds where an unstable minority was
 * still running its coordinator when the majority's margin ran out.) Other providers give 0:
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
