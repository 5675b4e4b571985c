import type { Address } from "../../sim/network";

/**
 * One incarnation of a node: its address plus a UID drawn when the node starts. A node that
 * restarts keeps its address and gets a new UID, so the cluster can tell the old incarnation
 * (maybe downed, never to return) from the new one.
 */
export interface UniqueAddress {
  readonly address: Address;
  readonly uid: number;
}

const keys = new WeakMap<UniqueAddress, string>();

/** A stable string key for maps and sets: `address#uid`. */
export function nodeKey(node: UniqueAddress): string {
  // Memoised per object: the same UniqueAddress travels in every gossip, and rebuilding (and
  // rehashing) the string on each map lookup was a hot spot.
  let key = keys.get(node);
  if (key === undefined) {
    key = `${node.address}#${node.uid}`;
    keys.set(node, key);
  }
  return key;
}

/**
 * Natural order of addresses: digit runs compare as numbers, so "node-2" sorts before
 * "node-10". Akka sorts by host then port; this is the same idea for our one-string addresses,
 * and it never depends on the host's locale.
 */
export function compareAddresses(a: Address, b: Address): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      const na = Number(a.slice(i, ei));
      const nb = Number(b.slice(j, ej));
      if (na !== nb) return na < nb ? -1 : 1;
      i = ei;
      j = ej;
    } else {
      if (ca !== cb) return ca < cb ? -1 : 1;
      i++;
      j++;
    }
  }
  return a.length - i - (b.length - j) || (a < b ? -1 : 1);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Address order, then UID: two incarnations of one address sort next to each other. */
export function compareNodes(a: UniqueAddress, b: UniqueAddress): number {
  return compareAddresses(a.address, b.address) || a.uid - b.uid;
}

/**
 * The member life cycle, after Akka. A member only moves forward along
 * joining → weakly-up → up → leaving → exiting → removed, or to down (then removed) from any
 * state before removed. Unreachability is not a status: it is a flag from the failure detectors.
 */
export type MemberStatus =
  | "joining"
  | "weakly-up"
  | "up"
  | "leaving"
  | "exiting"
  | "down"
  | "removed";

/**
 * The rank that makes "forward" precise: when two gossips disagree about a member, the higher
 * rank wins (Akka's `Member.highestPriorityOf`), and a member's status never drops in rank.
 */
export const STATUS_RANK: Readonly<Record<MemberStatus, number>> = {
  joining: 0,
  "weakly-up": 1,
  up: 2,
  leaving: 3,
  exiting: 4,
  down: 5,
  removed: 6,
};

/** A member of the cluster as one gossip knows it. */
export interface Member {
  readonly node: UniqueAddress;
  readonly status: MemberStatus;
  /**
   * Order in which members became up: smaller is older. Joining members have
   * `Number.MAX_SAFE_INTEGER`. Keep-oldest and (later) the singleton use it.
   */
  readonly upNumber: number;
  /**
   * The node's roles (Akka's `akka.cluster.roles`), fixed when it joins. Absent means none.
   * Split-brain resolver strategies with a `role` count only members that have it.
   */
  readonly roles?: readonly string[];
}

/** Whether `member` has `role` (Akka's `Member.hasRole`). */
export function hasRole(member: Member, role: string): boolean {
  return member.roles?.includes(role) ?? false;
}

export const NOT_UP = Number.MAX_SAFE_INTEGER;

/** Age order: oldest first; ties (members that became up together) by address. */
export function compareAge(a: Member, b: Member): number {
  return a.upNumber - b.upNumber || compareNodes(a.node, b.node);
}

/** The member that wins a merge: higher status rank, or the older of two with equal status. */
export function highestPriorityOf(a: Member, b: Member): Member {
  if (a.status === b.status) return compareAge(a, b) <= 0 ? a : b;
  return STATUS_RANK[a.status] > STATUS_RANK[b.status] ? a : b;
}
