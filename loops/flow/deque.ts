// The waiter and item queue of the synchronization primitives and queues
// (loops/locks.ts, loops/queues.ts).

const MIN_CAPACITY = 4;
const SHRINK_ABOVE = 1024;

/**
 * A FIFO queue on a power-of-two ring buffer: push, shift and removing the
 * head are O(1) and allocation-free until the buffer grows; removing another
 * item (a cancelled waiter) is O(n). An emptied queue gives a big buffer
 * back.
 */
export class Deque<T> {
  #items: (T | undefined)[] = new Array(MIN_CAPACITY).fill(undefined);
  #mask = MIN_CAPACITY - 1;
  #head = 0;
  #size = 0;

  /** The number of items. */
  get length(): number {
    return this.#size;
  }

  /** The item at position `i` from the head (0 is the oldest); `i` < length. */
  at(i: number): T {
    return this.#items[(this.#head + i) & this.#mask] as T;
  }

  push(item: T): void {
    if (this.#size > this.#mask) this.#resize(this.#items.length * 2);
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item; the queue must not be empty. */
  shift(): T {
    const i = this.#head;
    const item = this.#items[i] as T;
    this.#items[i] = undefined;
    this.#head = (i + 1) & this.#mask;
    if (--this.#size === 0 && this.#items.length > SHRINK_ABOVE) this.#resize(MIN_CAPACITY);
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
    for (let k = 1; k < size; k++) {
      if (items[(this.#head + k) & mask] !== item) continue;
      for (; k < size - 1; k++) {
        items[(this.#head + k) & mask] = items[(this.#head + k + 1) & mask];
      }
      items[(this.#head + size - 1) & mask] = undefined;
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

  #resize(capacity: number): void {
    const items = new Array<T | undefined>(capacity).fill(undefined);
    for (let k = 0; k < this.#size; k++) items[k] = this.at(k);
    this.#items = items;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}
