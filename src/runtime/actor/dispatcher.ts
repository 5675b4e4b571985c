import type { Scheduler } from "../sim/scheduler";
import type { ActorCell } from "./cell";
import { SegmentQueue } from "./mailbox";

/**
 * @internal Runs actors that have mail. One task on the scheduler drains many actors, each up
 * to `throughput` messages at a time for fairness, and yields back to the host after
 * `batchLimit` messages so a busy system never freezes a page.
 */
export class Dispatcher {
  private readonly queue = new SegmentQueue<ActorCell<unknown>>();
  private pending = false;
  private readonly drainTask = () => this.drain();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly throughput: number,
    private readonly batchLimit: number,
  ) {}

  ready(cell: ActorCell<unknown>): void {
    this.queue.push(cell);
    if (!this.pending) {
      this.pending = true;
      this.scheduler.executeSoon(this.drainTask);
    }
  }

  private drain(): void {
    const queue = this.queue;
    let budget = this.batchLimit;
    while (queue.size > 0 && budget > 0) {
      const cell = queue.shift() as ActorCell<unknown>;
      budget -= cell.run(this.throughput);
      if (cell.runnable) queue.push(cell);
      else cell.scheduled = false;
    }
    if (queue.size > 0) this.scheduler.executeSoon(this.drainTask);
    else this.pending = false;
  }
}
