/** A new queue starts small (an idle actor costs little); segments double up to this size. */
const FIRST_SEGMENT = 16;
/** Large enough to amortise a segment's allocation, small enough for the young generation. */
const MAX_SEGMENT = 1024;

interface Segment<T> {
  readonly items: Array<T | undefined>;
  next: Segment<T> | null;
}

function segment<T>(size: number, next: Segment<T> | null = null): Segment<T> {
  return { items: new Array<T | undefined>(size), next };
}

/**
 * A FIFO queue of fixed-size segments: O(1) push, shift and bulk prepend. A backlog never copies
 * what is queued (a single growing array copied every element at each doubling, and that copying
 * was a fifth of a tell benchmark's time), and one drained segment is kept for reuse, so an actor
 * at a steady rate allocates nothing per message. Mailboxes, the dispatcher's run queue and the
 * stashes use it.
 * @internal
 */
export class SegmentQueue<T> {
  private headSegment: Segment<T> = segment<T>(FIRST_SEGMENT);
  private tailSegment: Segment<T> = this.headSegment;
  /** Next slot to read in the head segment. */
  private head = 0;
  /** Next slot to write in the tail segment. */
  private tail = 0;
  private spare: Segment<T> | null = null;
  size = 0;

  push(item: T): void {
    if (this.tail === this.tailSegment.items.length) {
      const next =
        this.spare ?? segment<T>(Math.min(this.tailSegment.items.length * 2, MAX_SEGMENT));
      this.spare = null;
      this.tailSegment.next = next;
      this.tailSegment = next;
      this.tail = 0;
    }
    this.tailSegment.items[this.tail++] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    let seg = this.headSegment;
    if (this.head === seg.items.length) {
      const next = seg.next as Segment<T>;
      seg.next = null;
      this.spare = seg;
      seg = this.headSegment = next;
      this.head = 0;
    }
    const item = seg.items[this.head];
    seg.items[this.head++] = undefined;
    if (--this.size === 0) {
      // Empty: start over at the front of the segment in hand.
      seg.next = null;
      this.tailSegment = seg;
      this.head = 0;
      this.tail = 0;
    }
    return item;
  }

  /** Puts `items` in front of everything queued, keeping their order (used by unstash). */
  prependAll(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.head === 0) {
        this.headSegment = segment<T>(MAX_SEGMENT, this.headSegment);
        this.head = MAX_SEGMENT;
      }
      this.headSegment.items[--this.head] = items[i];
      this.size++;
    }
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.size > 0) out.push(this.shift() as T);
    return out;
  }
}

/**
 * @internal The runtime's own mail (signals, timers, work to run inside the actor): one
 * `instanceof` tells it from a user message, which every message pays for.
 */
export class InternalEnvelope {}
