// The loop's timers: a binary min-heap ordered by (when, seq). `seq` grows
// with every push, so timers with equal deadlines fire in scheduling order.
// Cancellation is lazy: a cancelled timer stays in the heap until it reaches
// the top or the heap is compacted (see BaseEventLoop).

/** What the heap needs to know about a timer. */
export interface HeapEntry {
  _when: number;
  _seq: number;
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/** A binary min-heap of timers. */
export class TimerHeap<T extends HeapEntry> {
  items: T[] = [];
  #seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** The earliest timer, or undefined. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item._seq = this.#seq++;
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(item, a[p])) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = item;
  }

  /** Removes and returns the earliest timer; the heap must not be empty. */
  pop(): T {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as T;
    if (a.length > 0) {
      a[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Keeps only the items for which `keep` is true and restores heap order. */
  filter(keep: (item: T) => boolean): void {
    this.items = this.items.filter(keep);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  clear(): void {
    this.items = [];
  }

  #siftDown(i: number): void {
    const a = this.items;
    const n = a.length;
    const item = a[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(a[c + 1], a[c])) c++;
      if (!before(a[c], item)) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = item;
  }
}

/** What the loop's timer queue needs to know about a timer. */
export interface TimerEntry extends HeapEntry {
  _cancelled: boolean;
  /** Whether it sits in the queue. */
  _scheduled: boolean;
}

/** Compact the heap once it holds more than this many timers... */
const MIN_SCHEDULED_TIMER_HANDLES = 100;
/** ...and more than this fraction of them are cancelled (CPython's rule). */
const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;

/**
 * The loop's timers: the heap plus lazy cancellation. A cancelled timer
 * stays until it reaches the top, unless so many are cancelled that
 * rebuilding the heap without them is cheaper (CPython's rule).
 */
export class TimerQueue<T extends TimerEntry> extends TimerHeap<T> {
  /** How many timers in the heap are cancelled. */
  cancelledCount = 0;

  /** Schedules a timer. */
  add(timer: T): void {
    timer._scheduled = true;
    this.push(timer);
  }

  /** Drops cancelled timers: all of them (compaction), or those on top. */
  dropCancelled(): void {
    const size = this.items.length;
    if (
      size > MIN_SCHEDULED_TIMER_HANDLES &&
      this.cancelledCount > size * MIN_CANCELLED_TIMER_HANDLES_FRACTION
    ) {
      this.filter((t) => {
        if (!t._cancelled) return true;
        t._scheduled = false;
        return false;
      });
      this.cancelledCount = 0;
      return;
    }
    while (this.items.length > 0 && this.items[0]._cancelled) {
      this.pop()._scheduled = false;
      this.cancelledCount--;
    }
  }

  /** Moves every live timer due before `end` to `ready`, in order. */
  popDue(end: number, ready: { push(timer: T): void }): void {
    const items = this.items;
    while (items.length > 0 && items[0]._when < end) {
      const t = this.pop();
      t._scheduled = false;
      if (t._cancelled) this.cancelledCount--;
      else ready.push(t);
    }
  }

  /** Forgets every timer. */
  override clear(): void {
    for (const t of this.items) t._scheduled = false;
    super.clear();
    this.cancelledCount = 0;
  }
}
