/**
 * What one observer's failure detector says about one subject. "terminated" is stronger than
 * unreachable: the observer knows the incarnation is gone (a new incarnation of its address
 * joined), so it never becomes reachable again.
 */
export type ReachabilityStatus = "reachable" | "unreachable" | "terminated";

/** One row of the reachability table. Observer and subject are node keys (`address#uid`). */
export interface ReachabilityRecord {
  readonly observer: string;
  readonly subject: string;
  readonly status: ReachabilityStatus;
  readonly version: number;
}

type Rows = ReadonlyMap<string, ReachabilityRecord>;

/**
 * The reachability table gossiped with the membership, after Akka: each observer owns its rows
 * and versions them, so merging two tables keeps, per observer, the rows with the higher
 * version. A member is unreachable when any observer says so: unreachability is a flag on top of
 * the member status, never a status itself. Immutable.
 *
 * @example One observer's complaint
 * ```ts
 * const r = Reachability.empty.unreachable("node-1#7", "node-3#2");
 * r.isReachable("node-3#2"); // false: someone says so
 * r.isReachableFrom("node-2#9", "node-3#2"); // true: node-2 itself has no complaint
 * r.reachable("node-1#7", "node-3#2").isAllReachable; // true
 * ```
 */
export class Reachability {
  static readonly empty = new Reachability(new Map(), new Map());
  private aggregate: Map<string, ReachabilityStatus> | undefined;

  private constructor(
    private readonly rows: ReadonlyMap<string, Rows>,
    readonly versions: ReadonlyMap<string, number>,
  ) {}

  /** A table rebuilt from its {@link records} and versions, as they crossed a wire. */
  static fromRecords(
    records: Iterable<ReachabilityRecord>,
    versions: Iterable<readonly [string, number]>,
  ): Reachability {
    const rows = new Map<string, Map<string, ReachabilityRecord>>();
    for (const r of records) {
      let observerRows = rows.get(r.observer);
      if (observerRows === undefined) {
        observerRows = new Map();
        rows.set(r.observer, observerRows);
      }
      observerRows.set(r.subject, r);
    }
    return new Reachability(rows, new Map(versions));
  }

  /** A copy in which `observer` records `subject` as unreachable. */
  unreachable(observer: string, subject: string): Reachability {
    return this.change(observer, subject, "unreachable");
  }

  /** A copy in which `observer` records `subject` as reachable again. */
  reachable(observer: string, subject: string): Reachability {
    return this.change(observer, subject, "reachable");
  }

  /** A copy in which `observer` records `subject` as terminated (it will not come back). */
  terminated(observer: string, subject: string): Reachability {
    return this.change(observer, subject, "terminated");
  }

  private change(observer: string, subject: string, status: ReachabilityStatus): Reachability {
    const version = (this.versions.get(observer) ?? 0) + 1;
    const observerRows = this.rows.get(observer);
    const old = observerRows?.get(subject);
    if (observerRows === undefined && status === "reachable") return this;
    if (old !== undefined && (old.status === "terminated" || old.status === status)) return this;
    const versions = new Map(this.versions).set(observer, version);
    const rows = new Map(this.rows);
    if (status === "reachable") {
      // When everything this observer sees is reachable again its rows go away entirely; the
      // bumped version tells the other tables that the old rows are stale.
      let allReachable = true;
      for (const r of observerRows?.values() ?? []) {
        if (r.subject !== subject && r.status !== "reachable") allReachable = false;
      }
      if (allReachable) {
        rows.delete(observer);
        return new Reachability(rows, versions);
      }
    }
    const next = new Map(observerRows ?? []);
    next.set(subject, { observer, subject, status, version });
    rows.set(observer, next);
    return new Reachability(rows, versions);
  }

  /**
   * Merges two tables, keeping only observers and subjects in `allowed` (the merged members):
   * for each observer, the rows of the side with the higher version win.
   */
  merge(allowed: ReadonlySet<string>, other: Reachability): Reachability {
    if (other === this) return this.restrict(allowed);
    const rows = new Map<string, Rows>();
    const versions = new Map<string, number>();
    for (const observer of allowed) {
      const v1 = this.versions.get(observer) ?? 0;
      const v2 = other.versions.get(observer) ?? 0;
      const r1 = this.rows.get(observer);
      const r2 = other.rows.get(observer);
      // An observer always gossips all its rows at once, so the newer version's rows are whole.
      let chosen: Rows | undefined;
      if (r1 !== undefined && r2 !== undefined) chosen = v1 > v2 ? r1 : r2;
      else if (r1 !== undefined) chosen = v1 > v2 ? r1 : undefined;
      else if (r2 !== undefined) chosen = v2 > v1 ? r2 : undefined;
      if (chosen !== undefined) {
        const kept = filterRows(chosen, allowed);
        if (kept.size > 0) rows.set(observer, kept);
      }
      const v = Math.max(v1, v2);
      if (v > 0) versions.set(observer, v);
    }
    return new Reachability(rows, versions);
  }

  private restrict(allowed: ReadonlySet<string>): Reachability {
    let changed = false;
    for (const observer of this.versions.keys()) if (!allowed.has(observer)) changed = true;
    for (const rows of this.rows.values())
      for (const subject of rows.keys()) if (!allowed.has(subject)) changed = true;
    return changed ? this.merge(allowed, Reachability.empty) : this;
  }

  /** The table without any row where one of `nodes` is observer or subject. */
  remove(nodes: Iterable<string>): Reachability {
    const gone = new Set(nodes);
    if (gone.size === 0) return this;
    const rows = new Map<string, Rows>();
    for (const [observer, observerRows] of this.rows) {
      if (gone.has(observer)) continue;
      const kept = new Map<string, ReachabilityRecord>();
      for (const [subject, r] of observerRows) if (!gone.has(subject)) kept.set(subject, r);
      if (kept.size > 0) rows.set(observer, kept);
    }
    const versions = new Map([...this.versions].filter(([o]) => !gone.has(o)));
    return new Reachability(rows, versions);
  }

  /** The table without the observations made by `observers` (downed members, say). */
  removeObservers(observers: ReadonlySet<string>): Reachability {
    if (observers.size === 0) return this;
    let touched = false;
    for (const o of observers) if (this.rows.has(o)) touched = true;
    if (!touched) return this;
    const rows = new Map([...this.rows].filter(([o]) => !observers.has(o)));
    return new Reachability(rows, this.versions);
  }

  /** Aggregated status of `subject`: terminated beats unreachable beats reachable. */
  status(subject: string): ReachabilityStatus {
    return this.aggregated().get(subject) ?? "reachable";
  }

  /** What `observer` itself says about `subject`. */
  statusFrom(observer: string, subject: string): ReachabilityStatus {
    return this.rows.get(observer)?.get(subject)?.status ?? "reachable";
  }

  /** True when no observer records `subject` as unreachable or terminated. */
  isReachable(subject: string): boolean {
    return this.status(subject) === "reachable";
  }

  /** True unless `observer` itself records `subject` as unreachable or terminated. */
  isReachableFrom(observer: string, subject: string): boolean {
    return this.statusFrom(observer, subject) === "reachable";
  }

  /** True when nobody records anybody as unreachable or terminated. */
  get isAllReachable(): boolean {
    return this.aggregated().size === 0;
  }

  /** Every subject some observer sees as unreachable or terminated. */
  allUnreachableOrTerminated(): ReadonlySet<string> {
    return new Set(this.aggregated().keys());
  }

  /** Subjects `observer` sees as unreachable (not terminated), as Akka's `allUnreachableFrom`. */
  allUnreachableFrom(observer: string): string[] {
    const out: string[] = [];
    for (const r of this.rows.get(observer)?.values() ?? []) {
      if (r.status === "unreachable") out.push(r.subject);
    }
    return out;
  }

  /** Observers that have at least one row. */
  allObservers(): ReadonlySet<string> {
    return new Set(this.rows.keys());
  }

  /** Every row of the table (for gossip on the wire and for display). */
  records(): ReachabilityRecord[] {
    const out: ReachabilityRecord[] = [];
    for (const observerRows of this.rows.values())
      for (const r of observerRows.values()) out.push(r);
    return out;
  }

  private aggregated(): Map<string, ReachabilityStatus> {
    if (this.aggregate === undefined) {
      const agg = new Map<string, ReachabilityStatus>();
      for (const observerRows of this.rows.values()) {
        for (const r of observerRows.values()) {
          if (r.status === "terminated") agg.set(r.subject, "terminated");
          else if (r.status === "unreachable" && agg.get(r.subject) !== "terminated")
            agg.set(r.subject, "unreachable");
        }
      }
      this.aggregate = agg;
    }
    return this.aggregate;
  }
}

function filterRows(rows: Rows, allowed: ReadonlySet<string>): Rows {
  let all = true;
  for (const subject of rows.keys()) if (!allowed.has(subject)) all = false;
  if (all) return rows;
  return new Map([...rows].filter(([subject]) => allowed.has(subject)));
}
