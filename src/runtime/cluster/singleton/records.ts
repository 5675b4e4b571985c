import type { UniqueAddress } from "../membership/member";

/**
 * What a singleton manager reports: an instance started or stopped on one node incarnation, at
 * virtual time `at`. Checkers pair them up to prove that an instance never runs twice.
 *
 * @example
 * const starts = trace.records.filter((r) => r.type === "singletonStarted" && r.name === "scoreboard");
 */
export type SingletonRecord =
  | {
      readonly at: number;
      readonly type: "singletonStarted";
      readonly name: string;
      readonly node: UniqueAddress;
    }
  | {
      readonly at: number;
      readonly type: "singletonStopped";
      readonly name: string;
      readonly node: UniqueAddress;
      /** "hand-over": stopped for a younger oldest; "node-stopped": its node crashed or left. */
      readonly reason: "hand-over" | "node-stopped";
    }
  | {
      /** The previous oldest confirmed that its instance is stopped (`HandOverDone`). */
      readonly at: number;
      readonly type: "singletonHandOver";
      readonly name: string;
      readonly from: UniqueAddress;
      readonly to: UniqueAddress;
    };
