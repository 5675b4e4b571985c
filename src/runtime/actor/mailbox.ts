/**
 * A growable ring buffer: O(1) push, shift and bulk prepend, no per-message allocation.
 * Mailboxes and the dispatcher's run queue both use it.
 * @internal
 */
export class RingBuffer<T> {
  private buf: Array<T | undefined>;
  private head = 0;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 16) {
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.buf = new Array(cap);
    this.mask = cap - 1;
  }

  push(item: T): void {
    if (this.size > this.mask) this.grow();
    this.buf[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  /** Puts `items` in front of everything queued, keeping their order (used by unstash). */
  prependAll(items: readonly T[]): void {
    while (this.size + items.length > this.mask + 1) this.grow();
    for (let i = items.length - 1; i >= 0; i--) {
      this.head = (this.head - 1) & this.mask;
      this.buf[this.head] = items[i];
      this.size++;
    }
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined || this.size > 0; item = this.shift()) {
      out.push(item as T);
    }
    return out;
  }

  private grow(): void {
    const old = this.buf;
    const cap = old.length * 2;
    const next = new Array<T | undefined>(cap);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.mask = cap - 1;
  }
}
