import type { DowningProvider } from "../downing/provider";
import { SplitBrainResolver } from "../downing/split-brain-resolver";

/**
 * How long singletons and shards of a downed node wait, after its removal, before they start
 * elsewhere: Akka's `down-removal-margin`, which the split-brain resolver sets to its
 * stable-after. The other side of a partition decides on the same stable picture and stops its
 * nodes within that time, so the old copy is gone before the new one starts. Other providers
 * give 0: auto-down makes no such promise (that is the lesson), and "none" never downs anyone.
 *
 * @example
 * downRemovalMargin(new SplitBrainResolver({ strategy: { kind: "keep-majority" } })); // 20_000
 * downRemovalMargin(new AutoDowning(10_000)); // 0
 */
export function downRemovalMargin(provider: DowningProvider): number {
  return provider instanceof SplitBrainResolver ? provider.stableAfterMs : 0;
}
