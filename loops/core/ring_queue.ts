// A FIFO queue on a power-of-two ring buffer: the loop's ready queue, and
// the waiters and items of the synchronization primitives and queues. push,
// shift and removing the head are O(1) and allocation-free until the buffer
// has to grow (it doubles); removing another item (a cancelled waiter) is
// O(n). A buffer that grew far beyond its initial size is given back when
// the queue empties.

const MIN_CAPACITY = 4;
/** An emptied buffer is given back when larger than this and 16× its initial size. */
const SHRINK_ABOVE = 1024;

/** A growable ring buffer used as a FIFO queue. */
export class RingQueue<T> {
  #items: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;
  #initial: number;
  #shrinkAbove: number;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.#initial = cap;
    this.#shrinkAbove = Math.max(SHRINK_ABOVE, cap * 16);
    this.#items = new Array(cap).fill(undefined);
    this.#mask = cap - 1;
  }

  /** The number of items. */
  get length(): number {
    return this.#size;
  }

  /** The item at position `i` from the head (0 is the oldest); `i` < length. */
  at(i: number): T {
    return this.#items[(this.#head + i) & this.#mask] as T;
  }

  push(item: T): void {
    if (this.#size > this.#mask) this.#grow();
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item; the queue must not be empty. */
  shift(): T {
    const i = this.#head;
    const item = this.#items[i] as T;
    this.#items[i] = undefined;
    this.#head = (i + 1) & this.#mask;
    if (--this.#size === 0 && this.#items.length > this.#shrinkAbove) this.clear();
    return item;
  }

  /** Removes the first occurrence of `item`; returns whether it was there. */
  remove(item: T): boolean {
    const size = this.#size;
    if (size === 0) return false;
    if (this.at(0) === item) {
      this.shift();
      return true;
    }
    const items = this.#items;
    const mask = this.#mask;
    const head = this.#head;
    for (let k = 1; k < size; k++) {
      if (items[(head + k) & mask] !== item) continue;
      for (; k < size - 1; k++) items[(head + k) & mask] = items[(head + k + 1) & mask];
      items[(head + size - 1) & mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** The items, oldest first, as a new array. */
  toArray(): T[] {
    const out = new Array<T>(this.#size);
    for (let k = 0; k < this.#size; k++) out[k] = this.at(k);
    return out;
  }

  /** Empties the queue; a buffer that grew is dropped rather than emptied slot by slot. */
  clear(): void {
    if (this.#items.length > this.#initial) this.#items = new Array(this.#initial).fill(undefined);
    else this.#items.fill(undefined);
    this.#mask = this.#items.length - 1;
    this.#head = 0;
    this.#size = 0;
  }

  // Doubles the buffer in place. The items at head.. stay where they are;
  // the ones that had wrapped around to 0..head move up to just after the
  // old end, so `(head + i) & mask` still finds item i. The copies are
  // builtins (length, copyWithin, fill): a loop over 100,000 items here ran
  // unoptimized and cost as much as the pushes themselves, and slicing the
  // two halves made three arrays where one will do.
  #grow(): void {
    const items = this.#items;
    const old = items.length;
    const head = this.#head;
    items.length = old * 2; // the new half reads as undefined
    if (head > 0) {
      items.copyWithin(old, 0, head);
      items.fill(undefined, 0, head);
    }
    this.#mask = old * 2 - 1;
  }
}
