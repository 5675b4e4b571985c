import { compareAddresses } from "./member";
import { PhiAccrualFailureDetector, type PhiAccrualSettings } from "./phi-accrual";

/** FNV-1a over the node key: a stable, spread-out position on the heartbeat ring. */
function ringHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Who monitors whom, after Akka's `HeartbeatNodeRing`: nodes sit on a ring ordered by a hash of
 * their key, and each node sends heartbeats to the next `monitoredByNrOfMembers` nodes after it
 * (everyone, when the cluster is no bigger than that plus one). Unreachable nodes met on the way
 * are kept but do not count, so every reachable node stays watched by enough others even when
 * many fail together.
 */
export function heartbeatReceivers(
  selfKey: string,
  nodes: readonly string[],
  unreachable: ReadonlySet<string>,
  monitoredByNrOfMembers: number,
): string[] {
  const others = nodes.filter((k) => k !== selfKey);
  if (monitoredByNrOfMembers >= others.length) return others;
  const ring = [...new Set([...nodes, selfKey])].sort(
    (a, b) => ringHash(a) - ringHash(b) || compareAddresses(a, b),
  );
  const start = ring.indexOf(selfKey);
  const out: string[] = [];
  let reachableTaken = 0;
  for (let i = 1; i < ring.length && reachableTaken < monitoredByNrOfMembers; i++) {
    const key = ring[(start + i) % ring.length] as string;
    out.push(key);
    if (!unreachable.has(key)) reachableTaken++;
  }
  return out;
}

/**
 * The sending half of heartbeating on one node: which nodes it monitors, and one phi-accrual
 * detector per monitored node, fed by heartbeat responses.
 */
export class HeartbeatState {
  private readonly detectors = new Map<string, PhiAccrualFailureDetector>();
  /** Former receivers still unreachable: keep watching them so they can come back. */
  private oldUnreachable = new Set<string>();
  private receivers: string[] = [];
  private active = new Set<string>();

  constructor(
    private readonly selfKey: string,
    private readonly clock: () => number,
    private readonly settings: Partial<PhiAccrualSettings>,
    private readonly monitoredByNrOfMembers: number,
  ) {}

  /** Recomputes the receivers from the current members and unreachable set. */
  update(members: readonly string[], unreachable: ReadonlySet<string>): void {
    const next = heartbeatReceivers(
      this.selfKey,
      members,
      unreachable,
      this.monitoredByNrOfMembers,
    );
    const memberSet = new Set(members);
    const nextSet = new Set(next);
    for (const old of this.receivers) {
      if (nextSet.has(old)) continue;
      const fd = this.detectors.get(old);
      if (memberSet.has(old) && fd !== undefined && !fd.isAvailable()) this.oldUnreachable.add(old);
      else this.detectors.delete(old);
    }
    for (const k of this.oldUnreachable) {
      if (!memberSet.has(k) || nextSet.has(k)) {
        this.oldUnreachable.delete(k);
        if (!memberSet.has(k)) this.detectors.delete(k);
      }
    }
    this.receivers = next;
    this.active = new Set([...next, ...this.oldUnreachable]);
  }

  /** Nodes to send a heartbeat to now. */
  activeReceivers(): ReadonlySet<string> {
    return this.active;
  }

  /**
   * True the first time a node is heartbeated, so the caller can arm Akka's "expected first
   * heartbeat" timer: a node that never answers must still end up unreachable.
   */
  isNew(key: string): boolean {
    return !this.detectors.has(key);
  }

  /** Creates the detector for `key` without a heartbeat (nothing measured yet). */
  ensure(key: string): PhiAccrualFailureDetector {
    let fd = this.detectors.get(key);
    if (fd === undefined) {
      fd = new PhiAccrualFailureDetector(this.clock, this.settings);
      this.detectors.set(key, fd);
    }
    return fd;
  }

  /** A response from `key` arrived. Ignored unless `key` is monitored. */
  heartbeatResponse(key: string): void {
    if (!this.active.has(key)) return;
    this.ensure(key).heartbeat();
    if (this.oldUnreachable.has(key)) {
      // Back from unreachable: no need to keep watching a node that is not our receiver.
      this.oldUnreachable.delete(key);
      if (!this.receivers.includes(key)) {
        this.detectors.delete(key);
        this.active.delete(key);
      }
    }
  }

  /** The first response never came: start the clock anyway so phi can grow. */
  expectedFirstHeartbeat(key: string): void {
    if (!this.active.has(key)) return;
    const fd = this.ensure(key);
    if (!fd.isMonitoring) fd.heartbeat();
  }

  /** Availability as the detector sees it; unmonitored nodes count as available. */
  isAvailable(key: string): boolean {
    return this.detectors.get(key)?.isAvailable() ?? true;
  }

  phi(key: string): number {
    return this.detectors.get(key)?.phi() ?? 0;
  }
}
