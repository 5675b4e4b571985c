/** A new queue starts small (an idle actor costs little); segments double up to this size. */
const FIRST_SEGMENT = 16;
/** Large enough to amortise a segment's allocation, small enough for the young generation. */
const MAX_SEGMENT = 1024;

interface Segment<T> {
  readonly items: Array<T | undefined>;
  next: Segment<T> | null;
}

function segment<T>(size: number, next: Segment<T> | null = null): Segment<T> {
  const items = new Array<T | undefined>(size);
  // `new Array(n)` starts as a small-integer array and the first object stored would change its
  // hidden class: storing `undefined` now gives every segment the generic kind from the start,
  // so the stores in `push` and `shift` see one array shape and compile to plain stores.
  items[0] = undefined;
  return { items, next };
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
  // The two segments' arrays, kept at hand: push and shift, which every message pays for, then
  // read one field for their array instead of a segment and then its array.
  private headItems: Array<T | undefined> = this.headSegment.items;
  private tailItems: Array<T | undefined> = this.headItems;
  /** Next slot to read in the head segment. */
  private head = 0;
  /** Next slot to write in the tail segment. */
  private tail = 0;
  private spare: Segment<T> | null = null;
  size = 0;

  push(item: T): void {
    if (this.tail === this.tailItems.length) this.addSegment();
    this.tailItems[this.tail++] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    if (this.head === this.headItems.length) this.nextSegment();
    const items = this.headItems;
    const head = this.head;
    const item = items[head];
    items[head] = undefined;
    this.head = head + 1;
    if (--this.size === 0) this.rewind();
    return item;
  }

  /** Puts `items` in front of everything queued, keeping their order (used by unstash). */
  prependAll(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.head === 0) {
        this.headSegment = segment<T>(MAX_SEGMENT, this.headSegment);
        this.headItems = this.headSegment.items;
        this.head = MAX_SEGMENT;
      }
      this.headItems[--this.head] = items[i];
      this.size++;
    }
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.size > 0) out.push(this.shift() as T);
    return out;
  }

  private addSegment(): void {
    const next = this.spare ?? segment<T>(Math.min(this.tailItems.length * 2, MAX_SEGMENT));
    this.spare = null;
    this.tailSegment.next = next;
    this.tailSegment = next;
    this.tailItems = next.items;
    this.tail = 0;
  }

  private nextSegment(): void {
    const done = this.headSegment;
    const next = done.next as Segment<T>;
    done.next = null;
    this.spare = done;
    this.headSegment = next;
    this.headItems = next.items;
    this.head = 0;
  }

  /** Empty: start over at the front of the segment in hand. */
  private rewind(): void {
    const seg = this.headSegment;
    seg.next = null;
    this.tailSegment = seg;
    this.tailItems = seg.items;
    this.head = 0;
    this.tail = 0;
  }
}

/**
 * @internal The runtime's own mail (signals, timers, work to run inside the actor): one
 * `instanceof` tells it from a user message, which every message pays for.
 */
export class InternalEnvelope {}
