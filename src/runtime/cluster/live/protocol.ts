import type { Address } from "../../sim/network";
import { AutoDowning, NoDowning } from "../downing/auto-down";
import {
  SplitBrainResolver,
  type SplitBrainResolverSettings,
} from "../downing/split-brain-resolver";
import type { DowningProvider } from "../membership/downing-provider";
import type { MemberStatus, UniqueAddress } from "../membership/member";
import type { ClusterSettings } from "../membership/settings";
import type { ShardingSettings } from "../sharding/settings";
import type { ShardingRecord } from "../sharding/trace";
import type { TraceRecord } from "../simulation/trace";
import type { WireMessage } from "./wire";

/**
 * A downing provider as data: a provider object cannot be posted to a worker, so each worker
 * builds its own from this. Lease-majority needs a shared lease and is not offered live.
 */
export type DowningSpec =
  | { readonly kind: "none" }
  | { readonly kind: "auto-down"; readonly afterMs: number }
  | {
      readonly kind: "split-brain-resolver";
      readonly settings: Omit<SplitBrainResolverSettings, "lease">;
    };

/** The provider a {@link DowningSpec} names. */
export function downingFrom(spec: DowningSpec): DowningProvider {
  switch (spec.kind) {
    case "none":
      return new NoDowning();
    case "auto-down":
      return new AutoDowning(spec.afterMs);
    case "split-brain-resolver":
      if (spec.settings.strategy.kind === "lease-majority")
        throw new RangeError(
          "DowningSpec.settings.strategy: lease-majority needs a shared lease, which live mode lacks",
        );
      return new SplitBrainResolver(spec.settings);
  }
}

/** How a node worker starts: everything plain, as `postMessage` clones it. */
export interface NodeStart {
  readonly kind: "start";
  readonly self: UniqueAddress;
  readonly settings: ClusterSettings;
  readonly downing: DowningSpec;
  readonly joinSelf: boolean;
  /** This node's roles (Akka's `akka.cluster.roles`); absent means none. */
  readonly roles?: readonly string[];
  /** Seeds the node's gossip-target and timer-phase choices. */
  readonly seed: number;
  /** Run cluster sharding on this node too. */
  readonly sharding?: LiveShardingSpec;
}

/**
 * Sharding on a live node. Entity behaviours are code, so the worker module brings them (see
 * `NodeRunnerOptions.entities`); this only names which to start, and the shared journal.
 */
export interface LiveShardingSpec {
  /** The store every node opens, e.g. an IndexedDB database name. */
  readonly journal: string;
  readonly entities: readonly {
    readonly typeName: string;
    readonly settings?: Partial<ShardingSettings>;
  }[];
}

/** One member as a node sees it, for {@link LiveNodeState}. */
export interface LiveMemberView {
  readonly address: Address;
  readonly uid: number;
  readonly status: MemberStatus;
  readonly reachable: boolean;
  /** The member's roles, as it joined with them. */
  readonly roles: readonly string[];
}

/** A node's view, answered on request (a plain copy of `ClusterNode.state()`). */
export interface LiveNodeState {
  readonly self: UniqueAddress;
  readonly phase: string;
  readonly members: readonly LiveMemberView[];
  readonly leader: Address | null;
}

/** Main thread → node worker. */
export type ToNode =
  | NodeStart
  | { readonly kind: "deliver"; readonly from: Address; readonly message: WireMessage }
  | { readonly kind: "leave" }
  | {
      /** Ask an entity, through this node's region; `command` gets a `replyTo` added. */
      readonly kind: "ask";
      readonly id: number;
      readonly typeName: string;
      readonly entityId: string;
      readonly command: Readonly<Record<string, unknown>>;
      readonly timeoutMs: number;
    }
  | { readonly kind: "state"; readonly id: number };

/** Node worker → main thread. */
export type FromNode =
  | { readonly kind: "send"; readonly to: Address; readonly message: WireMessage }
  | { readonly kind: "trace"; readonly record: TraceRecord }
  | { readonly kind: "state"; readonly id: number; readonly state: LiveNodeState | null }
  | { readonly kind: "terminated"; readonly reason: string }
  | { readonly kind: "sharding"; readonly record: ShardingRecord }
  | { readonly kind: "answer"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: "answer"; readonly id: number; readonly ok: false; readonly error: string };
