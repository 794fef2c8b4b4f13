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
