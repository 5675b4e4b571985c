/** The cluster demo's fixed names, shared by its markup and its model (no runtime import here). */

/** The downing providers the demo can run: Akka's resolver, none (Akka's default), and auto-down. */
export type Downing = "keep-majority" | "none" | "auto-down";
export const DOWNING_MODES: readonly Downing[] = ["keep-majority", "none", "auto-down"];
export const NODES = ["node-1", "node-2", "node-3"] as const;
