import type { Address } from "../../sim/network";
import type { Random } from "../../sim/random";

/**
 * The node addresses a cluster runs on, from its options: a count (`node-1` … `node-n`) or an
 * explicit list. Throws naming `where` (the options field) if the list is empty or repeats an
 * address. Shared by the simulated and the live cluster, which take the same `nodes` option.
 */
export function clusterAddresses(nodes: number | readonly Address[], where: string): Address[] {
  const addresses =
    typeof nodes === "number"
      ? Array.from({ length: nodes }, (_, i) => `node-${i + 1}`)
      : [...nodes];
  if (addresses.length === 0) throw new RangeError(`${where}: need at least one node`);
  if (new Set(addresses).size !== addresses.length)
    throw new RangeError(`${where}: duplicate address in ${addresses.join(", ")}`);
  return addresses;
}

/** `address` if it is one of `addresses`; otherwise an error naming `owner` and the known ones. */
export function knownAddress(
  addresses: readonly Address[],
  address: Address,
  owner: string,
): Address {
  if (!addresses.includes(address))
    throw new Error(`${owner}: unknown node address "${address}" (known: ${addresses.join(", ")})`);
  return address;
}

/**
 * Hands out node incarnation UIDs from a seeded random source, never the same one twice, so a
 * restarted node is a new incarnation that the cluster can tell from the old one.
 */
export class UidAllocator {
  private readonly used = new Set<number>();

  constructor(private readonly random: Random) {}

  /** A UID in 1 … 2^31 − 1 that this allocator has not handed out before. */
  next(): number {
    for (;;) {
      const uid = this.random.int(1, 0x7fffffff);
      if (!this.used.has(uid)) {
        this.used.add(uid);
        return uid;
      }
    }
  }
}
