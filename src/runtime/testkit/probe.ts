import { ActorRef } from "../actor/ref";
import type { VirtualScheduler } from "../sim/virtual-scheduler";

/**
 * A reference that records what it receives, for assertions in tests and lab checks.
 *
 * @example Catching a reply
 * ```ts
 * type CounterMsg = { type: "get"; replyTo: ActorRef<number> };
 * declare const counter: ActorRef<CounterMsg>;
 * declare const sim: VirtualScheduler;
 * const probe = new TestProbe<number>("replies");
 * counter.tell({ type: "get", replyTo: probe.ref });
 * await sim.runUntilIdle();
 * probe.receiveMessage(); // 0; throws if nothing arrived
 * probe.expectNoMessage(); // and nothing else did
 * ```
 */
export class TestProbe<T> {
  readonly ref: ActorRef<T>;
  private readonly inbox: T[] = [];

  constructor(name = "probe") {
    this.ref = new ActorRef<T>(`probe/${name}`, {
      enqueue: (message) => this.inbox.push(message as T),
    });
  }

  /** Messages received and not yet taken, oldest first. */
  get messages(): readonly T[] {
    return this.inbox;
  }

  /** Takes the oldest message; throws if there is none. */
  receiveMessage(): T {
    if (this.inbox.length === 0) throw new Error(`${this.ref.path}: expected a message, got none`);
    return this.inbox.shift() as T;
  }

  /** Takes every message received so far. */
  receiveAll(): T[] {
    return this.inbox.splice(0, this.inbox.length);
  }

  /** Throws if any message is waiting. */
  expectNoMessage(): void {
    if (this.inbox.length > 0) {
      throw new Error(
        `${this.ref.path}: expected no message, got ${JSON.stringify(this.inbox[0])}`,
      );
    }
  }

  /** Runs the virtual scheduler until idle, then takes the oldest message. */
  async expectMessageAfter(sim: VirtualScheduler): Promise<T> {
    await sim.runUntilIdle();
    return this.receiveMessage();
  }
}
